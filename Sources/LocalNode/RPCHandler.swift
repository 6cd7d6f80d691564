import NIOCore
import NIOHTTP1
import SoloMining
import StratumProtocol

/// One HTTP connection to `LocalNode`: collects a request, authenticates it, runs the call and
/// writes Core's HTTP shape (200 with the result, 500 with a JSON-RPC error, 404 for an unknown
/// method, 401 with `WWW-Authenticate: Basic realm="jsonrpc"` and no body for bad credentials).
final class RPCHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let node: LocalNode
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private static let maximumBodySize = 16 << 20

    init(node: LocalNode) { self.node = node }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
            body = []
        case .body(var buffer):
            if body.count + buffer.readableBytes > Self.maximumBodySize {
                context.close(promise: nil)
                return
            }
            body += buffer.readBytes(length: buffer.readableBytes) ?? []
        case .end:
            guard let requestHead = head else { return }
            head = nil
            respond(context: context, head: requestHead)
        }
    }

    private func respond(context: ChannelHandlerContext, head: HTTPRequestHead) {
        let keepAlive = head.isKeepAlive
        guard node.isAuthorized(head.headers.first(name: "Authorization")) else {
            var headers = HTTPHeaders([("WWW-Authenticate", "Basic realm=\"jsonrpc\""), ("Content-Length", "0")])
            if !keepAlive { headers.add(name: "Connection", value: "close") }
            write(context: context, status: .unauthorized, headers: headers, body: [], keepAlive: keepAlive)
            return
        }
        guard head.method == .POST, let request = try? JSONValue.parse(body), let method = request["method"]?.stringValue else {
            write(context: context, status: .badRequest, json: ["result": .null, "error": ["code": -32700, "message": "Parse error"], "id": .null],
                  keepAlive: keepAlive)
            return
        }
        let id = request["id"] ?? .null
        let params = request["params"]?.arrayValue ?? []
        let loop = context.eventLoop
        let boundContext = NIOLoopBound(context, eventLoop: loop)
        let handler = NIOLoopBound(self, eventLoop: loop)
        let respondLater: @Sendable (JSONValue) -> Void = { result in
            loop.execute {
                handler.value.write(context: boundContext.value, status: .ok, json: ["result": result, "error": .null, "id": id],
                                    keepAlive: keepAlive)
            }
        }
        switch node.handle(method: method, params: params, respondLater: respondLater) {
        case .result(let result):
            write(context: context, status: .ok, json: ["result": result, "error": .null, "id": id], keepAlive: keepAlive)
        case .error(let code, let message):
            let status: HTTPResponseStatus = code == NodeRPCMessage.Code.methodNotFound ? .notFound : .internalServerError
            write(context: context, status: status, json: ["result": .null, "error": ["code": .integer(code), "message": .string(message)], "id": id],
                  keepAlive: keepAlive)
        case .unauthorized:
            write(context: context, status: .unauthorized, headers: HTTPHeaders(), body: [], keepAlive: false)
        case .deferred(let token):
            let node = self.node
            loop.scheduleTask(in: node.configuration.longPollTimeout) { node.expireLongPoll(token: token) }
        }
    }

    private func write(context: ChannelHandlerContext, status: HTTPResponseStatus, json: JSONValue, keepAlive: Bool) {
        let body = Array(json.serialized.utf8) + [0x0a]
        var headers = HTTPHeaders([("Content-Type", "application/json"), ("Content-Length", String(body.count))])
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        write(context: context, status: status, headers: headers, body: body, keepAlive: keepAlive)
    }

    private func write(context: ChannelHandlerContext, status: HTTPResponseStatus, headers: HTTPHeaders, body: [UInt8], keepAlive: Bool) {
        guard context.channel.isActive else { return }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        if !body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        }
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
