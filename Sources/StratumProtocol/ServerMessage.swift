/// A pool → client method call, validated. Unknown methods are kept by name only.
public enum ServerMessage: Sendable, Hashable {
    /// `mining.notify`: a new job.
    case notify(MiningNotify)
    /// `mining.set_difficulty [difficulty]`: applies to jobs received after it.
    case setDifficulty(Double)
    /// `mining.set_extranonce [extranonce1, extranonce2_size]`: applies to the next job.
    case setExtranonce(extranonce1: [UInt8], extranonce2Size: Int)
    /// `mining.set_version_mask [mask]` (BIP 310): applies at once.
    case setVersionMask(UInt32)
    /// `client.reconnect [host?, port?, waittime?]`.
    case reconnect(host: String?, port: Int?, waitTime: Int?)
    /// `client.show_message [text]` (text truncated to `Limits.maxMessageLength`).
    case showMessage(String)
    /// `client.get_version []`: answer with our user agent.
    case getVersion
    /// `mining.ping []`: answer with "pong".
    case ping
    /// Any other method.
    case unknown(String)

    public enum Limits {
        public static let maxMessageLength = 512
        public static let maxHostLength = 255
        /// Longest `client.reconnect` wait we pass on (one day); a longer one is clamped to it (the
        /// client caps it further, `ConnectionTimers.maximumReconnectWait`).
        public static let maxWaitTime = 86_400
    }

    /// Validates the params of a known method; `.unknown` for any other method.
    public init(method: String, params: [JSONValue]) throws(StratumProtocolError) {
        switch method {
        case "mining.notify":
            self = .notify(try MiningNotify(params: params))
        case "mining.set_difficulty":
            guard let first = params.first else { throw .invalidField("mining.set_difficulty", "no params") }
            let difficulty: Double
            if let number = first.doubleValue {
                difficulty = number
            } else if let text = first.stringValue, text.utf8.count <= 64, let number = Double(text) {
                difficulty = number
            } else {
                throw .invalidField("difficulty", "not a number")
            }
            guard difficulty.isFinite, difficulty > 0 else {
                throw .invalidField("difficulty", "\(difficulty) is not a positive finite number")
            }
            self = .setDifficulty(difficulty)
        case "mining.set_extranonce":
            guard params.count >= 2 else { throw .invalidField("mining.set_extranonce", "expected 2 params") }
            let extranonce1 = try Extranonce.extranonce1(params[0])
            let size = try Extranonce.extranonce2Size(params[1])
            self = .setExtranonce(extranonce1: extranonce1, extranonce2Size: size)
        case "mining.set_version_mask":
            guard let text = params.first?.stringValue, let mask = WireEncoding.uint32(fromHex: text) else {
                throw .invalidField("version mask", "not 8 hex digits")
            }
            self = .setVersionMask(mask)
        case "client.reconnect":
            // [host, port, waittime], each optional; port and wait as a number or a decimal string
            // (cgminer reads the port as a JSON string; others send numbers).
            var host: String? = nil
            var port: Int? = nil
            var waitTime: Int? = nil
            if params.count > 0, !params[0].isNull {
                guard let text = params[0].stringValue, text.utf8.count <= Limits.maxHostLength else {
                    throw .invalidField("client.reconnect host", "not a host name")
                }
                host = text.isEmpty ? nil : text
            }
            if params.count > 1, !params[1].isNull {
                guard let number = params[1].integerValue ?? params[1].stringValue.flatMap({ Int64($0) }),
                      (1...65535).contains(number) else {
                    throw .invalidField("client.reconnect port", "not in 1...65535")
                }
                port = Int(number)
            }
            if params.count > 2, !params[2].isNull {
                guard let number = params[2].integerValue ?? params[2].stringValue.flatMap({ Int64($0) }), number >= 0 else {
                    throw .invalidField("client.reconnect waittime", "not a non-negative number of seconds")
                }
                waitTime = Int(min(number, Int64(Limits.maxWaitTime)))
            }
            self = .reconnect(host: host, port: port, waitTime: waitTime)
        case "client.show_message":
            guard let text = params.first?.stringValue else { throw .invalidField("client.show_message", "not a string") }
            self = .showMessage(String(text.prefix(Limits.maxMessageLength)))
        case "client.get_version":
            self = .getVersion
        case "mining.ping":
            self = .ping
        default:
            self = .unknown(method)
        }
    }
}
