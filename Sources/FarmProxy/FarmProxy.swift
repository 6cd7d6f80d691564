import FarmProxyCore
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import StratumClient
import StratumProtocol

/// The farm proxy on the wire: miners connect to its listener as to a pool, `ProxyCore` decides
/// everything, and one `StratumClient` (failover, TLS, reconnect) is its connection to the pool.
///
/// All state sits behind one lock; every line a miner sends is handled to completion under it,
/// and every write it causes is queued on that miner's event loop while the lock is held, so what
/// each miner sees is in exactly the order the core decided it.
public final class FarmProxy: Sendable {
    public let configuration: ProxyConfiguration
    /// Proxy events in order (share outcomes for the share log). One consumer; the newest 10 000
    /// are kept when nobody reads.
    public let events: AsyncStream<ProxyEvent>

    private struct State {
        var core: ProxyCore
        var channels: [DownstreamID: any Channel] = [:]
        var server: (any Channel)?
        var ticker: RepeatedTask?
        var upstream = UpstreamStatus()
        var stopped = false
    }

    private let state: NIOLockedValueBox<State>
    private let continuation: AsyncStream<ProxyEvent>.Continuation
    private let client: StratumClient
    private let logger: Logger
    private let group: any EventLoopGroup

    public init(configuration: ProxyConfiguration, userAgent: String, logger: Logger,
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.configuration = configuration
        self.logger = logger
        self.group = group
        (events, continuation) = AsyncStream.makeStream(of: ProxyEvent.self, bufferingPolicy: .bufferingNewest(10_000))
        state = NIOLockedValueBox(State(core: ProxyCore(configuration: configuration, now: Self.now())))
        var clientLogger = logger
        clientLogger[metadataKey: "proxy"] = "\(configuration.name)"
        client = StratumClient(
            configuration: StratumClientConfiguration(pools: configuration.pools, user: configuration.user,
                                                      password: configuration.password, userAgent: userAgent,
                                                      workerName: configuration.name, timers: configuration.timers),
            logger: clientLogger, eventLoopGroup: group)
    }

    static func now() -> Double { Date().timeIntervalSince1970 }

    // MARK: Lifecycle

    /// Binds the miners' listener and starts the once-a-second tick; returns the bound port.
    public func start() async throws -> Int {
        let maximumLineLength = configuration.maximumLineLength
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(LineFrameDecoder(maximumLineLength: maximumLineLength)))
                    try channel.pipeline.syncOperations.addHandler(DownstreamHandler(proxy: self))
                }
            }
        let server = try await bootstrap.bind(host: configuration.listen.host, port: configuration.listen.port).get()
        let ticker = server.eventLoop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { [weak self] _ in
            self?.update { $0.tick(now: Self.now()) }
        }
        state.withLockedValue { state in
            state.server = server
            state.ticker = ticker
        }
        let port = server.localAddress?.port ?? configuration.listen.port
        logger.info("proxy listening", metadata: ["proxy": "\(configuration.name)", "listen": "\(configuration.listen.host):\(port)",
                                                  "allow": "\(configuration.allow.joined(separator: ","))"])
        return port
    }

    /// Runs the upstream connection until the task is cancelled; then closes every miner and the
    /// listener, and finishes `events`.
    public func run() async throws {
        try await withTaskCancellationHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await self.client.run() }
                group.addTask {
                    for await event in self.client.events { self.upstream(event) }
                }
                try await group.waitForAll()
            }
        } onCancel: {
            // `client.run()` sees the cancellation itself.
        }
        await stop()
    }

    private func stop() async {
        let (server, ticker, channels) = state.withLockedValue { state -> ((any Channel)?, RepeatedTask?, [any Channel]) in
            state.stopped = true
            state.upstream.stage = .disconnected
            defer {
                state.server = nil
                state.ticker = nil
            }
            return (state.server, state.ticker, Array(state.channels.values))
        }
        ticker?.cancel()
        try? await server?.close()
        for channel in channels { try? await channel.close() }
        continuation.finish()
    }

    /// The bound port while listening.
    public var port: Int? { state.withLockedValue { $0.server?.localAddress?.port } }

    /// The proxy, its upstream connection and every miner, now.
    public var status: FarmProxyStatus {
        state.withLockedValue { FarmProxyStatus(core: $0.core.snapshot(now: Self.now()), upstream: $0.upstream) }
    }

    // MARK: Upstream

    private func upstream(_ event: StratumClientEvent) {
        let now = Self.now()
        switch event {
        case .job(let assignment):
            let job = UpstreamJob(notify: assignment.notify, epoch: assignment.epoch, jobGeneration: assignment.jobGeneration,
                                  extranonce1: assignment.extranonce1, extranonce2Size: assignment.extranonce2Size,
                                  difficulty: assignment.difficulty, versionMask: assignment.versionMask,
                                  isClean: assignment.isClean, poolURL: assignment.poolURL)
            update { $0.upstreamJob(job, now: now) }
        case .versionRollingMask(let mask):
            update { $0.upstreamVersionMaskChanged(mask) }
        case .disconnected(let url, let reason):
            logger.warning("proxy upstream connection lost", metadata: ["proxy": "\(configuration.name)", "url": "\(url)", "reason": "\(reason)"])
            update { $0.upstreamLost(now: now) }
        default:
            break
        }
        state.withLockedValue { $0.upstream.apply(event, now: now) }
    }

    private func forward(_ share: ForwardedShare) {
        let submission = ShareSubmission(jobID: share.jobID, epoch: share.epoch, jobGeneration: share.jobGeneration,
                                         extranonce1: share.extranonce1, extranonce2: share.extranonce2, ntime: share.ntime,
                                         nonce: share.nonce, versionBits: share.versionBits)
        Task {
            let answer: UpstreamShareAnswer
            switch await client.submit(submission) {
            case .accepted: answer = .accepted
            case .rejected(let reason, let message): answer = .rejected(reason, message: message)
            case .lost(let why): answer = .lost(why)
            }
            update { $0.upstreamAnswered(token: share.token, answer, now: Self.now()) }
        }
    }

    // MARK: Miners (called by DownstreamHandler on the channel's event loop)

    func downstreamOpened(_ channel: any Channel) -> DownstreamID? {
        let address = channel.remoteAddress?.ipAddress ?? "unknown"
        guard configuration.allows(clientAddress: address) else {
            logger.warning("proxy refused a connection outside allow", metadata: ["proxy": "\(configuration.name)", "address": "\(address)"])
            return nil
        }
        return state.withLockedValue { state -> DownstreamID? in
            guard !state.stopped else { return nil }
            let (id, effects) = state.core.openDownstream(address: address, now: Self.now())
            if let id { state.channels[id] = channel }
            apply(effects, in: &state)
            return id
        }
    }

    func received(line: [UInt8], from id: DownstreamID) {
        update { $0.handleLine(line, from: id, now: Self.now()) }
    }

    func misbehaved(_ id: DownstreamID, reason: String) {
        update { $0.misbehaved(id, reason: reason) }
    }

    func downstreamClosed(_ id: DownstreamID, reason: String) {
        state.withLockedValue { state in
            state.channels[id] = nil
            apply(state.core.downstreamClosed(id, reason: reason), in: &state)
        }
    }

    // MARK: Effects

    private func update(_ body: (inout ProxyCore) -> [ProxyEffect]) {
        state.withLockedValue { state in apply(body(&state.core), in: &state) }
    }

    /// Carries out effects under the lock: writes and closes are queued on each channel's event
    /// loop (FIFO), so they happen in the order decided here.
    private func apply(_ effects: [ProxyEffect], in state: inout State) {
        for effect in effects {
            switch effect {
            case .send(let id, let line):
                if let channel = state.channels[id] { Self.write(Self.buffer(line), to: channel) }
            case .broadcast(let ids, let line):
                let data = Self.buffer(line)  // one buffer for every miner
                for id in ids {
                    if let channel = state.channels[id] { Self.write(data, to: channel) }
                }
            case .close(let id, let reason):
                guard let channel = state.channels[id] else { continue }
                state.channels[id] = nil
                apply(state.core.downstreamClosed(id, reason: reason), in: &state)
                channel.eventLoop.execute { channel.close(promise: nil) }
            case .forward(let share):
                forward(share)
            case .event(let event):
                log(event)
                continuation.yield(event)
            }
        }
    }

    /// A line and its newline.
    private static func buffer(_ line: String) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: line.utf8.count + 1)
        buffer.writeString(line)
        buffer.writeInteger(UInt8(ascii: "\n"))
        return buffer
    }

    /// Queued on the channel's event loop, in the order decided under the lock.
    private static func write(_ data: ByteBuffer, to channel: any Channel) {
        channel.eventLoop.execute { channel.writeAndFlush(data, promise: nil) }
    }

    private func log(_ event: ProxyEvent) {
        let proxy = Logger.MetadataValue.string(configuration.name)
        switch event {
        case .downstreamClosed(let id, let address, let reason):
            logger.info("miner disconnected", metadata: ["proxy": proxy, "downstream": "\(id)", "address": "\(address)", "reason": "\(reason)"])
        case .downstreamAuthorized(let id, let user):
            logger.info("miner authorized", metadata: ["proxy": proxy, "downstream": "\(id)", "user": "\(user)"])
        case .downstreamMisbehaved(let id, let address, let reason):
            logger.notice("miner misbehaved", metadata: ["proxy": proxy, "downstream": "\(id)", "address": "\(address)", "reason": "\(reason)"])
        case .upstreamRefused(let why):
            logger.error("proxy cannot use the upstream pool", metadata: ["proxy": proxy, "reason": "\(why)"])
        case .downstreamsReleased(let count):
            logger.warning("no upstream pool for hold_downstreams: miners released", metadata: ["proxy": proxy, "closed": "\(count)"])
        case .upstreamExtranonceChanged(let size, let told, let reconnected):
            logger.notice("upstream extranonce changed", metadata: ["proxy": proxy, "extranonce2_size": "\(size)",
                                                                    "told": "\(told)", "reconnected": "\(reconnected)"])
        case .share(let outcome):
            if case .rejected(let reason, let message, let byPool) = outcome.verdict {
                logger.info("miner share rejected", metadata: ["proxy": proxy, "downstream": "\(outcome.downstream)",
                                                               "reason": "\(reason.rawValue)", "message": "\(message)", "by": "\(byPool ? "pool" : "proxy")"])
            }
        case .downstreamOpened, .downstreamSubscribed, .downstreamDifficulty:
            break
        }
    }
}

/// One miner connection: hands complete lines to the proxy.
final class DownstreamHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let proxy: FarmProxy
    private var id: DownstreamID?
    private var closeReason = "closed by the miner"

    init(proxy: FarmProxy) {
        self.proxy = proxy
    }

    func channelActive(context: ChannelHandlerContext) {
        id = proxy.downstreamOpened(context.channel)
        if id == nil { context.close(promise: nil) }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let id else { return }
        proxy.received(line: Array(unwrapInboundIn(data).readableBytesView), from: id)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let id { proxy.downstreamClosed(id, reason: closeReason) }
        id = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let id, error is LineFrameDecoder.LineTooLongError {
            proxy.misbehaved(id, reason: "line longer than max_line_length")
            return
        }
        closeReason = "\(error)"
        context.close(promise: nil)
    }
}
