import Foundation
import Logging
import MiningCore
import NIOConcurrencyHelpers
import NIOCore
import NIOExtras
import NIOPosix
import NIOSSL
import StratumProtocol
import TLSDiagnostics

/// A real Stratum v1 pool on loopback (tests and `swiftminer demo`): it hands out well-formed
/// SHA-256d jobs and validates every submitted share completely with `MiningJob.evaluate`.
///
/// All state sits behind one lock; every line a session sends is handled to completion under it,
/// and every write it causes is queued on the session's event loop while the lock is held, so
/// what a client sees is in exactly the order the pool decided it.
public final class LocalPool: PoolSessionOwner {
    /// Longest extranonce1 `setExtranonce` accepts.
    public static let maximumExtranonce1Size = 32
    /// How many accepted shares `stats.acceptedShares` keeps (the most recent).
    public static let maximumRecordedShares = PoolCore.maximumRecordedShares

    public let configuration: LocalPoolConfiguration
    /// Pool events in order. One consumer; the newest 10 000 are buffered when nobody reads.
    public let events: AsyncStream<LocalPoolEvent>

    private struct State {
        var core: PoolCore
        var channels: [LocalPoolSessionID: any Channel] = [:]
        var lifecycle = PoolLifecycle()
    }

    // NIOLockedValueBox (pthread) rather than Synchronization.Mutex, whose contended hand-off
    // ThreadSanitizer cannot see on Linux (false race reports).
    private let state: NIOLockedValueBox<State>
    private let continuation: AsyncStream<LocalPoolEvent>.Continuation
    private let logger: Logger
    private let group: any EventLoopGroup

    public init(configuration: LocalPoolConfiguration = LocalPoolConfiguration(),
                logger: Logger = Logger(label: "swiftminer.localpool"),
                group: (any EventLoopGroup)? = nil) {
        self.configuration = configuration
        self.logger = logger
        self.group = group ?? MultiThreadedEventLoopGroup.singleton
        (events, continuation) = AsyncStream.makeStream(of: LocalPoolEvent.self, bufferingPolicy: .bufferingNewest(10_000))
        state = NIOLockedValueBox(State(core: PoolCore(configuration: configuration)))
    }

    // MARK: Lifecycle

    /// Binds the listening socket and creates the first job; returns the bound port.
    public func start() async throws -> Int {
        try configuration.validate()
        try state.withLockedValue { state in
            try state.lifecycle.start()
            _ = state.core.makeJob(clean: true, now: Self.now())
        }
        let maximumLineLength = configuration.maximumLineLength
        let sslContext: NIOSSLContext?
        do {
            sslContext = try configuration.tls.map(Self.makeSSLContext)
        } catch {
            state.withLockedValue { $0.lifecycle.startFailed() }
            throw error
        }
        let listener: PoolListener
        do {
            listener = try await PoolListener.bind(
                group: group, host: configuration.host, port: configuration.port, jobInterval: configuration.jobInterval,
                initialize: { [self] channel in
                    if let sslContext {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
                    }
                    // A partial line longer than the limit (plus a "\r") closes the session; nothing is truncated.
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(LineBasedFrameDecoder(), maximumBufferSize: maximumLineLength + 1))
                    try channel.pipeline.syncOperations.addHandler(PoolSessionHandler(pool: self))
                },
                newJob: { [weak self] in self?.broadcastNewJob(clean: false) })
        } catch {
            state.withLockedValue { $0.lifecycle.startFailed() }
            throw error
        }
        state.withLockedValue { $0.lifecycle.listening(listener) }
        logger.info("local pool listening", metadata: ["host": "\(configuration.host)", "port": "\(listener.port)"])
        return listener.port
    }

    private static func makeSSLContext(_ tls: LocalPoolTLS) throws -> NIOSSLContext {
        let chain = try NIOSSLCertificate.fromPEMBytes(Array(tls.certificateChainPEM.utf8))
        guard !chain.isEmpty else { throw LocalPoolError.invalidConfiguration("no certificate in the TLS certificate chain") }
        let key = try NIOSSLPrivateKey(bytes: Array(tls.privateKeyPEM.utf8), format: .pem)
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        return try NIOSSLContext(configuration: configuration)
    }

    /// Closes the listening socket and every session, and finishes `events`.
    public func stop() async {
        let (listener, channels) = state.withLockedValue { ($0.lifecycle.stop(), Array($0.channels.values)) }
        await PoolListener.close(listener, connections: channels)
        continuation.finish()
    }

    /// The bound port while running.
    public var port: Int? {
        state.withLockedValue { $0.lifecycle.port }
    }

    // MARK: Control (tests and demo)

    /// Sends `mining.set_difficulty` to every session, then a new (non-clean) job: the new
    /// difficulty applies to jobs sent after it; shares for earlier jobs keep theirs.
    public func setDifficulty(_ difficulty: Double) throws {
        try Self.check(difficulty: difficulty)
        update { $0.setDifficulty(difficulty, session: nil, now: Self.now()) }
    }

    /// The same for one session (the job that follows goes to that session only).
    public func setDifficulty(_ difficulty: Double, session: LocalPoolSessionID) throws {
        try Self.check(difficulty: difficulty)
        update { $0.setDifficulty(difficulty, session: session, now: Self.now()) }
    }

    /// Sends a new job to every subscribed session; `clean` moves to a new prevhash, which makes
    /// every earlier job stale. Returns the new job.
    @discardableResult
    public func broadcastNewJob(clean: Bool) -> LocalPoolJob {
        update { core -> (LocalPoolJob, [PoolEffect]) in core.broadcastNewJob(clean: clean, now: Self.now()) }
    }

    /// Sends `mining.set_extranonce` to one session (whether or not it sent
    /// `mining.extranonce.subscribe`). `extranonce1` nil allocates a fresh unique one. The values
    /// apply to the next job, which follows at once when `sendJob` is true.
    public func setExtranonce(session: LocalPoolSessionID, extranonce1: [UInt8]? = nil, extranonce2Size: Int? = nil,
                              sendJob: Bool = true) throws {
        if let extranonce1, !(1...Self.maximumExtranonce1Size).contains(extranonce1.count) {
            throw LocalPoolError.invalidArgument("extranonce1 of \(extranonce1.count) bytes (1...\(Self.maximumExtranonce1Size))")
        }
        if let size = extranonce2Size, !(0...MiningJob.maxExtranonce2Size).contains(size) {
            throw LocalPoolError.invalidArgument("extranonce2 size \(size) (0...\(MiningJob.maxExtranonce2Size))")
        }
        update {
            $0.setExtranonce(session: session, extranonce1: extranonce1, extranonce2Size: extranonce2Size,
                             sendJob: sendJob, now: Self.now())
        }
    }

    /// Gives every session a fresh unique extranonce1 (and optionally a new extranonce2 size).
    /// By default only sessions that sent `mining.extranonce.subscribe` are told.
    public func setExtranonceForAll(extranonce2Size: Int? = nil, onlyExtranonceSubscribers: Bool = true,
                                    sendJob: Bool = true) throws {
        if let size = extranonce2Size, !(0...MiningJob.maxExtranonce2Size).contains(size) {
            throw LocalPoolError.invalidArgument("extranonce2 size \(size) (0...\(MiningJob.maxExtranonce2Size))")
        }
        update { core -> [PoolEffect] in
            let targets = onlyExtranonceSubscribers ? core.extranonceSubscribers() : core.openSessionIDs
            return targets.flatMap {
                core.setExtranonce(session: $0, extranonce1: nil, extranonce2Size: extranonce2Size, sendJob: sendJob,
                                   now: Self.now())
            }
        }
    }

    /// Sends `client.reconnect [host, port, wait]` (empty params when all are nil) to one session
    /// or to all.
    public func sendReconnect(host: String? = nil, port: Int? = nil, waitSeconds: Int? = nil,
                              session: LocalPoolSessionID? = nil) {
        update { $0.reconnect(session: session, host: host, port: port, waitSeconds: waitSeconds) }
    }

    /// While on, every `mining.submit` is dropped without an answer and without being judged, as
    /// if it was lost on the way (counted in `stats.ignoredSubmits`): the miner's submits stay
    /// pending. For tests of what a miner does with unanswered shares.
    public func ignoreSubmits(_ ignore: Bool) {
        state.withLockedValue { $0.core.ignoringSubmits = ignore }
    }

    /// While on, every `mining.submit` is judged and counted as usual but not answered, as if the
    /// answer was lost on the way (counted in `stats.withheldAnswers`).
    public func withholdSubmitAnswers(_ withhold: Bool) {
        state.withLockedValue { $0.core.withholdingAnswers = withhold }
    }

    /// While on, every `mining.submit` is judged and counted at once but its answer is kept until
    /// `releaseHeldSubmitAnswers()`: the miner's submits stay pending, then are answered late.
    public func holdSubmitAnswers() {
        state.withLockedValue { $0.core.holdingAnswers = true }
    }

    /// Submit answers kept by `holdSubmitAnswers()` so far.
    public var heldSubmitAnswerCount: Int {
        state.withLockedValue { $0.core.heldAnswers.count }
    }

    /// Sends the kept answers (to sessions still open), in order, and stops holding.
    public func releaseHeldSubmitAnswers() {
        update { $0.releaseHeldAnswers() }
    }

    /// Closes every client connection (the listener stays open; subscriptions stay resumable).
    public func dropAllConnections() {
        update { core in core.openSessionIDs.map { PoolEffect.close($0) } }
    }

    /// A snapshot of the counters.
    public var stats: LocalPoolStats {
        state.withLockedValue { $0.core.stats }
    }

    /// The most recent job (nil before `start()`).
    public var currentJob: LocalPoolJob? {
        state.withLockedValue { $0.core.currentJob }
    }

    /// A recent job by id (the last 64 are kept).
    public func job(id: String) -> LocalPoolJob? {
        state.withLockedValue { $0.core.job(id: id) }
    }

    /// Ids of the open sessions.
    public var sessionIDs: [LocalPoolSessionID] {
        state.withLockedValue { $0.core.openSessionIDs }
    }

    // MARK: Session plumbing (called by SessionHandler on the channel's event loop)

    func sessionOpened(channel: any Channel) -> LocalPoolSessionID? {
        let remote = channel.remoteAddress.map { "\($0)" } ?? "unknown"
        return state.withLockedValue { state -> LocalPoolSessionID? in
            guard !state.lifecycle.stopped else { return nil }
            let (id, effects) = state.core.openSession(remote: remote)
            state.channels[id] = channel
            apply(effects, in: &state)
            return id
        }
    }

    /// A complete line; one over the limit (one that came in a single read) closes the session too.
    func received(_ line: ByteBuffer, session: LocalPoolSessionID) -> (any Error)? {
        guard line.readableBytes <= configuration.maximumLineLength else { return ByteToMessageDecoderError.PayloadTooLargeError() }
        state.withLockedValue { state in
            apply(state.core.handleLine(Array(line.readableBytesView), session: session, now: Self.now()), in: &state)
        }
        return nil
    }

    func sessionClosed(_ session: LocalPoolSessionID) {
        state.withLockedValue { state in
            state.channels[session] = nil
            apply(state.core.closeSession(session), in: &state)
        }
    }

    func connectionFailed(_ error: any Error, session: LocalPoolSessionID?) {
        let why = TLSFailure(error).map { "TLS failed: \($0)" } ?? "\(error)"
        logger.notice("closing session: \(why)", metadata: ["session": "\(session.map { String($0) } ?? "-")"])
    }

    // MARK: Internals

    private static func check(difficulty: Double) throws {
        guard difficulty.isFinite, difficulty > 0, Difficulty.target(for: difficulty) != nil else {
            throw LocalPoolError.invalidArgument("difficulty \(difficulty) is not a positive finite number")
        }
    }

    static func now() -> UInt32 {
        UInt32(clamping: Int64(Date().timeIntervalSince1970))
    }

    private func update(_ body: (inout PoolCore) -> [PoolEffect]) {
        state.withLockedValue { state in apply(body(&state.core), in: &state) }
    }

    private func update<T>(_ body: (inout PoolCore) -> (T, [PoolEffect])) -> T {
        state.withLockedValue { state in
            let (value, effects) = body(&state.core)
            apply(effects, in: &state)
            return value
        }
    }

    /// Carries out effects under the lock: writes and closes are queued on each channel's event
    /// loop (FIFO), so they happen in the order decided here; nothing calls back into the pool.
    private func apply(_ effects: [PoolEffect], in state: inout State) {
        for effect in effects {
            switch effect {
            case .send(let id, let line):
                guard let channel = state.channels[id] else { continue }
                var buffer = channel.allocator.buffer(capacity: line.utf8.count + 1)
                buffer.writeString(line)
                buffer.writeInteger(UInt8(ascii: "\n"))
                let data = buffer
                channel.eventLoop.execute { channel.writeAndFlush(data, promise: nil) }
            case .close(let id):
                guard let channel = state.channels[id] else { continue }
                logger.debug("closing session", metadata: ["session": "\(id)"])
                channel.eventLoop.execute { channel.close(promise: nil) }
            case .event(let event):
                if case .invalidRequest(let id, let reason) = event {
                    logger.notice("invalid request", metadata: ["session": "\(id)", "reason": "\(reason)"])
                }
                continuation.yield(event)
            }
        }
    }
}
