import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import PoolSettings
import StratumProtocol
import StratumV2Noise

/// A pool client for one worker: connects to the first pool of an ordered list (Stratum v1, or
/// Stratum V2 over its Noise transport for a `stratum2+tcp://` URL), subscribes and authorizes (v2:
/// sets up the connection and opens a channel), reports jobs as events and submits shares;
/// reconnects with backoff and fails over between pools of either protocol until its `run()` task
/// is cancelled.
///
/// While it mines on a backup pool it probes the primary every `timers.primaryProbeInterval` on a side
/// connection (connect, subscribe, authorize with the real login; nothing is submitted there).
/// Only when a probe is authorized does it switch: the probe connection becomes the current
/// session (no second connect), and the backup stays open until the shares sent to it are
/// answered (at most the submit timeout), then closes. A failed probe is an info/debug log line
/// and a count in `primaryProbeStatistics`; the backup and the reconnect backoff are untouched.
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
        let handler: NIOLoopBound<any PoolConnectionHandler>
        let epoch: UInt64
    }

    /// A connection made by `open`, with what its reconnect loop waits for.
    private struct OpenConnection: Sendable {
        let channel: any Channel
        let handler: NIOLoopBound<any PoolConnectionHandler>
        let handlerID: ObjectIdentifier
        let outcome: EventLoopFuture<ConnectionOutcome>
        let url: String
    }

    private struct SharedState: Sendable {
        var connection: Connection?
        /// The backup connection after a switch to the primary, until it closes: shares of its
        /// epoch still go to it.
        var retiring: Connection?
        var probeStatistics = PrimaryProbeStatistics()
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

    /// Probes of the primary pool so far (made while mining on a backup).
    public var primaryProbeStatistics: PrimaryProbeStatistics {
        state.withLockedValue { $0.probeStatistics }
    }

    /// Sends the share and waits for the pool's verdict (or `.lost` on timeout/close). A share whose
    /// epoch or extranonce1 is not the current session's is `.lost` and never sent — except that,
    /// with `resubmitPendingOnResume`, a share still unanswered (or found) when its connection
    /// ended is sent again on the next connection if the pool resumes that session.
    public func submit(_ share: ShareSubmission) async -> ShareResult {
        await withCheckedContinuation { (continuation: CheckedContinuation<ShareResult, Never>) in
            let submitTimeout = configuration.timers.submitTimeout
            let (token, connection, isStopped, carried) = state.withLockedValue { state in
                let token = state.nextToken
                state.nextToken += 1
                state.waiters[token] = continuation
                // Between connections: keep it for the next session (sent there if it resumes).
                let carry = !state.isStopped && state.connection == nil && state.carryAllowed
                if carry {
                    state.carried.append(CarriedShare(token: token, share: share, deadline: .now + submitTimeout))
                }
                // A share found on the retiring backup's job goes to the backup, where its job is valid.
                var target = state.connection
                if let retiring = state.retiring, retiring.epoch == share.epoch, target?.epoch != share.epoch {
                    target = retiring
                }
                return (token, target, state.isStopped, carry)
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
        /// The primary's probe connection, current since the switch, to be served next.
        var adopted: OpenConnection?
        defer {
            // Stopped between the switch and serving the primary: the worker is told it is over.
            if let adopted {
                close(adopted)
                emit(.disconnected(url: adopted.url, reason: "\(SessionCloseReason.shutdown)"))
            }
        }
        while !Task.isCancelled {
            let index = failover.currentIndex
            let pool = configuration.pools[index]
            attempt += 1
            let end: ConnectionEnd
            if var endpoint = PoolEndpoint(url: pool.url) {
                if let host = override.host { endpoint.host = host }
                if let port = override.port { endpoint.port = port }
                let outcome: ConnectionOutcome
                if index == 0, let primary = adopted {
                    adopted = nil
                    endpoint = PoolEndpoint(url: primary.url) ?? endpoint
                    outcome = await serve(primary)
                } else {
                    emit(.connecting(url: endpoint.url, attempt: attempt))
                    let served = await connectAndServe(pool: pool, index: index, endpoint: endpoint,
                                                       resume: resume[index] ?? (nil, nil),
                                                       primaryResume: resume[0] ?? (nil, nil))
                    outcome = served.outcome
                    adopted = served.adopted
                }
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
                switch end {
                case .connectFailed: break
                case .returnToPrimary where adopted != nil:
                    break  // not a disconnection for the worker: it mines the primary's jobs already
                default: emit(.disconnected(url: endpoint.url, reason: outcome.reason))
                }
                if case .closed(let authorizedFor?) = end, authorizedFor >= configuration.timers.stableConnectionAfter { attempt = 0 }
            } else {
                emit(.protocolError("invalid pool URL: \(pool.url)"))
                end = .connectFailed
            }
            if Task.isCancelled { break }
            let decision = failover.next(after: end, backoff: configuration.timers.backoff,
                                         stableAfter: configuration.timers.stableConnectionAfter,
                                         random: Double.random(in: 0..<1))
            override = (decision.host, decision.port)
            if decision.poolIndex != index {
                attempt = 0
                dropCarried("not resubmitted: moving to another pool")
            }
            if adopted != nil, decision.poolIndex == 0 { continue }  // already connected and authorized
            if let primary = adopted {
                adopted = nil
                close(primary)
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

    /// Connects to `pool` and serves the connection until it ends. On a backup pool (index > 0,
    /// with a valid primary URL) the primary is probed meanwhile; `adopted` is the primary's
    /// connection when a probe was authorized and the client switched to it (the backup then
    /// ended with `.returnToPrimary`).
    private func connectAndServe(pool: PoolConfiguration, index: Int, endpoint: PoolEndpoint,
                                 resume: (subscriptionID: String?, extranonce1: [UInt8]?),
                                 primaryResume: (subscriptionID: String?, extranonce1: [UInt8]?))
        async -> (outcome: ConnectionOutcome, adopted: OpenConnection?)
    {
        let open: OpenConnection
        do {
            open = try await self.open(pool: pool, index: index, endpoint: endpoint, resume: resume, role: .current,
                                       group: eventLoopGroup)
        } catch let failure as ConnectFailure {
            return (failure.outcome, nil)
        } catch {
            return (ConnectionOutcome(end: .connectFailed, reason: "\(error)"), nil)
        }
        guard index != 0, let primary = PoolEndpoint(url: configuration.pools[0].url) else {
            return (await serve(open), nil)
        }
        enum Finished: Sendable {
            case served(ConnectionOutcome)
            case switched(OpenConnection)
            case probingStopped
        }
        return await withTaskGroup(of: Finished.self) { group in
            group.addTask { .served(await self.serve(open)) }
            group.addTask {
                await self.probePrimary(primary, resume: primaryResume, backup: open).map { .switched($0) } ?? .probingStopped
            }
            var outcome = ConnectionOutcome(end: .closed(authorizedFor: nil), reason: "closed")
            var adopted: OpenConnection?
            for await finished in group {
                switch finished {
                case .served(let served):
                    outcome = served
                    group.cancelAll()  // stops probing (a probe in flight is closed)
                case .switched(let primary): adopted = primary
                case .probingStopped: break
                }
            }
            return (outcome, adopted)
        }
    }

    /// Waits until the connection ends (closing it when the task is cancelled) and clears it from
    /// the shared state.
    private func serve(_ open: OpenConnection) async -> ConnectionOutcome {
        let outcome = await withTaskCancellationHandler {
            (try? await open.outcome.get()) ?? ConnectionOutcome(end: .closed(authorizedFor: nil), reason: "closed")
        } onCancel: {
            self.close(open)
        }
        let resubmit = configuration.resubmitPendingOnResume
        state.withLockedValue { state in
            if state.connection?.id == open.handlerID { state.connection = nil }
            if state.retiring?.id == open.handlerID { state.retiring = nil }
            // Shares found from now until the next connection are kept for it when allowed.
            switch outcome.end {
            case .closed, .reconnectRequested: state.carryAllowed = resubmit
            case .authorizationFailed, .returnToPrimary: state.carryAllowed = false
            case .connectFailed: break
            }
        }
        return outcome
    }

    private func close(_ open: OpenConnection) {
        let channel = open.channel
        let handler = open.handler
        channel.eventLoop.execute {
            handler.value.shutdown()
            channel.close(promise: nil)
        }
    }

    // MARK: - Probing the primary

    /// While `backup` is served: probes the primary every `timers.primaryProbeInterval` until a probe is
    /// authorized and the switch is made (returns the primary's connection, now current), or the
    /// task is cancelled (nil).
    private func probePrimary(_ endpoint: PoolEndpoint, resume: (subscriptionID: String?, extranonce1: [UInt8]?),
                              backup: OpenConnection) async -> OpenConnection? {
        var schedule = PrimaryProbeSchedule(interval: configuration.timers.primaryProbeInterval, backupStartedAt: .now)
        var resume = resume
        while !Task.isCancelled {
            do {
                try await Task.sleep(until: schedule.nextProbeAt, clock: .continuous)
            } catch {
                return nil
            }
            guard schedule.probeStarted(now: .now) else { continue }
            state.withLockedValue { $0.probeStatistics.probes += 1 }
            let (result, probe) = await self.probe(endpoint, resume: resume, on: backup.channel.eventLoop)
            if Task.isCancelled {
                if let probe { close(probe) }
                return nil
            }
            var decision = schedule.probeEnded(result, now: .now)
            if decision == .switchToPrimary, let probe {
                if await switchToPrimary(probe, from: backup) {
                    state.withLockedValue { $0.probeStatistics.switches += 1 }
                    logger.info("the primary pool answered the probe: mining on it again; the backup closes once its shares are answered",
                                metadata: ["pool": "\(probe.url)"])
                    return probe
                }
                close(probe)
                decision = schedule.probeEnded(.failed("closed before the switch"), now: .now)
            }
            guard case .stayOnBackup(_, let logAtInfo) = decision else { continue }
            if let probe, let outcome = try? await probe.outcome.get(), outcome.extranonce1 != nil {
                resume = (outcome.subscriptionID, outcome.extranonce1)
            }
            let failures = state.withLockedValue { state in
                state.probeStatistics.failures += 1
                return state.probeStatistics.failures
            }
            let reason: String
            if case .failed(let why) = result { reason = why } else { reason = "closed before the switch" }
            logger.log(level: logAtInfo ? .info : .debug,
                       "primary pool \(endpoint.url) did not answer the probe; staying on the backup",
                       metadata: ["reason": "\(reason)", "failed_probes": "\(failures)",
                                  "next_probe_in": "\(configuration.timers.primaryProbeInterval)"])
        }
        return nil
    }

    /// One probe: connect to the primary (on the backup's event loop, so the switch is one step),
    /// subscribe, authorize. Returns the connection only when it was authorized.
    private func probe(_ endpoint: PoolEndpoint, resume: (subscriptionID: String?, extranonce1: [UInt8]?),
                       on eventLoop: any EventLoop) async -> (PrimaryProbeSchedule.Result, OpenConnection?) {
        let open: OpenConnection
        do {
            open = try await self.open(pool: configuration.pools[0], index: 0, endpoint: endpoint, resume: resume,
                                       role: .probe, group: eventLoop)
        } catch let failure as ConnectFailure {
            return (.failed(failure.outcome.reason), nil)
        } catch {
            return (.failed("\(error)"), nil)
        }
        let answer = open.handler
        let authorized = await withTaskCancellationHandler {
            (try? await open.channel.eventLoop.flatSubmit { answer.value.probeAnswer }.get()) ?? false
        } onCancel: {
            self.close(open)
        }
        guard authorized else {
            let outcome = try? await open.outcome.get()
            return (.failed(outcome?.reason ?? "closed"), open)
        }
        return (.authorized, open)
    }

    /// On the event loop the backup and the probe share: the backup stops emitting and starts
    /// draining, the probe becomes the current connection and its events go out — one step, so
    /// no backup job can follow the primary's. False when the probe closed meanwhile.
    private func switchToPrimary(_ probe: OpenConnection, from backup: OpenConnection) async -> Bool {
        let drain = BackupDrain(switchedAt: .now, submitTimeout: configuration.timers.submitTimeout,
                                grace: configuration.timers.tickInterval * 2)
        let probeHandler = probe.handler
        let backupHandler = backup.handler
        let backupID = backup.handlerID
        return (try? await probe.channel.eventLoop.submit { [self] in
            state.withLockedValue { state in
                if state.connection?.id == backupID { state.retiring = state.connection }
            }
            guard probeHandler.value.promote() else {
                state.withLockedValue { state in
                    if state.retiring?.id == backupID { state.retiring = nil }
                }
                return false
            }
            backupHandler.value.retire(drain)
            return true
        }.get()) ?? false
    }

    /// The connection could not be made (`outcome` says why).
    private struct ConnectFailure: Error {
        let outcome: ConnectionOutcome
    }

    /// Makes the TCP (TLS) connection with a channel handler in `role`. A `.current` handler makes
    /// itself the client's connection when the channel becomes active; a probe does not.
    private func open(pool: PoolConfiguration, index: Int, endpoint: PoolEndpoint,
                      resume: (subscriptionID: String?, extranonce1: [UInt8]?), role: PoolConnectionRole,
                      group: any EventLoopGroup) async throws -> OpenConnection {
        let sessionConfiguration = nextSessionConfiguration(pool: pool, endpoint: endpoint, resume: resume)
        let connectionLogger = connectionLogger(endpoint: endpoint, role: role)
        let tls = try tlsContext(pool: pool, endpoint: endpoint, logger: connectionLogger)
        let bootstrap = bootstrap(group: group, endpoint: endpoint, tls: tls, session: sessionConfiguration,
                                  logger: connectionLogger, role: role)
        let channel = try await connect(bootstrap, endpoint: endpoint, role: role, logger: connectionLogger)
        return try await openConnection(on: channel, endpoint: endpoint, role: role)
    }

    /// The next connection's session: a new epoch, this client's configuration (whole), the
    /// session to resume and the latest automatic difficulty suggestion.
    private func nextSessionConfiguration(pool: PoolConfiguration, endpoint: PoolEndpoint,
                                          resume: (subscriptionID: String?, extranonce1: [UInt8]?)) -> StratumSessionConfiguration {
        let (epoch, suggested) = state.withLockedValue { state in
            state.epoch += 1
            return (state.epoch, state.suggestedDifficulty)
        }
        return StratumSessionConfiguration(pool: pool, poolURL: endpoint.url, client: configuration, epoch: epoch,
                                           previousSubscriptionID: resume.subscriptionID,
                                           previousExtranonce1: resume.extranonce1, suggestedDifficulty: suggested)
    }

    /// The client's logger with the connection's pool, worker and (for a probe) role.
    private func connectionLogger(endpoint: PoolEndpoint, role: PoolConnectionRole) -> Logger {
        var connectionLogger = logger
        connectionLogger[metadataKey: "pool"] = "\(endpoint.url)"
        connectionLogger[metadataKey: "worker"] = "\(configuration.workerName)"
        if role == .probe { connectionLogger[metadataKey: "probe"] = "primary" }
        return connectionLogger
    }

    /// The pool's certificate trust, and the TLS context for a `stratum+ssl://` endpoint (nil for
    /// plain TCP). Throws a connect failure when either cannot be set up.
    private func tlsContext(pool: PoolConfiguration, endpoint: PoolEndpoint,
                            logger connectionLogger: Logger) throws -> (trust: TLSTrust, context: NIOSSLContext?) {
        guard let trust = TLSTrust(fingerprint: pool.tlsFingerprintSHA256, allowSelfSigned: pool.allowSelfSigned) else {
            emit(.protocolError("tls fingerprint is not 64 hex digits; refusing to connect"))
            throw ConnectFailure(outcome: ConnectionOutcome(end: .connectFailed, reason: "connect failed"))
        }
        do {
            return (trust, endpoint.useTLS ? try NIOSSLContext(configuration: trust.clientConfiguration) : nil)
        } catch {
            connectionLogger.warning("could not set up TLS", metadata: ["error": "\(PoolConnectionError.description(of: error))"])
            throw ConnectFailure(outcome: ConnectionOutcome(end: .connectFailed, reason: PoolConnectionError.description(of: error)))
        }
    }

    /// A bootstrap whose channels get TLS (when `tls.context` is set), line framing and a
    /// `PoolChannelHandler` in `role` running a v1 session with `session`; or, for a Stratum V2
    /// endpoint, the Noise initiator (checking the pool's certificate against its authority key)
    /// and a handler running a v2 session.
    private func bootstrap(group: any EventLoopGroup, endpoint: PoolEndpoint,
                           tls: (trust: TLSTrust, context: NIOSSLContext?), session sessionConfiguration: StratumSessionConfiguration,
                           logger handlerLogger: Logger, role: PoolConnectionRole) -> ClientBootstrap {
        let maximumLineLength = configuration.maximumLineLength
        let tickInterval = configuration.timers.tickInterval
        return ClientBootstrap(group: group)
            .connectTimeout(TimeAmount(configuration.timers.connectTimeout))
            .channelOption(.socketOption(.so_keepalive), value: 1)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    if let sslContext = tls.context {
                        try sync.addHandler(Self.tlsHandler(sslContext, trust: tls.trust, endpoint: endpoint))
                    }
                    if let authorityKey = endpoint.authorityKey {
                        let leeway = sessionConfiguration.pool.certificateLeewaySeconds
                        try sync.addHandler(SV2NoiseHandler(role: .initiator(authorityKeyXOnly: authorityKey.xOnly, leeway: leeway,
                                                                             now: Self.unixTime)))
                        try sync.addHandler(PoolChannelHandler(session: SV2ClientSession(configuration: sessionConfiguration),
                                                               client: self, logger: handlerLogger, tickInterval: tickInterval,
                                                               eventLoop: channel.eventLoop, role: role))
                    } else {
                        try sync.addHandler(ByteToMessageHandler(LineFrameDecoder(maximumLineLength: maximumLineLength)))
                        try sync.addHandler(PoolChannelHandler(session: StratumSession(configuration: sessionConfiguration),
                                                               client: self, logger: handlerLogger, tickInterval: tickInterval,
                                                               eventLoop: channel.eventLoop, role: role))
                    }
                }
            }
    }

    /// The TLS client handler: SNI with the pool's host name (none for an IP address), and the
    /// pinned-certificate check when the pool has a fingerprint.
    private static func tlsHandler(_ sslContext: NIOSSLContext, trust: TLSTrust,
                                   endpoint: PoolEndpoint) throws -> NIOSSLClientHandler {
        let hostname = endpoint.isIPAddress ? nil : endpoint.host
        if let verification = trust.pinnedVerification {
            return try NIOSSLClientHandler(context: sslContext, serverHostname: hostname, customVerificationCallback: verification)
        }
        return try NIOSSLClientHandler(context: sslContext, serverHostname: hostname)
    }

    /// Connects; a failure is logged (a probe's at debug level) and thrown as a connect failure.
    private func connect(_ bootstrap: ClientBootstrap, endpoint: PoolEndpoint, role: PoolConnectionRole,
                         logger connectionLogger: Logger) async throws -> any Channel {
        do {
            return try await bootstrap.connect(host: endpoint.host, port: endpoint.port).get()
        } catch {
            if role == .probe {
                connectionLogger.debug("could not connect", metadata: ["error": "\(error)"])
            } else {
                connectionLogger.warning("could not connect", metadata: ["error": "\(error)"])
                state.withLockedValue { $0.connection = nil }
            }
            throw ConnectFailure(outcome: ConnectionOutcome(end: .connectFailed, reason: "\(error)"))
        }
    }

    /// The connected channel's handler and outcome. A current handler made itself the client's
    /// connection when the channel became active (`attach`), taking the shares carried from the
    /// previous connection at the same time.
    private func openConnection(on channel: any Channel, endpoint: PoolEndpoint,
                                role: PoolConnectionRole) async throws -> OpenConnection {
        do {
            return try await channel.eventLoop.submit {
                let sync = channel.pipeline.syncOperations
                let handler: any PoolConnectionHandler = endpoint.isStratumV2
                    ? try sync.handler(type: PoolChannelHandler<SV2ClientSession>.self)
                    : try sync.handler(type: PoolChannelHandler<StratumSession>.self)
                return OpenConnection(channel: channel, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop),
                                      handlerID: ObjectIdentifier(handler), outcome: handler.outcome, url: endpoint.url)
            }.get()
        } catch {
            channel.close(promise: nil)
            if role == .current { state.withLockedValue { $0.connection = nil } }
            throw ConnectFailure(outcome: ConnectionOutcome(end: .connectFailed, reason: "\(error)"))
        }
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
            if share.deadline == nil { share.deadline = .now + configuration.timers.submitTimeout }
            state.carried.append(share)
            return true
        }
        if !kept { resolve(token: share.token, .lost("connection closed")) }
    }

    /// Called by a channel handler on its event loop when its channel becomes active: from now on
    /// submits go to it. Returns the carried shares still within their deadline, for its session
    /// (which sends them again if it is resumed, or resolves them lost); expired ones are resolved
    /// lost here. One lock for both, so no share is carried after the session took the others.
    func attach(_ handler: any PoolConnectionHandler, eventLoop: any EventLoop) -> [CarriedShare] {
        let now = ContinuousClock.now
        let connection = Connection(id: ObjectIdentifier(handler), eventLoop: eventLoop,
                                    handler: NIOLoopBound(handler, eventLoop: eventLoop), epoch: handler.epoch)
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

    /// Called by a probe's channel handler on its event loop when the client switches to it: from
    /// now on submits go to it (shares of the retiring backup's epoch still go to the backup).
    func adopt(_ handler: any PoolConnectionHandler, eventLoop: any EventLoop) {
        let connection = Connection(id: ObjectIdentifier(handler), eventLoop: eventLoop,
                                    handler: NIOLoopBound(handler, eventLoop: eventLoop), epoch: handler.epoch)
        state.withLockedValue { $0.connection = connection }
    }

    private func dropCarried(_ why: String) {
        let dropped = state.withLockedValue { state in
            state.carryAllowed = false
            defer { state.carried = [] }
            return state.carried
        }
        for share in dropped { resolve(token: share.token, .lost(why)) }
    }

    /// Seconds since 1970: the clock a Stratum V2 certificate's validity window is read against.
    @Sendable static func unixTime() -> UInt32 { UInt32(clamping: Int(Date().timeIntervalSince1970)) }

    private func stop() {
        let waiters = state.withLockedValue { state in
            state.isStopped = true
            state.carried = []
            state.carryAllowed = false
            state.connection = nil
            state.retiring = nil
            let waiters = state.waiters
            state.waiters = [:]
            return waiters
        }
        for waiter in waiters.values { waiter.resume(returning: .lost("client stopped")) }
        eventContinuation.finish()
    }
}
