/// Why a message from the pool (or a value in it) was refused.
public enum StratumProtocolError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A field failed validation: (field, why).
    case invalidField(String, String)
    /// The line is not JSON, or not a JSON-RPC message.
    case malformedMessage(String)

    public var description: String {
        switch self {
        case .invalidField(let field, let why): "invalid \(field): \(why)"
        case .malformedMessage(let why): "malformed message: \(why)"
        }
    }
}
