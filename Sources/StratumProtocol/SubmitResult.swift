/// The pool's verdict on one `mining.submit`.
///
/// Accepted only for `result: true` with no error. Everything else is a rejection whose reason is
/// read from whichever shape the pool used: `error: [code, message, data]`,
/// `error: {"code": …, "message": …}`, `error: "text"`, or a `reject-reason` field.
public enum SubmitResult: Sendable, Hashable {
    case accepted
    /// The classified reason and the pool's own text (truncated to `maxMessageLength`).
    case rejected(RejectReason, message: String?)

    /// Longest pool message we keep.
    public static let maxMessageLength = 200

    public init(response: JSONRPCResponse) {
        if response.error.isNull, response.result.boolValue == true {
            self = .accepted
            return
        }
        var code: Int64? = nil
        var message: String? = nil
        switch response.error {
        case .array(let items):
            code = items.first?.integerValue
            message = items.count > 1 ? items[1].stringValue : nil
        case .object(let object):
            code = object["code"]?.integerValue
            message = object["message"]?.stringValue ?? object["reason"]?.stringValue
        case .string(let text):
            message = text
        case .integer(let number):
            code = number
        default:
            break
        }
        if message == nil { message = response.rejectReason }
        let truncated = message.map { String($0.prefix(Self.maxMessageLength)) }
        var reason = RejectReason(code: code, message: truncated)
        if reason == .other, let extra = response.rejectReason {
            reason = RejectReason.classify(message: extra)
        }
        self = .rejected(reason, message: truncated)
    }
}
