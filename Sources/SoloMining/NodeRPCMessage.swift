import StratumProtocol

/// Bitcoin Core's JSON-RPC over HTTP as plain values: request bodies, the answers we rely on,
/// and the errors a miner must tell apart. No sockets here (the client lives in NodeRPCClient).
public enum NodeRPCMessage {
    /// RPC error codes from Bitcoin Core's src/rpc/protocol.h.
    public enum Code {
        public static let inInitialDownload: Int64 = -10  // RPC_CLIENT_IN_INITIAL_DOWNLOAD
        public static let notConnected: Int64 = -9  // RPC_CLIENT_NOT_CONNECTED
        public static let inWarmup: Int64 = -28  // RPC_IN_WARMUP
        public static let methodNotFound: Int64 = -32601  // RPC_METHOD_NOT_FOUND
        public static let invalidParameter: Int64 = -8  // RPC_INVALID_PARAMETER
        public static let deserializationError: Int64 = -22  // RPC_DESERIALIZATION_ERROR
        public static let verifyError: Int64 = -25  // RPC_VERIFY_ERROR
    }

    /// A JSON-RPC 1.0 request as bitcoin-cli sends it.
    public static func requestBody(method: String, params: [JSONValue], id: Int64) -> [UInt8] {
        let request: JSONValue = ["jsonrpc": "1.0", "id": .integer(id), "method": .string(method), "params": .array(params)]
        return Array(request.serialized.utf8)
    }

    /// BIP 22 template request with the segwit rule Core insists on (it answers -8 "getblocktemplate
    /// must be called with the segwit rule set" otherwise); with a longpollid it is a BIP 22 long poll.
    public static func getBlockTemplateParams(longPollID: String? = nil) -> [JSONValue] {
        var request: [String: JSONValue] = ["rules": ["segwit"], "capabilities": ["longpoll"]]
        if let longPollID { request["longpollid"] = .string(longPollID) }
        return [.object(request)]
    }

    /// The `result` of a response, or the error it carries. Core answers RPC errors with HTTP 500
    /// (404 for an unknown method) and a JSON body, so the body is read whatever the status.
    public static func result(status: Int, body: [UInt8]) throws(NodeRPCError) -> JSONValue {
        if status == 401 || status == 403 { throw NodeRPCError(.unauthorized) }
        guard let response = try? JSONValue.parse(body), response.objectValue != nil else {
            throw NodeRPCError(.badResponse("HTTP \(status), body is not a JSON-RPC response"))
        }
        if let error = response["error"], !error.isNull {
            let code = error["code"]?.integerValue ?? 0
            let message = String((error["message"]?.stringValue ?? "").prefix(512))
            if code == Code.inInitialDownload { throw NodeRPCError(.initialBlockDownload(message)) }
            if code == Code.inWarmup { throw NodeRPCError(.warmingUp(message)) }
            throw NodeRPCError(.rpc(code: code, message: message))
        }
        guard (200..<300).contains(status) else { throw NodeRPCError(.badResponse("HTTP \(status)")) }
        return response["result"] ?? .null
    }
}

/// Why a node call failed, in words a user can act on.
public struct NodeRPCError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        /// HTTP 401: wrong rpcuser/rpcpassword, or a stale cookie.
        case unauthorized
        /// No TCP connection (refused, unreachable, DNS).
        case unreachable(String)
        /// `https://`: the TLS handshake failed (most often a certificate this miner does not trust).
        case tls(String)
        case initialBlockDownload(String)
        case warmingUp(String)
        case rpc(code: Int64, message: String)
        case badResponse(String)
        case timeout
        case cookie(String)
    }

    public let kind: Kind

    public init(_ kind: Kind) { self.kind = kind }

    /// Worth retrying later without changing the configuration.
    public var isTransient: Bool {
        switch kind {
        case .unreachable, .initialBlockDownload, .warmingUp, .timeout: true
        case .rpc(let code, _): code == NodeRPCMessage.Code.notConnected
        case .unauthorized, .badResponse, .cookie, .tls: false
        }
    }

    public var description: String {
        switch kind {
        case .unauthorized: "the node refused the RPC credentials (HTTP 401): check rpcuser/rpcpassword or the cookie file"
        case .unreachable(let detail): "cannot reach the node: \(detail)"
        case .tls(let detail): "TLS with the node failed: \(detail) (a self-signed certificate needs "
            + "tls_fingerprint_sha256 or allow_self_signed in the pool entry)"
        case .initialBlockDownload(let message): "the node is still in initial block download, no templates yet (\(message))"
        case .warmingUp(let message): "the node is starting up (\(message))"
        case .rpc(let code, let message): "node RPC error \(code): \(message)"
        case .badResponse(let detail): "unexpected answer from the node: \(detail)"
        case .timeout: "the node did not answer in time"
        case .cookie(let detail): "cannot use the RPC cookie file: \(detail)"
        }
    }
}
