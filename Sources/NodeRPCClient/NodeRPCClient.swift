import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import SoloMining
import StratumProtocol
import TLSDiagnostics

/// A small JSON-RPC client for Bitcoin Core over HTTP/1.1 on SwiftNIO: one short connection per
/// call (long polls hold theirs open), Basic auth from a password or the cookie file, TLS via
/// NIOSSL for `https://`. Every failure is a `NodeRPCError`.
public final class NodeRPCClient: Sendable {
    public let endpoint: NodeEndpoint
    public let credentials: NodeCredentials
    /// Limit for ordinary calls; long polls wait `longPollTimeout`.
    public let requestTimeout: TimeAmount
    public let longPollTimeout: TimeAmount

    private struct CookieCache {
        var modified: Date?
        var value: String?
    }

    private let group: any EventLoopGroup
    private let cookie = NIOLockedValueBox(CookieCache())
    private let nextID = NIOLockedValueBox<Int64>(0)
    private let sslContext: NIOSSLContext?
    private let pinnedVerification: (@Sendable ([NIOSSLCertificate], EventLoopPromise<NIOSSLVerificationResult>) -> Void)?
    /// The TLS server name (SNI): the host, unless it is an IP literal (https://127.0.0.1:…), which
    /// SNI cannot carry.
    private let serverName: String?

    /// `tlsConfiguration` (default: the system's CAs) is used for `https://`; `pinnedVerification`,
    /// when set, replaces the chain checks (a pinned certificate: `TLSTrust.pinnedVerification`).
    public init(endpoint: NodeEndpoint, credentials: NodeCredentials, requestTimeout: TimeAmount = .seconds(30),
                longPollTimeout: TimeAmount = .seconds(600), tlsConfiguration: TLSConfiguration? = nil,
                pinnedVerification: (@Sendable ([NIOSSLCertificate], EventLoopPromise<NIOSSLVerificationResult>) -> Void)? = nil,
                group: (any EventLoopGroup)? = nil) throws {
        self.endpoint = endpoint
        self.credentials = credentials
        self.requestTimeout = requestTimeout
        self.longPollTimeout = longPollTimeout
        self.group = group ?? MultiThreadedEventLoopGroup.singleton
        sslContext = endpoint.usesTLS ? try NIOSSLContext(configuration: tlsConfiguration ?? .makeClientConfiguration()) : nil
        self.pinnedVerification = pinnedVerification
        serverName = (try? SocketAddress(ipAddress: endpoint.host, port: 0)) == nil ? endpoint.host : nil
    }

    // MARK: Calls

    /// `getblocktemplate` with the segwit rule; with `longPollID` it waits for the next template.
    public func getBlockTemplate(longPollID: String? = nil) async throws(NodeRPCError) -> BlockTemplate {
        let result = try await call("getblocktemplate", params: NodeRPCMessage.getBlockTemplateParams(longPollID: longPollID),
                                    timeout: longPollID == nil ? requestTimeout : longPollTimeout)
        do {
            return try BlockTemplate(result: result)
        } catch {
            throw NodeRPCError(.badResponse(error.description))
        }
    }

    public func submitBlock(_ block: [UInt8]) async throws(NodeRPCError) -> SubmitBlockResult {
        SubmitBlockResult(result: try await call("submitblock", params: [.string(Hex.encode(block))]))
    }

    /// The node's chain (from `getblockchaininfo`) and whether it is still in initial block download.
    public func blockchainInfo() async throws(NodeRPCError) -> (chain: BitcoinNetwork?, initialBlockDownload: Bool) {
        let result = try await call("getblockchaininfo", params: [])
        return (result["chain"]?.stringValue.flatMap(BitcoinNetwork.init(chainName:)), result["initialblockdownload"]?.boolValue ?? false)
    }

    /// One JSON-RPC call. A 401 with cookie credentials re-reads the cookie once and retries.
    public func call(_ method: String, params: [JSONValue], timeout: TimeAmount? = nil) async throws(NodeRPCError) -> JSONValue {
        do {
            return try await attempt(method, params: params, timeout: timeout ?? requestTimeout, forceCookieReload: false)
        } catch where error.kind == .unauthorized {
            guard case .cookieFile = credentials else { throw error }
            return try await attempt(method, params: params, timeout: timeout ?? requestTimeout, forceCookieReload: true)
        }
    }

    private func attempt(_ method: String, params: [JSONValue], timeout: TimeAmount,
                         forceCookieReload: Bool) async throws(NodeRPCError) -> JSONValue {
        let authorization = try authorizationHeader(forceReload: forceCookieReload)
        let id = nextID.withLockedValue { value -> Int64 in
            value += 1
            return value
        }
        let body = NodeRPCMessage.requestBody(method: method, params: params, id: id)
        let (status, responseBody) = try await post(body: body, authorization: authorization, timeout: timeout)
        return try NodeRPCMessage.result(status: status, body: responseBody)
    }

    // MARK: Credentials

    private func authorizationHeader(forceReload: Bool) throws(NodeRPCError) -> String {
        let pair: String
        switch credentials {
        case .userPassword(let user, let password):
            pair = "\(user):\(password)"
        case .cookieFile(let path):
            pair = try cookieValue(path: path, forceReload: forceReload)
        }
        return "Basic " + Data(pair.utf8).base64EncodedString()
    }

    private func cookieValue(path: String, forceReload: Bool) throws(NodeRPCError) -> String {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let modified = attributes?[.modificationDate] as? Date
        if !forceReload, let cached = cookie.withLockedValue({ $0.modified == modified ? $0.value : nil }) { return cached }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw NodeRPCError(.cookie("cannot read \(path) (is the node running, and may this user read its data directory?)"))
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.contains(":") else { throw NodeRPCError(.cookie("\(path) is not a user:password cookie")) }
        cookie.withLockedValue { $0 = CookieCache(modified: modified, value: text) }
        return text
    }

    // MARK: HTTP

    private func post(body: [UInt8], authorization: String, timeout: TimeAmount) async throws(NodeRPCError) -> (Int, [UInt8]) {
        let endpoint = self.endpoint
        let sslContext = self.sslContext
        let (pinnedVerification, serverName) = (self.pinnedVerification, self.serverName)
        let channel: any Channel
        let loop = group.next()
        let response = loop.makePromise(of: (Int, [UInt8]).self)
        let promise = response
        do {
            channel = try await ClientBootstrap(group: loop)
                .connectTimeout(.seconds(10))
                .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let sslContext, let pinnedVerification {
                            let handler = try NIOSSLClientHandler(context: sslContext, serverHostname: serverName,
                                                                  customVerificationCallback: pinnedVerification)
                            try channel.pipeline.syncOperations.addHandler(handler)
                        } else if let sslContext {
                            let handler = try NIOSSLClientHandler(context: sslContext, serverHostname: serverName)
                            try channel.pipeline.syncOperations.addHandler(handler)
                        }
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(ResponseCollector(promise: promise))
                    }
                }
                .connect(host: endpoint.host, port: endpoint.port).get()
        } catch {
            response.fail(error)
            throw NodeRPCError(.unreachable("\(endpoint): \(error)"))
        }
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: "\(endpoint.host):\(endpoint.port)")
        headers.add(name: "Authorization", value: authorization)
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Content-Length", value: String(body.count))
        headers.add(name: "Connection", value: "close")
        let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: endpoint.path, headers: headers)
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        channel.write(HTTPClientRequestPart.body(.byteBuffer(channel.allocator.buffer(bytes: body))), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        let timer = channel.eventLoop.scheduleTask(in: timeout) {
            response.fail(NodeRPCError(.timeout))
            channel.close(promise: nil)
        }
        defer {
            timer.cancel()
            channel.close(promise: nil)
        }
        do {
            return try await withTaskCancellationHandler {
                try await response.futureResult.get()
            } onCancel: {
                response.fail(CancellationError())
            }
        } catch let error as NodeRPCError {
            throw error
        } catch is CancellationError {
            throw NodeRPCError(.unreachable("cancelled"))
        } catch {
            throw NodeRPCError(.unreachable("\(endpoint): \(error)"))
        }
    }
}

/// Collects one HTTP response and completes the promise (or fails it when the connection ends first).
private final class ResponseCollector: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart

    private let promise: EventLoopPromise<(Int, [UInt8])>
    private var status: Int?
    private var body: [UInt8] = []
    private static let maximumBodySize = 64 << 20

    init(promise: EventLoopPromise<(Int, [UInt8])>) { self.promise = promise }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = Int(head.status.code)
        case .body(var buffer):
            guard body.count + buffer.readableBytes <= Self.maximumBodySize else {
                promise.fail(NodeRPCError(.badResponse("response larger than \(Self.maximumBodySize) bytes")))
                context.close(promise: nil)
                return
            }
            body += buffer.readBytes(length: buffer.readableBytes) ?? []
        case .end:
            promise.succeed((status ?? 0, body))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(NodeRPCError(.unreachable("connection closed before a complete answer")))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(NodeRPCError(TLSFailure(error).map { .tls("\($0)") } ?? .unreachable("\(error)")))
        context.close(promise: nil)
    }
}
