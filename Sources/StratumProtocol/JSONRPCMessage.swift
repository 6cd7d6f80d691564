/// One Stratum line, classified as a JSON-RPC request, notification or response.
///
/// Stratum v1 is JSON-RPC 1.0 in practice: requests carry `id`, `method`, `params`; notifications
/// are requests whose `id` is null or absent; responses carry `id`, `result`, `error` (and some
/// pools add fields such as `reject-reason`).
public enum JSONRPCMessage: Sendable, Hashable {
    /// A call that expects an answer (the id is echoed back unchanged).
    case request(id: JSONValue, method: String, params: [JSONValue])
    /// A call without an id: no answer expected.
    case notification(method: String, params: [JSONValue])
    /// An answer to one of our requests.
    case response(JSONRPCResponse)

    /// Bounds on what a pool may send.
    public enum Limits {
        public static let maxMethodLength = 128
        public static let maxStringIDLength = 256
    }

    /// Parses one line (without its newline). Anything that is not a JSON object shaped like a
    /// request, notification or response throws `.malformedMessage`.
    public static func parse(_ bytes: some Collection<UInt8>) throws(StratumProtocolError) -> JSONRPCMessage {
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes)
        } catch {
            throw .malformedMessage("not JSON")
        }
        return try parse(value)
    }

    /// Classifies an already parsed JSON value.
    public static func parse(_ value: JSONValue) throws(StratumProtocolError) -> JSONRPCMessage {
        guard let object = value.objectValue else {
            throw .malformedMessage("not a JSON object")
        }
        let id = object["id"] ?? .null
        try validate(id: id)
        if let methodValue = object["method"], !methodValue.isNull {
            guard let method = methodValue.stringValue else {
                throw .malformedMessage("method is not a string")
            }
            guard !method.isEmpty, method.utf8.count <= Limits.maxMethodLength else {
                throw .malformedMessage("method length \(method.utf8.count) outside 1...\(Limits.maxMethodLength)")
            }
            let params: [JSONValue]
            switch object["params"] {
            case .none, .some(.null): params = []
            case .some(.array(let array)): params = array
            default: throw .malformedMessage("params of \(method) is not an array")
            }
            return id.isNull ? .notification(method: method, params: params) : .request(id: id, method: method, params: params)
        }
        guard object["result"] != nil || object["error"] != nil else {
            throw .malformedMessage("neither a method call nor a response")
        }
        guard object["id"] != nil else {
            throw .malformedMessage("response without id")
        }
        var rejectReason: String? = nil
        if let reason = object["reject-reason"]?.stringValue ?? object["reject_reason"]?.stringValue {
            rejectReason = reason
        }
        return .response(JSONRPCResponse(id: id, result: object["result"] ?? .null, error: object["error"] ?? .null,
                                         rejectReason: rejectReason))
    }

    private static func validate(id: JSONValue) throws(StratumProtocolError) {
        switch id {
        case .null, .integer: return
        case .double(let d) where d.isFinite: return
        case .string(let s) where s.utf8.count <= Limits.maxStringIDLength: return
        case .string: throw .malformedMessage("id string longer than \(Limits.maxStringIDLength)")
        default: throw .malformedMessage("id is neither a number, a string nor null")
        }
    }
}

/// An answer from the pool to one of our requests.
public struct JSONRPCResponse: Sendable, Hashable {
    /// The id of the request being answered (number or string, kept as sent; null when the pool
    /// could not tell which request it answers).
    public var id: JSONValue
    public var result: JSONValue
    /// null when there is no error; otherwise `[code, message, data]`, `{"code", "message"}` or a string.
    public var error: JSONValue
    /// A `reject-reason` field next to `result`/`error` (sent by some pools on a rejected share).
    public var rejectReason: String?

    public init(id: JSONValue, result: JSONValue, error: JSONValue = .null, rejectReason: String? = nil) {
        self.id = id
        self.result = result
        self.error = error
        self.rejectReason = rejectReason
    }

    /// The request id as our integer counter, when it is one.
    public var integerID: Int64? { id.integerValue }
}
