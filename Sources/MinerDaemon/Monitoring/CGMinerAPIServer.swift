import Foundation
import Logging
import MonitoringAddresses
import NIOCore
import NIOPosix
import StratumProtocol

/// The cgminer-compatible API over TCP: reads one request (until a newline, a NUL, the end of
/// the client's input, or a complete JSON object / text command in what has arrived), answers it
/// with a reply ending in a NUL byte, and closes — as cgminer does.
///
/// Clients that `CGMinerAPI.access` refuses (not loopback and not on the allow list) are
/// disconnected without a reply. Requests over `CGMinerAPI.maxRequestBytes` get an error reply;
/// idle connections close after `idleTimeout`.
public enum CGMinerAPIServer {
    public static let idleTimeout = TimeAmount.seconds(10)

    /// Whether the API may listen on `address`: loopback always; anything else only when the
    /// allow list names a non-loopback client (otherwise nobody out there could use it).
    public static func checkBindable(_ address: ListenAddress, allow: [String]) throws {
        try address.checkBindable(allowNonLoopback: CGMinerAPI.allowsNonLoopbackClients(allow))
    }

    public static func start(address: ListenAddress, allow: [String],
                             group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton, logger: Logger,
                             statusSource: @escaping @Sendable () async -> StatusDocument) async throws -> MonitoringListener {
        let invalid = APIAllowEntry.invalidEntries(allow)
        guard invalid.isEmpty else { throw AllowListError(entries: invalid) }
        try checkBindable(address, allow: allow)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 128)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                let client = channel.remoteAddress?.ipAddress ?? ""
                guard CGMinerAPI.access(clientAddress: client, allow: allow) > .none else {
                    logger.debug("cgminer API: connection from \(client) refused (not on the allow list)")
                    return channel.close()
                }
                return channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(IdleStateHandler(readTimeout: idleTimeout))
                    try sync.addHandler(CloseOnIdleOrErrorHandler())
                    try sync.addHandler(CGMinerAPIHandler(clientAddress: client, allow: allow, statusSource: statusSource))
                }
            }
        let listener = try await MonitoringListener.bind(bootstrap, to: address)
        logger.info("cgminer API listening on \(listener.display)")
        return listener
    }

    public struct AllowListError: Error, CustomStringConvertible {
        public let entries: [String]
        public var description: String {
            "api allow list: cannot read \(entries.map { "\"\($0.prefix(60))\"" }.joined(separator: ", ")) (expected ADDRESS[/PREFIX], R:… or W:…)"
        }
    }
}

/// One connection: one request, one reply, close (idleness and errors: `CloseOnIdleOrErrorHandler`).
final class CGMinerAPIHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let clientAddress: String
    private let allow: [String]
    private let statusSource: @Sendable () async -> StatusDocument
    private var pending: [UInt8] = []
    private var answered = false

    init(clientAddress: String, allow: [String], statusSource: @escaping @Sendable () async -> StatusDocument) {
        self.clientAddress = clientAddress
        self.allow = allow
        self.statusSource = statusSource
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answered else { return }
        var buffer = unwrapInboundIn(data)
        let room = CGMinerAPI.maxRequestBytes + 1 - pending.count
        pending += buffer.readBytes(length: min(room, buffer.readableBytes)) ?? []
        if let end = pending.firstIndex(where: { $0 == UInt8(ascii: "\n") || $0 == 0 }) {
            answer(Array(pending[..<end]), channel: context.channel)
        } else if pending.count > CGMinerAPI.maxRequestBytes {
            answered = true
            let jsonStyle = pending.first(where: { $0 != UInt8(ascii: " ") }) == UInt8(ascii: "{")
            Self.send(CGMinerAPI.respondTooLong(jsonStyle: jsonStyle), on: context.channel)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // Clients like cgminer's own examples send the request and wait, without a newline or
        // shutting down their side: answer once what arrived is a whole request.
        guard !answered, !pending.isEmpty else { return }
        let text = String(decoding: pending, as: UTF8.self).monitoringTrimmed
        if text.hasPrefix("{") {
            if (try? JSONValue.parse(Array(text.utf8))) != nil { answer(pending, channel: context.channel) }
        } else if !text.isEmpty {
            answer(pending, channel: context.channel)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            if !answered {
                if pending.isEmpty { context.close(promise: nil) } else { answer(pending, channel: context.channel) }
            }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func answer(_ request: [UInt8], channel: Channel) {
        guard !answered else { return }
        answered = true
        let text = String(decoding: request, as: UTF8.self)
        Task { [clientAddress, allow, statusSource] in
            let status = await statusSource()
            CGMinerAPIHandler.send(CGMinerAPI.respond(request: text, status: status, clientAddress: clientAddress, allow: allow),
                                   on: channel)
        }
    }

    fileprivate static func send(_ reply: String, on channel: Channel) {
        var buffer = channel.allocator.buffer(capacity: reply.utf8.count + 1)
        buffer.writeString(reply)
        buffer.writeInteger(UInt8(0))
        channel.writeAndFlush(buffer).whenComplete { _ in channel.close(promise: nil) }
    }
}
