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
        let id: ObjectIdentifier
        let eventLoop: any EventLoop
        let handler: NIOLoopBound<StratumChannelHandler>
    }

    private struct SharedState: Sendable {
        var connection: Connection?
        var waiters: [UInt64: CheckedContinuation<ShareResult, Never>] = [:]
        var nextToken: UInt64 = 1
        var epoch: UInt64 = 0
        var isStopped = false
        /// Unanswered shares of an ended connection, for the next session of the same pool.
        var carried: [CarriedShare] = []
        /// Whether a share submitted between connections may be carried (the last connection
        /// ended in a way that allows resubmission, and we stay on its pool).
        var carryAllowed = false
        /// The worker's latest automatic `mining.suggest_difficulty` value, for every new session.
        var suggestedDifficulty: Double?
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
    /// epoch or extranonce1 is not the current session's is `.lost` and never sent — except that,
    /// with `resubmitPendingOnResume`, a share still unanswered (or found) when its connection
    /// ended is sent again on the next connection if the pool resumes that session.
    public func submit(_ share: ShareSubmission) async -> ShareResult {
        await withCheckedContinuation { (continuation: CheckedContinuation<ShareResult, Never>) in
            let submitTimeout = configuration.submitTimeout
            let (token, connection, isStopped, carried) = state.withLockedValue { state in
                let token = state.nextToken
                state.nextToken += 1
                state.waiters[token] = continuation
                // Between connections: keep it for the next session (sent there if it resumes).
                let carry = !state.isStopped && state.connection == nil && state.carryAllowed
                if carry {
                    state.carried.append(CarriedShare(token: token, share: share, deadline: .now + submitTimeout))
                }
                return (token, state.connection, state.isStopped, carry)
            }
            if carried { return }
            guard !isStopped, let connection else {
                resolve(token: token, .lost("not sent: not connected"))
                return
            }
            connection.eventLoop.execute {
                connection.handler.value.submit(share, token: token)
            }
        }
    }

    /// The worker's measured wish for `mining.suggest_difficulty` (pools set to `.auto`): sent on the
    /// current session when authorized and different enough from the last value sent, and after
    /// the authorize answer of every later session.
    public func suggestDifficulty(_ value: Double) {
        guard value.isFinite, value > 0 else { return }
        let connection = state.withLockedValue { state in
            state.suggestedDifficulty = value
            return state.connection
        }
        guard let connection else { return }
        connection.eventLoop.execute {
            connection.handler.value.suggestDifficulty(value)
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
                switch end {
                case .closed, .reconnectRequested:
                    break  // carried shares wait for the next connection (connectAndServe allowed carrying)
                case .authorizationFailed, .returnToPrimary:
                    dropCarried("not resubmitted: \(outcome.reason)")
                case .connectFailed:
                    break  // carried shares wait for the next connection (until their deadline)
                }
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
            if decision.poolIndex != index {
                attempt = 0
                dropCarried("not resubmitted: moving to another pool")
            }
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
        let (epoch, suggested) = state.withLockedValue { state in
            state.epoch += 1
            return (state.epoch, state.suggestedDifficulty)
        }
        let sessionConfiguration = StratumSessionConfiguration(
            pool: pool, poolURL: endpoint.url, user: configuration.user, password: configuration.password,
            userAgent: configuration.userAgent, epoch: epoch, previousSubscriptionID: resume.subscriptionID,
            previousExtranonce1: resume.extranonce1, requestTimeout: configuration.subscribeTimeout,
            idleTimeout: configuration.idleTimeout, submitTimeout: configuration.submitTimeout,
            returnToPrimaryAfter: index == 0 ? nil : configuration.primaryReturnAfter,
            versionRollingMask: configuration.versionRollingMask,
            carryPendingShares: configuration.resubmitPendingOnResume, jobTimeout: configuration.jobTimeout,
            suggestedDifficulty: suggested, suggestDifficultyMinimumChange: configuration.suggestDifficultyMinimumChange,
            maximumReconnectWait: configuration.maximumReconnectWait)
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
                .connectTimeout(TimeAmount(configuration.connectTimeout))
                .channelOption(.socketOption(.so_keepalive), value: 1)
                .channelOption(.tcpOption(.tcp_nodelay), value: 1)
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
            // The handler made itself the current connection when the channel became active
            // (`attach`), taking the shares carried from the previous connection at the same time.
            let (outcomeFuture, handlerID) = try await channel.eventLoop.submit {
                let handler = try channel.pipeline.syncOperations.handler(type: StratumChannelHandler.self)
                return (handler.outcome, ObjectIdentifier(handler))
            }.get()
            let outcome = await withTaskCancellationHandler {
                (try? await outcomeFuture.get()) ?? ConnectionOutcome(end: .closed(authorizedFor: nil), reason: "closed")
            } onCancel: {
                channel.eventLoop.execute {
                    (try? channel.pipeline.syncOperations.handler(type: StratumChannelHandler.self))?.shutdown()
                    channel.close(promise: nil)
                }
            }
            let resubmit = configuration.resubmitPendingOnResume
            state.withLockedValue { state in
                if state.connection?.id == handlerID { state.connection = nil }
                // Shares found from now until the next connection are kept for it when allowed.
                switch outcome.end {
                case .closed, .reconnectRequested: state.carryAllowed = resubmit
                case .authorizationFailed, .returnToPrimary: state.carryAllowed = false
                case .connectFailed: break
                }
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

    /// A share left unanswered by a connection that ended: kept for the next session of this pool
    /// until its deadline (the submit timeout from when it was first carried).
    func carry(_ share: CarriedShare) {
        let kept = state.withLockedValue { state -> Bool in
            guard !state.isStopped, configuration.resubmitPendingOnResume else { return false }
            var share = share
            if share.deadline == nil { share.deadline = .now + configuration.submitTimeout }
            state.carried.append(share)
            return true
        }
        if !kept { resolve(token: share.token, .lost("connection closed")) }
    }

    /// Called by a channel handler on its event loop when its channel becomes active: from now on
    /// submits go to it. Returns the carried shares still within their deadline, for its session
    /// (which sends them again if it is resumed, or resolves them lost); expired ones are resolved
    /// lost here. One lock for both, so no share is carried after the session took the others.
    func attach(_ handler: StratumChannelHandler, eventLoop: any EventLoop) -> [CarriedShare] {
        let now = ContinuousClock.now
        let connection = Connection(id: ObjectIdentifier(handler), eventLoop: eventLoop,
                                    handler: NIOLoopBound(handler, eventLoop: eventLoop))
        let all = state.withLockedValue { state in
            state.connection = connection
            defer { state.carried = [] }
            return state.carried
        }
        var live: [CarriedShare] = []
        for share in all {
            if let deadline = share.deadline, deadline <= now {
                resolve(token: share.token, .lost("no answer to mining.submit in time (connection lost, not resumed in time)"))
            } else {
                live.append(share)
            }
        }
        return live
    }

    private func dropCarried(_ why: String) {
        let dropped = state.withLockedValue { state in
            state.carryAllowed = false
            defer { state.carried = [] }
            return state.carried
        }
        for share in dropped { resolve(token: share.token, .lost(why)) }
    }

    private func stop() {
        let waiters = state.withLockedValue { state in
            state.isStopped = true
            state.carried = []
            state.carryAllowed = false
            state.connection = nil
            let waiters = state.waiters
            state.waiters = [:]
            return waiters
        }
        for waiter in waiters.values { waiter.resume(returning: .lost("client stopped")) }
        eventContinuation.finish()
    }
}
