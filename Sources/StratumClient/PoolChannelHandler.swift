import Logging
import NIOCore
import StratumProtocol
import StratumV2Noise

/// How one connection ended, handed back to the reconnect loop.
struct ConnectionOutcome: Sendable {
    var end: ConnectionEnd
    var reason: String
    var subscriptionID: String?
    var extranonce1: [UInt8]?
}

/// The last handler of a pool connection: feeds what it reads (v1 lines, or v2 frames the Noise
/// handler decrypted) to its session and performs the actions it returns. All protocol state
/// lives in the session. A v1 session starts when the channel is active; a v2 session when the
/// Noise handshake completed (`SV2HandshakeCompleted`).
/// Its role (`PoolConnectionRole`) decides where its events go.
final class PoolChannelHandler<Conversation: PoolConversation>: PoolConnectionHandler, ChannelInboundHandler,
    RemovableChannelHandler
{
    typealias InboundIn = Conversation.Inbound

    private var session: Conversation
    private let client: StratumClient
    private let logger: Logger
    private let tickInterval: Duration
    private var context: ChannelHandlerContext?
    private var tickTask: RepeatedTask?
    private let outcomePromise: EventLoopPromise<ConnectionOutcome>
    private var isFinished = false
    private var reconnectRequest: (after: Duration, host: String?, port: Int?)?
    private var wasActive = false
    private var role: PoolConnectionRole
    private var probeBacklog: [StratumClientEvent] = []
    private let probeAnswerPromise: EventLoopPromise<Bool>
    private var probeAnswered = false
    private var drain: BackupDrain?

    init(session: Conversation, client: StratumClient, logger: Logger, tickInterval: Duration, eventLoop: any EventLoop,
         role: PoolConnectionRole = .current) {
        self.session = session
        self.role = role
        self.outcomePromise = eventLoop.makePromise(of: ConnectionOutcome.self)
        self.probeAnswerPromise = eventLoop.makePromise(of: Bool.self)
        self.client = client
        self.logger = logger
        self.tickInterval = tickInterval
    }

    var outcome: EventLoopFuture<ConnectionOutcome> { outcomePromise.futureResult }

    var probeAnswer: EventLoopFuture<Bool> { probeAnswerPromise.futureResult }

    var epoch: UInt64 { session.configuration.epoch }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if Conversation.startsWhenActive, context.channel.isActive { start(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        finish(why: "handler removed")
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        if Conversation.startsWhenActive { start(context: context) }
        context.fireChannelActive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if !Conversation.startsWhenActive, let handshake = event as? SV2HandshakeCompleted {
            logger.log(level: role == .probe ? .debug : .info, "Stratum V2 handshake complete: the pool's certificate is valid",
                       metadata: ["handshake_ms": "\(Int((handshake.duration / .milliseconds(1)).rounded()))"])
            start(context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(why: "closed by peer")
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        perform(session.received(unwrapInboundIn(data), now: .now, logger: logger))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let why = PoolConnectionError.description(of: error)
        if let noise = error as? SV2NoiseError {
            // Before the session starts nothing else reports it (the attempt is a failed connect).
            // Refused: the handshake failed (the pool is not who the key says, or its certificate is out
            // of date); closed: a frame of the running session failed its MAC or broke the framing.
            logger.log(level: role == .probe ? .warning : .error, "pool connection \(wasActive ? "closed" : "refused"): \(noise)")
            finish(why: "\(noise)")
            context.close(promise: nil)
            return
        }
        switch role {
        case .probe: logger.debug("primary probe connection error", metadata: ["error": "\(why)"])
        // The worker logs the disconnection with `why` as its reason: one line for the event.
        case .current: logger.debug("pool connection error", metadata: ["error": "\(why)"])
        // After the switch to the primary nothing else reports this connection.
        case .retired: logger.warning("backup pool connection error", metadata: ["error": "\(why)"])
        }
        finish(why: why)
        context.close(promise: nil)
    }

    /// Called on the event loop by `StratumClient.submit`.
    func submit(_ share: ShareSubmission, token: UInt64) {
        perform(session.submit(share, token: token, now: .now))
    }

    /// Called on the event loop by `StratumClient.suggestDifficulty`.
    func suggestDifficulty(_ value: Double) {
        perform(session.suggestDifficulty(value, now: .now))
    }

    /// Called on the event loop by the client when this probe's primary answered: it becomes the
    /// current connection (`adopt`) and the events it kept go out, in order. False when it is not
    /// an authorized, open probe any more.
    func promote() -> Bool {
        guard role == .probe, !isFinished, session.isMining, let context, context.channel.isActive else { return false }
        role = .current
        client.adopt(self, eventLoop: context.eventLoop)
        client.emit(.connecting(url: session.configuration.poolURL, attempt: 1))
        let backlog = probeBacklog
        probeBacklog = []
        for event in backlog { client.emit(event) }
        return true
    }

    /// Called on the event loop by the client when it switched to the primary: from now on this
    /// backup connection emits nothing, answers the shares it was sent (and those of its jobs
    /// that still reach it), and closes once `drain` says so.
    func retire(_ drain: BackupDrain) {
        guard role == .current, !isFinished else { return }
        role = .retired
        self.drain = drain
        closeIfDrained()
    }

    /// Called on the event loop by the reconnect loop when it is asked to stop.
    func shutdown() {
        perform(session.shuttingDown())  // v2: CloseChannel, written before the connection closes
        finish(why: "shutdown")
        context?.close(promise: nil)
    }

    private func start(context: ChannelHandlerContext) {
        guard !wasActive else { return }
        wasActive = true
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let interval = TimeAmount(tickInterval)
        tickTask = context.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            bound.value.tick()
        }
        guard role == .current else {
            // A probe: no submits and no carried shares come to it; its events wait for `promote`.
            probeBacklog.append(.connected(url: session.configuration.poolURL))
            perform(session.connected(now: .now))
            return
        }
        client.emit(.connected(url: session.configuration.poolURL))
        let carried = client.attach(self, eventLoop: context.eventLoop)
        perform(session.connected(now: .now))
        if !carried.isEmpty {
            logger.info("\(carried.count) unanswered share(s) from the previous connection: resubmitting if the session resumes")
            perform(session.resubmit(carried, now: .now))
        }
    }

    private func tick() {
        perform(session.tick(now: .now))
        closeIfDrained()
    }

    private func closeIfDrained() {
        guard role == .retired, let drain, !isFinished,
              drain.isDone(pendingSubmits: session.pendingSubmitCount, now: .now) else { return }
        let pending = session.pendingSubmitCount
        logger.info("closing the backup pool connection after the switch to the primary",
                    metadata: ["unanswered": "\(pending)"])
        self.drain = nil
        finish(why: "switched to the primary pool")
        context?.close(promise: nil)
    }

    /// The transport is gone (or going): resolve what is pending and report the outcome once.
    private func finish(why: String) {
        tickTask?.cancel()
        tickTask = nil
        perform(session.closed(why))
        guard !isFinished else { return }
        isFinished = true
        if !probeAnswered {
            probeAnswered = true
            probeAnswerPromise.succeed(false)
        }
        outcomePromise.succeed(makeOutcome())
    }

    private func makeOutcome() -> ConnectionOutcome {
        let reason = session.closeReason ?? .connectionLost("closed")
        let end: ConnectionEnd
        switch role == .retired ? .returnToPrimary : reason {
        case .authorizationFailed: end = .authorizationFailed
        case .reconnectRequested:
            let request = reconnectRequest ?? (after: .zero, host: nil, port: nil)
            end = .reconnectRequested(after: request.after, host: request.host, port: request.port)
        case .returnToPrimary: end = .returnToPrimary
        default:
            end = .closed(authorizedFor: session.authorizedAt.map { ContinuousClock.now - $0 })
        }
        return ConnectionOutcome(end: wasActive ? end : .connectFailed, reason: "\(reason)",
                                 subscriptionID: session.subscriptionID, extranonce1: session.extranonce1)
    }

    private func perform(_ actions: [ConnectionAction]) {
        for action in actions {
            switch action {
            case .send(let output, let name):
                logger.trace("send", metadata: ["method": "\(name)"])  // never the line: it may hold the password
                guard let context, context.channel.isActive else { continue }
                switch output {
                case .line(let line):
                    var buffer = context.channel.allocator.buffer(capacity: line.utf8.count + 1)
                    buffer.writeString(line)
                    buffer.writeInteger(UInt8(ascii: "\n"))
                    context.writeAndFlush(NIOAny(buffer), promise: nil)
                case .frame(let frame):
                    context.writeAndFlush(NIOAny(frame), promise: nil)
                }
            case .emit(let event):
                switch role {
                case .current:
                    client.emit(event)
                case .probe:
                    if probeBacklog.count >= PoolConnectionRole.maximumProbeBacklog { probeBacklog.removeFirst() }
                    probeBacklog.append(event)
                    if case .authorized = event, !probeAnswered {
                        probeAnswered = true
                        probeAnswerPromise.succeed(true)
                    }
                case .retired:
                    break  // the worker mines the primary's jobs now
                }
            case .close(let reason):
                logger.info("closing pool connection", metadata: ["reason": "\(reason)"])
                context?.close(promise: nil)
            case .scheduleReconnect(let after, let host, let port):
                reconnectRequest = (after, host, port)
            case .resolve(let token, let result):
                client.resolve(token: token, result)
            case .carry(let share):
                if role == .retired {
                    client.resolve(token: share.token, .lost("no answer from the backup pool before it was closed"))
                } else {
                    client.carry(share)
                }
            }
        }
    }
}
