import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Secp256k1
import StratumV2Noise
import StratumV2Protocol

/// A Stratum V2 pool on loopback (tests): `SV2PoolCore` behind a TCP listener. Per connection the
/// pipeline is the transport — `SV2NoiseHandler` as responder (sv2-spec §4), presenting a certificate
/// the authority key signed for the static key, or `SV2PlaintextFrameHandler` when
/// `configuration.encrypted` is false — then `SV2PoolConnectionHandler`.
///
/// All state sits behind one lock, as in `LocalPool`: every frame is handled to completion under it,
/// and every write it causes is queued on the connection's event loop while the lock is held, so a
/// client sees exactly the order the pool decided.
public final class SV2LocalPool: PoolSessionOwner {
    public let configuration: SV2LocalPoolConfiguration
    /// Pool events in order (channel openings, share verdicts …). One consumer; the newest 10 000
    /// are buffered when nobody reads.
    public let events: AsyncStream<SV2PoolEvent>
    /// The x-only public key (32 bytes) of `configuration.authoritySecretKey`: what a client pins
    /// (sv2-spec §4.5.1 "authority public key").
    public let authorityPublicKeyXOnly: [UInt8]
    /// The x-only public key (32 bytes) of the server's static Noise key (the one the certificate signs).
    public let staticPublicKeyXOnly: [UInt8]
    private let staticSecretKey: [UInt8]

    private struct State {
        var core: SV2PoolCore
        var channels: [SV2PoolSessionID: any Channel] = [:]
        /// While set, SubmitShares frames wait here unjudged (`holdSubmits`), in arrival order.
        var holdingSubmits = false
        var heldSubmits: [(frame: SV2Frame, session: SV2PoolSessionID)] = []
        var lifecycle = PoolLifecycle()
        /// Signed by `start()` (its validity period is relative to that moment).
        var certificate: SV2SignatureNoiseMessage?
    }

    private let state: NIOLockedValueBox<State>
    private let continuation: AsyncStream<SV2PoolEvent>.Continuation
    private let logger: Logger
    private let group: any EventLoopGroup

    /// Throws `LocalPoolError.invalidConfiguration` for values a pool cannot run with (an authority
    /// key that is not a valid secp256k1 secret key among them).
    public init(configuration: SV2LocalPoolConfiguration = SV2LocalPoolConfiguration(),
                logger: Logger = Logger(label: "swiftminer.sv2localpool"),
                group: (any EventLoopGroup)? = nil) throws {
        try configuration.validate()
        guard let authorityKey = Schnorr.publicKey(secretKey: configuration.authoritySecretKey) else {
            throw LocalPoolError.invalidConfiguration("the authority secret key is not a valid secp256k1 secret key")
        }
        var staticSecretKey = configuration.staticSecretKey ?? []
        var staticKey = Schnorr.publicKey(secretKey: staticSecretKey)
        if configuration.staticSecretKey == nil {
            // A random key: 32 random bytes are a valid secret key but with probability ~2^-128.
            while staticKey == nil {
                staticSecretKey = (0..<32).map { _ in UInt8.random(in: 0...255) }
                staticKey = Schnorr.publicKey(secretKey: staticSecretKey)
            }
        }
        guard let staticKey else {
            throw LocalPoolError.invalidConfiguration("the static secret key is not a valid secp256k1 secret key")
        }
        self.configuration = configuration
        self.authorityPublicKeyXOnly = authorityKey
        self.staticSecretKey = staticSecretKey
        self.staticPublicKeyXOnly = staticKey
        self.logger = logger
        self.group = group ?? MultiThreadedEventLoopGroup.singleton
        (events, continuation) = AsyncStream.makeStream(of: SV2PoolEvent.self, bufferingPolicy: .bufferingNewest(10_000))
        state = NIOLockedValueBox(State(core: SV2PoolCore(configuration: configuration)))
    }

    // MARK: Lifecycle

    /// Signs the certificate (valid from `certificateValidFromOffset` to `certificateNotValidAfterOffset`
    /// seconds from now), binds the listening socket and creates the first job; returns the bound port.
    public func start() async throws -> Int {
        let now = Self.now()
        let certificate = try SV2SignatureNoiseMessage.signed(
            serverStaticKeyXOnly: staticPublicKeyXOnly, authoritySecretKey: configuration.authoritySecretKey,
            validFrom: Self.unixTime(now, plus: configuration.certificateValidFromOffset),
            notValidAfter: Self.unixTime(now, plus: configuration.certificateNotValidAfterOffset))
        try state.withLockedValue { state in
            try state.lifecycle.start()
            state.certificate = certificate
            _ = state.core.newJob(clean: true, now: now)
        }
        let maximumPayloadLength = configuration.maximumPayloadLength
        let encrypted = configuration.encrypted
        let staticSecretKey = staticSecretKey
        let listener: PoolListener
        do {
            listener = try await PoolListener.bind(
                group: group, host: configuration.host, port: configuration.port, jobInterval: configuration.jobInterval,
                initialize: { [self] channel in
                    let sync = channel.pipeline.syncOperations
                    if encrypted {
                        try sync.addHandler(SV2NoiseHandler(
                            role: .responder(staticSecretKey: staticSecretKey, certificate: certificate),
                            maximumPayloadLength: maximumPayloadLength))
                    } else {
                        try sync.addHandler(SV2PlaintextFrameHandler(maximumPayloadLength: maximumPayloadLength))
                    }
                    try sync.addHandler(PoolSessionHandler(pool: self))
                },
                newJob: { [weak self] in self?.broadcastNewJob(clean: false) })
        } catch {
            state.withLockedValue { $0.lifecycle.startFailed() }
            throw error
        }
        state.withLockedValue { $0.lifecycle.listening(listener) }
        logger.info("SV2 local pool listening", metadata: ["host": "\(configuration.host)", "port": "\(listener.port)"])
        return listener.port
    }

    /// Closes the listening socket and every connection, and finishes `events`.
    public func stop() async {
        let (listener, channels) = state.withLockedValue { ($0.lifecycle.stop(), Array($0.channels.values)) }
        await PoolListener.close(listener, connections: channels)
        continuation.finish()
    }

    /// The bound port while running.
    public var port: Int? {
        state.withLockedValue { $0.lifecycle.port }
    }

    // MARK: Control (tests)

    /// A new job to every channel: `clean` moves to a new prevhash (a future job, then SetNewPrevHash),
    /// which makes every earlier job stale; otherwise a job on the current prevhash, active at once.
    @discardableResult
    public func broadcastNewJob(clean: Bool) -> LocalPoolJob {
        update { core in core.newJob(clean: clean, now: Self.now()) }
    }

    /// SetTarget to every channel; their shares are judged at `difficulty`'s target from now on.
    public func setTarget(difficulty: Double) throws {
        let applied = update { core -> (Bool, [SV2PoolEffect]) in
            guard let effects = core.setTarget(difficulty: difficulty) else { return (false, []) }
            return (true, effects)
        }
        guard applied else { throw LocalPoolError.invalidArgument("difficulty \(difficulty) is not a positive finite number") }
    }

    /// Common Protocol Reconnect (§3.6.5) to every set-up connection (empty host / port 0: the present ones).
    public func sendReconnect(host: String = "", port: Int = 0) {
        update { core in ((), core.reconnect(host: host, port: port)) }
    }

    /// Sends every channel's partly filled batch of SubmitShares.Success now (`batchSuccesses` > 1).
    public func flushSuccesses() {
        update { core in ((), core.flushSuccesses()) }
    }

    /// Closes every client connection (the listener stays open).
    public func dropAllConnections() {
        update { core in ((), core.dropAllConnections()) }
    }

    /// Makes the transport of every connection corrupt the next frame it seals, so the client's MAC
    /// check fails (`SV2NoiseHandler.tamperWithNextFrame`, on each connection's event loop, queued
    /// before any frame the pool sends after this call). Does nothing on the plaintext transport.
    public func tamperWithNextFrame() {
        let channels = state.withLockedValue { Array($0.channels.values) }
        for channel in channels {
            channel.eventLoop.execute {
                try? channel.pipeline.syncOperations.handler(type: SV2NoiseHandler.self).tamperWithNextFrame()
            }
        }
    }

    /// The certificate connections are shown (nil before `start()`).
    public var certificate: SV2SignatureNoiseMessage? {
        state.withLockedValue { $0.certificate }
    }

    /// A snapshot of the counters.
    public var stats: SV2PoolStats {
        state.withLockedValue { $0.core.stats }
    }

    /// The most recent job (nil before `start()`).
    public var currentJob: LocalPoolJob? {
        state.withLockedValue { $0.core.currentJob }
    }

    // MARK: Connection plumbing (called by SV2PoolConnectionHandler on the channel's event loop)

    func sessionOpened(channel: any Channel) -> SV2PoolSessionID? {
        state.withLockedValue { state -> SV2PoolSessionID? in
            guard !state.lifecycle.stopped else { return nil }
            let (id, effects) = state.core.openSession()
            state.channels[id] = channel
            apply(effects, in: &state)
            return id
        }
    }

    func received(_ frame: SV2Frame, session: SV2PoolSessionID) -> (any Error)? {
        state.withLockedValue { state in
            let type = frame.header.messageType
            if state.holdingSubmits, type == SV2MessageType.submitSharesStandard || type == SV2MessageType.submitSharesExtended {
                state.heldSubmits.append((frame, session))
                return
            }
            apply(state.core.handle(frame, session: session, now: Self.now()), in: &state)
        }
        return nil
    }

    /// From now on shares are kept unjudged until `releaseHeldSubmits()`: a test makes shares be "in
    /// flight" while it moves the pool to a new block.
    public func holdSubmits() {
        state.withLockedValue { $0.holdingSubmits = true }
    }

    /// Shares received and not yet judged while held.
    public var heldSubmitCount: Int { state.withLockedValue { $0.heldSubmits.count } }

    /// Judges the held shares now, in arrival order (against the pool's state as it is now), and
    /// stops holding.
    public func releaseHeldSubmits() {
        state.withLockedValue { state in
            state.holdingSubmits = false
            let held = state.heldSubmits
            state.heldSubmits = []
            for (frame, session) in held where state.channels[session] != nil {
                apply(state.core.handle(frame, session: session, now: Self.now()), in: &state)
            }
        }
    }

    func sessionClosed(_ session: SV2PoolSessionID) {
        state.withLockedValue { state in
            state.channels[session] = nil
            apply(state.core.closeSession(session), in: &state)
        }
    }

    func connectionFailed(_ error: any Error, session: SV2PoolSessionID?) {
        logger.notice("closing connection: \(error)", metadata: ["session": "\(session.map { String($0) } ?? "-")"])
    }

    // MARK: Internals

    static func now() -> UInt32 {
        UInt32(clamping: Int64(Date().timeIntervalSince1970))
    }

    /// `now` moved by `offset` seconds, held to the U32 of the certificate's fields.
    private static func unixTime(_ now: UInt32, plus offset: Int64) -> UInt32 {
        UInt32(clamping: Int64(now) + offset)
    }

    private func update<T>(_ body: (inout SV2PoolCore) -> (T, [SV2PoolEffect])) -> T {
        state.withLockedValue { state in
            let (value, effects) = body(&state.core)
            apply(effects, in: &state)
            return value
        }
    }

    /// Carries out effects under the lock: writes and closes are queued on each connection's event
    /// loop (FIFO), so they happen in the order decided here; nothing calls back into the pool.
    private func apply(_ effects: [SV2PoolEffect], in state: inout State) {
        for effect in effects {
            switch effect {
            case .send(let id, let frame):
                guard let channel = state.channels[id] else { continue }
                channel.eventLoop.execute { channel.writeAndFlush(frame, promise: nil) }
            case .close(let id):
                guard let channel = state.channels[id] else { continue }
                channel.eventLoop.execute { channel.close(promise: nil) }
            case .event(let event):
                continuation.yield(event)
            }
        }
    }
}
