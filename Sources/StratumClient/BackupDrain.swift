/// After switching back to the primary: when the backup's connection may be closed. Its shares
/// already sent get their answers first (nothing is thrown away); the wait is bounded by the
/// submit timeout, after which the backup session has resolved every unanswered share as lost
/// itself. Pure: the caller passes the time and the number of submits still pending.
public struct BackupDrain: Sendable, Hashable {
    public typealias Instant = ContinuousClock.Instant

    public let switchedAt: Instant
    /// Kept open at least this long, for shares found on a backup job just before the switch
    /// that reach the client after it (they are sent on the backup, where their job is valid).
    public let grace: Duration
    /// Closed at this time whatever is still pending.
    public let deadline: Instant

    public init(switchedAt: Instant, submitTimeout: Duration, grace: Duration) {
        self.switchedAt = switchedAt
        self.grace = max(grace, .zero)
        self.deadline = switchedAt + max(submitTimeout, .zero) + self.grace
    }

    /// Whether the backup connection may be closed now.
    public func isDone(pendingSubmits: Int, now: Instant) -> Bool {
        if now >= deadline { return true }
        return pendingSubmits == 0 && now >= switchedAt + grace
    }
}
