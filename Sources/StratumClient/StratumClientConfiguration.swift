import PoolSettings
import StratumProtocol

/// Everything the client needs. The password is never logged.
public struct StratumClientConfiguration: Sendable {
    /// Ordered failover list; the first is the primary.
    public var pools: [PoolConfiguration]
    /// The login sent in `mining.authorize` and as the worker in `mining.submit`.
    public var user: String
    public var password: String
    /// Sent in `mining.subscribe` and as the answer to `client.get_version`.
    public var userAgent: String
    /// Our label for this worker (logs); the pool sees `user`.
    public var workerName: String
    /// Connect, handshake, idle, job and submit timeouts, the reconnect backoff and when a
    /// connection counts as stable, the primary probe interval, the longest `client.reconnect`
    /// wait and the tick; each connection's session gets them whole.
    /// (Probing the primary replaces closing a backup blindly after a fixed time, which threw away
    /// its session, vardiff and unanswered shares: the client switches back only when a probe was
    /// authorized.)
    public var timers: ConnectionTimers
    /// Longest line accepted from the pool.
    public var maximumLineLength: Int
    /// The version-rolling mask we ask for in `mining.configure`.
    public var versionRollingMask: UInt32
    /// Shares still unanswered when a connection is lost are sent again on the next connection
    /// to the same pool if it resumes the session (same extranonce1); otherwise they are lost.
    public var resubmitPendingOnResume: Bool
    /// An automatic `mining.suggest_difficulty` is sent again only when the worker's value differs
    /// from the last one sent by at least this factor (default 2).
    public var suggestDifficultyMinimumChange: Double

    public init(pools: [PoolConfiguration], user: String, password: String = "x",
                userAgent: String = "swiftminer/0.1", workerName: String = "default",
                timers: ConnectionTimers = ConnectionTimers(), maximumLineLength: Int = LineFrameDecoder.defaultMaximumLineLength,
                versionRollingMask: UInt32 = ClientRequest.defaultVersionRollingMask,
                resubmitPendingOnResume: Bool = true, suggestDifficultyMinimumChange: Double = 2) {
        self.pools = pools
        self.user = user
        self.password = password
        self.userAgent = userAgent
        self.workerName = workerName
        self.timers = timers
        self.maximumLineLength = maximumLineLength
        self.versionRollingMask = versionRollingMask
        self.resubmitPendingOnResume = resubmitPendingOnResume
        self.suggestDifficultyMinimumChange = suggestDifficultyMinimumChange
    }
}
