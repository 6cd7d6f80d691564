import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import StratumProtocol

/// A Stratum v1 client for one worker: connects to the first pool of an ordered list,
/// subscribes, authorizes, reports jobs as events and submits shares; reconnects with backoff
/// and fails over between pools until its `run()` task is cancelled.
public final class StratumClient: Sendable {
    public let configuration: StratumClientConfiguration
    private let logger: Logger
    private let eventLoopGroup: any EventLoopGroup
    private let eventStream: AsyncStream<StratumClientEvent>
    private let eventContinuation: AsyncStream<StratumClientEvent>.Continuation
    private let state = NIOLockedValueBox(SharedState())

    private struct Connection: Sendable {
        let eventLoop: any EventLoop
        let handler: NIOLoopBound<StratumChannelHandler>
    }

    private struct SharedState: Sendable {
        var connection: Connection?
        var waiters: [UInt64: CheckedContinuation<ShareResult, Never>] = [:]
        var nextToken: UInt64 = 1
        var epoch: UInt64 = 0
        var isStopped = false
    }

    public init(configuration: StratumClientConfiguration, logger: Logger,
                eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        precondition(!configuration.pools.isEmpty, "at least one pool is needed")
        self.configuration = configuration
        self.logger = logger
        self.eventLoopGroup = eventLoopGroup
        (eventStream, eventContinuation) = AsyncStream.makeStream(of: StratumClientEvent.self)
    }

    /// Everything the client reports, in order. Finishes when `run()` returns.
    public var events: AsyncStream<StratumClientEvent> { eventStream }

    /// Sends the share and waits for the pool's verdict (or `.lost` on timeout/close). A share whose
    /// epoch or extranonce1 is not the current session's is `.lost` and never sent.
    public func submit(_ share: ShareSubmission) async -> ShareResult {
        await withCheckedContinuation { (continuation: CheckedContinuation<ShareResult, Never>) in
            let (token, connection, isStopped) = state.withLockedValue { state in
                let token = state.nextToken
                state.nextToken += 1
                state.waiters[token] = continuation
                return (token, state.connection, state.isStopped)
            }
            guard !isStopped, let connection else {
                resolve(token: token, .lost("not sent: not connected"))
                return
            }
            connection.eventLoop.execute {
                connection.handler.value.submit(share, token: token)
            }
        }
    }

    /// Connects and reconnects until the task is cancelled; then closes the connection, resolves
    /// pending submits as lost, finishes `events` and returns.
    public func run() async throws {
        defer { stop() }
        var failover = FailoverState(poolCount: configuration.pools.count)
        var override: (host: String?, port: Int?) = (nil, nil)
        var resume: [Int: (subscriptionID: String?, extranonce1: [UInt8]?)] = [:]
        var attempt = 0
        while !Task.isCancelled {
            let index = failover.currentIndex
            let pool = configuration.pools[index]
            attempt += 1
            let end: ConnectionEnd
            if var endpoint = PoolEndpoint(url: pool.url) {
                if let host = override.host { endpoint.host = host }
                if let port = override.port { endpoint.port = port }
                emit(.connecting(url: endpoint.url, attempt: attempt))
                let outcome = await connectAndServe(pool: pool, index: index, endpoint: endpoint,
                                                    resume: resume[index] ?? (nil, nil))
                end = outcome.end
                if outcome.extranonce1 != nil { resume[index] = (outcome.subscriptionID, outcome.extranonce1) }
                if case .connectFailed = end {} else { emit(.disconnected(url: endpoint.url, reason: outcome.reason)) }
                if case .closed(let authorizedFor?) = end, authorizedFor >= configuration.stableConnectionAfter { attempt = 0 }
            } else {
                emit(.protocolError("invalid pool URL: \(pool.url)"))
                end = .connectFailed
            }
            if Task.isCancelled { break }
            let decision = failover.next(after: end, backoff: configuration.backoff,
                                         stableAfter: configuration.stableConnectionAfter,
                                         random: Double.random(in: 0..<1))
            override = (decision.host, decision.port)
            if decision.poolIndex != index { attempt = 0 }
            logger.info("reconnecting", metadata: ["pool": "\(configuration.pools[decision.poolIndex].url)",
                                                   "delay": "\(decision.delay)"])
            do {
                try await Task.sleep(for: decision.delay)
            } catch {
                break
            }
        }
    }

    // MARK: - One connection

    private func connectAndServe(pool: PoolConfiguration, index: Int, endpoint: PoolEndpoint,
                                 resume: (subscriptionID: String?, extranonce1: [UInt8]?)) async -> ConnectionOutcome {
        let epoch = state.withLockedValue { state in
            state.epoch += 1
            return state.epoch
        }
        let sessionConfiguration = StratumSessionConfiguration(
            pool: pool, poolURL: endpoint.url, user: configuration.user, password: configuration.password,
            userAgent: configuration.userAgent, epoch: epoch, previousSubscriptionID: resume.subscriptionID,
            previousExtranonce1: resume.extranonce1, requestTimeout: configuration.subscribeTimeout,
            idleTimeout: configuration.idleTimeout, submitTimeout: configuration.submitTimeout,
            returnToPrimaryAfter: index == 0 ? nil : configuration.primaryReturnAfter,
            versionRollingMask: configuration.versionRollingMask)
        var connectionLogger = logger
        connectionLogger[metadataKey: "pool"] = "\(endpoint.url)"
        connectionLogger[metadataKey: "worker"] = "\(configuration.workerName)"
        let handlerLogger = connectionLogger
        let failed = ConnectionOutcome(end: .connectFailed, reason: "connect failed")
        do {
            let sslContext = endpoint.useTLS ? try makeSSLContext(pool) : nil
            let fingerprint = pool.tlsFingerprintSHA256.flatMap(CertificateFingerprint.normalized)
            if pool.tlsFingerprintSHA256 != nil && fingerprint == nil {
                emit(.protocolError("tls fingerprint is not 64 hex digits; refusing to connect"))
                return failed
            }
            let maximumLineLength = configuration.maximumLineLength
            let tickInterval = configuration.tickInterval
            let bootstrap = ClientBootstrap(group: eventLoopGroup)
                .connectTimeout(.nanoseconds(Int64(configuration.connectTimeout.seconds * 1e9)))
                .channelOption(.socketOption(.so_keepalive), value: 1)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { [self] channel in
                    channel.eventLoop.makeCompletedFuture {
                        let sync = channel.pipeline.syncOperations
                        if let sslContext {
                            let hostname = endpoint.isIPAddress ? nil : endpoint.host
                            let tls: NIOSSLClientHandler
                            if let fingerprint {
                                tls = try NIOSSLClientHandler(context: sslContext, serverHostname: hostname) { certificates, promise in
                                    guard let leaf = certificates.first, let der = try? leaf.toDERBytes(),
                                          CertificateFingerprint.sha256Hex(der) == fingerprint else {
                                        promise.succeed(.failed)
                                        return
                                    }
                                    promise.succeed(.certificateVerified)
                                }
                            } else {
                                tls = try NIOSSLClientHandler(context: sslContext, serverHostname: hostname)
                            }
                            try sync.addHandler(tls)
                        }
                        try sync.addHandler(ByteToMessageHandler(LineFrameDecoder(maximumLineLength: maximumLineLength)))
                        let handler = StratumChannelHandler(session: StratumSession(configuration: sessionConfiguration),
                                                            client: self, logger: handlerLogger,
                                                            tickInterval: tickInterval, eventLoop: channel.eventLoop)
                        try sync.addHandler(handler)
                    }
                }
            let channel = try await bootstrap.connect(host: endpoint.host, port: endpoint.port).get()
            let outcomeFuture = try await channel.eventLoop.submit { [self] in
                let handler = try channel.pipeline.syncOperations.handler(type: StratumChannelHandler.self)
                let connection = Connection(eventLoop: channel.eventLoop,
                                            handler: NIOLoopBound(handler, eventLoop: channel.eventLoop))
                state.withLockedValue { $0.connection = connection }
                return handler.outcome
            }.get()
            let outcome = await withTaskCancellationHandler {
                (try? await outcomeFuture.get()) ?? ConnectionOutcome(end: .closed(authorizedFor: nil), reason: "closed")
            } onCancel: {
                channel.eventLoop.execute {
                    (try? channel.pipeline.syncOperations.handler(type: StratumChannelHandler.self))?.shutdown()
                    channel.close(promise: nil)
                }
            }
            state.withLockedValue { state in
                if state.connection?.eventLoop === channel.eventLoop { state.connection = nil }
            }
            return outcome
        } catch {
            connectionLogger.warning("could not connect", metadata: ["error": "\(error)"])
            state.withLockedValue { $0.connection = nil }
            return ConnectionOutcome(end: .connectFailed, reason: "\(error)")
        }
    }

    private func makeSSLContext(_ pool: PoolConfiguration) throws -> NIOSSLContext {
        var tls = TLSConfiguration.makeClientConfiguration()
        if pool.tlsFingerprintSHA256 != nil {
            tls.certificateVerification = .noHostnameVerification  // the pin replaces chain checks
        } else if pool.allowSelfSigned {
            tls.certificateVerification = .none
        }
        return try NIOSSLContext(configuration: tls)
    }

    // MARK: - Called by the channel handler (on its event loop)

    func emit(_ event: StratumClientEvent) {
        eventContinuation.yield(event)
    }

    func resolve(token: UInt64, _ result: ShareResult) {
        let waiter = state.withLockedValue { $0.waiters.removeValue(forKey: token) }
        waiter?.resume(returning: result)
    }

    private func stop() {
        let waiters = state.withLockedValue { state in
            state.isStopped = true
            state.connection = nil
            let waiters = state.waiters
            state.waiters = [:]
            return waiters
        }
        for waiter in waiters.values { waiter.resume(returning: .lost("client stopped")) }
        eventContinuation.finish()
    }
}
