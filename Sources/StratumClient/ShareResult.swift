import StratumProtocol

/// The outcome of one submit. A stale share is `.rejected(.stale, …)`.
public enum ShareResult: Sendable, Hashable {
    case accepted
    case rejected(RejectReason, message: String?)
    /// Never answered (timeout, connection closed) or never sent (old session): why.
    case lost(String)

    init(_ result: SubmitResult) {
        switch result {
        case .accepted: self = .accepted
        case .rejected(let reason, let message): self = .rejected(reason, message: message)
        }
    }
}
