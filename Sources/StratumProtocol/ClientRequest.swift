/// A client → pool request. `line` is the JSON text to send (without the newline).
public struct ClientRequest: Sendable, Hashable {
    public var id: Int64
    public var method: String
    public var params: [JSONValue]

    public init(id: Int64, method: String, params: [JSONValue]) {
        self.id = id
        self.method = method
        self.params = params
    }

    /// `{"id":…,"method":…,"params":[…]}` with sorted keys.
    public var line: String {
        JSONValue.object(["id": .integer(id), "method": .string(method), "params": .array(params)]).serialized
    }

    /// The version-rolling mask we ask for by default (BIP 310 / BIP 320 general-purpose bits).
    public static let defaultVersionRollingMask: UInt32 = 0x1fff_e000

    /// `mining.subscribe [user_agent, previous_subscription_id?]`; `userAgent` nil sends `[]`.
    public static func subscribe(id: Int64, userAgent: String?, sessionID: String? = nil) -> ClientRequest {
        var params: [JSONValue] = []
        if let userAgent {
            params.append(.string(userAgent))
            if let sessionID { params.append(.string(sessionID)) }
        }
        return ClientRequest(id: id, method: "mining.subscribe", params: params)
    }

    /// `mining.authorize [user, password]`.
    public static func authorize(id: Int64, user: String, password: String) -> ClientRequest {
        ClientRequest(id: id, method: "mining.authorize", params: [.string(user), .string(password)])
    }

    /// `mining.configure [["version-rolling"], {"version-rolling.mask": …, "version-rolling.min-bit-count": …}]`.
    public static func configure(id: Int64, versionRollingMask: UInt32 = defaultVersionRollingMask,
                                 minBitCount: Int = 0) -> ClientRequest {
        ClientRequest(id: id, method: "mining.configure", params: [
            ["version-rolling"],
            .object(["version-rolling.mask": .string(WireEncoding.hex(versionRollingMask)),
                     "version-rolling.min-bit-count": .integer(Int64(minBitCount))]),
        ])
    }

    /// `mining.extranonce.subscribe []`.
    public static func extranonceSubscribe(id: Int64) -> ClientRequest {
        ClientRequest(id: id, method: "mining.extranonce.subscribe", params: [])
    }

    /// `mining.suggest_difficulty [difficulty]`.
    public static func suggestDifficulty(id: Int64, difficulty: Double) -> ClientRequest {
        ClientRequest(id: id, method: "mining.suggest_difficulty", params: [.double(difficulty)])
    }

    /// `mining.submit [worker, job_id, extranonce2, ntime, nonce, version_bits?]`; hex as on the wire
    /// (uint32 values as 8-digit big-endian hex). The sixth param is sent only when `versionBits` is set.
    public static func submit(id: Int64, worker: String, jobID: String, extranonce2: [UInt8], ntime: UInt32,
                              nonce: UInt32, versionBits: UInt32?) -> ClientRequest {
        var params: [JSONValue] = [.string(worker), .string(jobID), .string(Hex.encode(extranonce2)),
                                   .string(WireEncoding.hex(ntime)), .string(WireEncoding.hex(nonce))]
        if let versionBits { params.append(.string(WireEncoding.hex(versionBits))) }
        return ClientRequest(id: id, method: "mining.submit", params: params)
    }
}

/// Our answers to calls the pool makes (`client.get_version`, `mining.ping`, unknown methods).
public enum ClientReply {
    /// `{"error":null,"id":…,"result":…}`.
    public static func result(id: JSONValue, _ result: JSONValue) -> String {
        JSONValue.object(["id": id, "result": result, "error": .null]).serialized
    }

    /// `client.get_version` → our user agent.
    public static func version(id: JSONValue, userAgent: String) -> String {
        result(id: id, .string(userAgent))
    }

    /// `mining.ping` → "pong".
    public static func pong(id: JSONValue) -> String {
        result(id: id, "pong")
    }

    /// JSON-RPC "method not found" in the Stratum error shape `[code, message, null]`.
    public static func methodNotFound(id: JSONValue, method: String) -> String {
        error(id: id, code: -32601, message: "Method '\(method.prefix(128))' not found")
    }

    /// `{"error":[code,message,null],"id":…,"result":null}`.
    public static func error(id: JSONValue, code: Int64, message: String) -> String {
        JSONValue.object(["id": id, "result": .null, "error": [.integer(code), .string(message), .null]]).serialized
    }
}
