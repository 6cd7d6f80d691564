import Logging
import MonitoringAddresses
import NIOCore
import NIOHTTP1
import NIOPosix
import StratumProtocol

/// `GET /metrics` over HTTP/1.1 (Prometheus text format, one status document per scrape);
/// 404 for other paths, 405 for other methods. One request per connection (`Connection: close`),
/// requests over `maxRequestBytes` are answered 431 and closed, idle connections close after
/// `idleTimeout`.
public enum MetricsServer {
    public static let maxRequestBytes = 16 * 1024
    public static let idleTimeout = TimeAmount.seconds(10)

    /// Binds and serves until the returned listener's `stop()`.
    /// - Parameter allowNonLoopback: the configuration explicitly allows a non-loopback address.
    public static func start(address: ListenAddress, allowNonLoopback: Bool = false,
                             group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton, logger: Logger,
                             statusSource: @escaping @Sendable () async -> StatusDocument) async throws -> MonitoringListener {
        try address.checkBindable(allowNonLoopback: allowNonLoopback)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                // Loopback binding already keeps others out; a wider binding was allowed explicitly.
                guard allowNonLoopback || Self.isLoopback(channel.remoteAddress) else {
                    return channel.close()
                }
                return channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(IdleStateHandler(readTimeout: idleTimeout))
                    try sync.addHandler(CloseOnIdleOrErrorHandler())
                    try sync.addHandler(RequestSizeLimit(limit: maxRequestBytes, tooLarge: Self.tooLargeResponse))
                    try sync.addHandler(HTTPResponseEncoder())
                    try sync.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)))
                    try sync.addHandler(MetricsHTTPHandler(statusSource: statusSource, logger: logger))
                }
            }
        let listener = try await MonitoringListener.bind(bootstrap, to: address)
        logger.info("metrics endpoint listening on http://\(listener.display)/metrics")
        return listener
    }

    static func isLoopback(_ address: SocketAddress?) -> Bool {
        guard let ip = address?.ipAddress else { return false }
        return MonitoringIPAddress(ip)?.isLoopback ?? false
    }

    private static let tooLargeResponse = Array(
        "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8)
}

extension ListenAddress {
    static func display(host: String, port: Int) -> String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// Counts the bytes a connection sent; past the limit it answers `tooLarge` (if any) and closes.
/// (Idleness and errors: `CloseOnIdleOrErrorHandler`, before it.)
final class RequestSizeLimit: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let limit: Int
    private let tooLarge: [UInt8]?
    private var received = 0
    private var closed = false

    init(limit: Int, tooLarge: [UInt8]?) {
        self.limit = limit
        self.tooLarge = tooLarge
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closed else { return }
        let buffer = unwrapInboundIn(data)
        received += buffer.readableBytes
        if received > limit {
            closed = true
            if let tooLarge {
                context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: tooLarge)))
                    .whenComplete { [channel = context.channel] _ in channel.close(promise: nil) }
            } else {
                context.close(promise: nil)
            }
            return
        }
        context.fireChannelRead(data)
    }
}

/// Answers one HTTP request, then closes.
final class MetricsHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let statusSource: @Sendable () async -> StatusDocument
    private let logger: Logger
    private var head: HTTPRequestHead?
    private var answered = false

    init(statusSource: @escaping @Sendable () async -> StatusDocument, logger: Logger) {
        self.statusSource = statusSource
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): self.head = head
        case .body: break
        case .end:
            guard let head, !answered else { return }
            answered = true
            respond(to: head, channel: context.channel)
        }
    }

    private func respond(to head: HTTPRequestHead, channel: Channel) {
        let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let version = head.version
        guard path == "/metrics" else {
            Self.send(channel: channel, version: version, status: .notFound, contentType: "text/plain; charset=utf-8",
                      body: "not found; metrics are at /metrics\n", includeBody: head.method != .HEAD)
            return
        }
        guard head.method == .GET || head.method == .HEAD else {
            Self.send(channel: channel, version: version, status: .methodNotAllowed, contentType: "text/plain; charset=utf-8",
                      body: "use GET\n", extraHeaders: [("Allow", "GET, HEAD")], includeBody: true)
            return
        }
        let includeBody = head.method == .GET
        Task { [statusSource] in
            let body = PrometheusExposition.render(status: await statusSource())
            MetricsHTTPHandler.send(channel: channel, version: version, status: .ok, contentType: PrometheusExposition.contentType,
                      body: body, includeBody: includeBody)
        }
    }

    fileprivate static func send(channel: Channel, version: HTTPVersion, status: HTTPResponseStatus, contentType: String,
                             body: String, extraHeaders: [(String, String)] = [], includeBody: Bool) {
        var headers = HTTPHeaders([("Content-Type", contentType), ("Content-Length", String(body.utf8.count)),
                                   ("Connection", "close")])
        headers.add(contentsOf: extraHeaders)
        let responseHead = HTTPResponseHead(version: version, status: status, headers: headers)
        channel.write(HTTPServerResponsePart.head(responseHead), promise: nil)
        if includeBody {
            channel.write(HTTPServerResponsePart.body(.byteBuffer(channel.allocator.buffer(string: body))), promise: nil)
        }
        channel.writeAndFlush(HTTPServerResponsePart.end(nil)).whenComplete { _ in channel.close(promise: nil) }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // Malformed HTTP: answer 400 once, then close.
        if !answered {
            answered = true
            Self.send(channel: context.channel, version: .http1_1, status: .badRequest, contentType: "text/plain; charset=utf-8",
                      body: "bad request\n", includeBody: true)
        } else {
            context.close(promise: nil)
        }
    }
}
