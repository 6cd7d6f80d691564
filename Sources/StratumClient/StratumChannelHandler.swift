import Logging
import NIOCore
import StratumProtocol

/// How one connection ended, handed back to the reconnect loop.
struct ConnectionOutcome: Sendable {
    var end: ConnectionEnd
    var reason: String
    var subscriptionID: String?
    var extranonce1: [UInt8]?
}

/// The last handler of a pool connection: feeds lines to the `StratumSession` and performs the
/// actions it returns. All protocol state lives in the session.
final class StratumChannelHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var session: StratumSession
    private let client: StratumClient
    private let logger: Logger
    private let tickInterval: Duration
    private var context: ChannelHandlerContext?
    private var tickTask: RepeatedTask?
    private let outcomePromise: EventLoopPromise<ConnectionOutcome>
    private var isFinished = false
    private var reconnectRequest: (after: Duration, host: String?, port: Int?)?
    private var wasActive = false

    init(session: StratumSession, client: StratumClient, logger: Logger, tickInterval: Duration, eventLoop: any EventLoop) {
        self.session = session
        self.outcomePromise = eventLoop.makePromise(of: ConnectionOutcome.self)
        self.client = client
        self.logger = logger
        self.tickInterval = tickInterval
    }

    /// Completed when the connection is over (never fails).
    var outcome: EventLoopFuture<ConnectionOutcome> { outcomePromise.futureResult }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { start(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        finish(why: "handler removed")
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(why: "closed by peer")
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let line = unwrapInboundIn(data)
        let now = ContinuousClock.now
        let bytes = line.readableBytesView
        if bytes.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { return }  // keep-alive blank line
        do {
            let message = try JSONRPCMessage.parse(bytes)
            perform(session.handle(.lineReceived(message, now: now)))
        } catch {
            logger.debug("unparsable line from pool", metadata: ["error": "\(error)", "bytes": "\(bytes.count)"])
            perform(session.handle(.malformedLine("\(error)", now: now)))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.warning("pool connection error", metadata: ["error": "\(error)"])
        if let tooLong = error as? LineFrameDecoder.LineTooLongError {
            client.emit(.protocolError("\(tooLong)"))
        }
        finish(why: "\(error)")
        context.close(promise: nil)
    }

    /// Called on the event loop by `StratumClient.submit`.
    func submit(_ share: ShareSubmission, token: UInt64) {
        perform(session.handle(.submit(share, token: token, now: .now)))
    }

    /// Called on the event loop by `StratumClient.suggestDifficulty`.
    func suggestDifficulty(_ value: Double) {
        perform(session.handle(.suggestDifficulty(value, now: .now)))
    }

    /// Called on the event loop by the reconnect loop when it is asked to stop.
    func shutdown() {
        finish(why: "shutdown")
        context?.close(promise: nil)
    }

    private func start(context: ChannelHandlerContext) {
        guard !wasActive else { return }
        wasActive = true
        client.emit(.connected(url: session.configuration.poolURL))
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let interval = TimeAmount(tickInterval)
        tickTask = context.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            bound.value.tick()
        }
        let carried = client.attach(self, eventLoop: context.eventLoop)
        perform(session.handle(.connected(now: .now)))
        if !carried.isEmpty {
            logger.info("\(carried.count) unanswered share(s) from the previous connection: resubmitting if the session resumes")
            perform(session.handle(.resubmit(carried, now: .now)))
        }
    }

    private func tick() {
        perform(session.handle(.tick(now: .now)))
    }

    /// The transport is gone (or going): resolve what is pending and report the outcome once.
    private func finish(why: String) {
        tickTask?.cancel()
        tickTask = nil
        perform(session.handle(.closed(why)))
        guard !isFinished else { return }
        isFinished = true
        outcomePromise.succeed(makeOutcome())
    }

    private func makeOutcome() -> ConnectionOutcome {
        let reason = session.closeReason ?? .connectionLost("closed")
        let end: ConnectionEnd
        switch reason {
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

    private func perform(_ actions: [StratumSession.Action]) {
        for action in actions {
            switch action {
            case .send(let line, let method):
                logger.trace("send", metadata: ["method": "\(method)"])  // never the line: it may hold the password
                guard let context, context.channel.isActive else { continue }
                var buffer = context.channel.allocator.buffer(capacity: line.utf8.count + 1)
                buffer.writeString(line)
                buffer.writeInteger(UInt8(ascii: "\n"))
                context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
            case .emit(let event):
                client.emit(event)
            case .close(let reason):
                logger.info("closing pool connection", metadata: ["reason": "\(reason)"])
                context?.close(promise: nil)
            case .scheduleReconnect(let after, let host, let port):
                reconnectRequest = (after, host, port)
            case .resolve(let token, let result):
                client.resolve(token: token, result)
            case .carry(let share):
                client.carry(share)
            }
        }
    }
}
