import StratumProtocol

/// A submitted share whose connection ended before the pool answered it. The client keeps it for
/// the next session of the same pool: sent again there if that session resumes the subscription
/// (same extranonce1), resolved lost otherwise, or when `deadline` passes first.
public struct CarriedShare: Sendable, Hashable {
    /// The waiter's token: the share is resolved exactly once, whichever session answers.
    public let token: UInt64
    public let share: ShareSubmission
    /// Given up (lost) after this; nil until the client first carries it.
    public var deadline: ContinuousClock.Instant?

    public init(token: UInt64, share: ShareSubmission, deadline: ContinuousClock.Instant? = nil) {
        self.token = token
        self.share = share
        self.deadline = deadline
    }
}
