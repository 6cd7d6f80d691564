/// A snapshot of the pool's counters.
public struct LocalPoolStats: Sendable, Hashable {
    public var accepted: Int
    public var rejected: Int
    public var rejectedByReason: [LocalPoolRejectReason: Int]
    /// Sessions, open ones and closed ones (closed ones keep their counters), by id.
    public var sessions: [LocalPoolSessionStats]
    /// Accepted shares in order (the most recent `LocalPool.maximumRecordedShares`).
    public var acceptedShares: [LocalPoolShare]
    public var currentJobID: String?
    public var jobsCreated: Int
    /// `mining.submit` lines dropped unanswered while `LocalPool.ignoreSubmits(true)` was on.
    public var ignoredSubmits: Int
    /// Submits judged (and counted) but left unanswered while `LocalPool.withholdSubmitAnswers(true)` was on.
    public var withheldAnswers: Int

    public init() {
        accepted = 0
        rejected = 0
        rejectedByReason = [:]
        sessions = []
        acceptedShares = []
        currentJobID = nil
        jobsCreated = 0
        ignoredSubmits = 0
        withheldAnswers = 0
    }
}
