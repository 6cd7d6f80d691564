import PoolSettings
import StratumProtocol

/// Everything one connection's session needs to know: the client's configuration, whole (login,
/// timers, version-rolling mask, carrying of unanswered shares, suggestion factor), and what is
/// this connection's own. Sendable: built before connecting.
public struct StratumSessionConfiguration: Sendable {
    public var pool: PoolConfiguration
    public var poolURL: String
    /// The client's configuration. The session uses its `user`, `password`, `userAgent`,
    /// `versionRollingMask`, `suggestDifficultyMinimumChange`, `resubmitPendingOnResume` (when the
    /// connection ends with shares still unanswered and the reason allows it, hand them back with
    /// `.carry` instead of resolving them lost, and take `.resubmit` shares to send again once
    /// this session is resumed and authorized) and `timers`: `subscribeTimeout` for every request
    /// of the handshake, `idleTimeout`, `submitTimeout`, `jobTimeout` (close with `.noJob` when no
    /// `mining.notify` arrived this long after authorization; nil: never) and `maximumReconnectWait`.
    public var client: StratumClientConfiguration
    /// This connection's number (`JobAssignment.epoch`).
    public var epoch: UInt64
    /// The previous session's `mining.notify` subscription id, sent to resume it.
    public var previousSubscriptionID: String?
    /// The previous session's extranonce1 (to tell whether the pool resumed it).
    public var previousExtranonce1: [UInt8]?
    /// The `.auto` suggested difficulty known from earlier sessions: sent after this session's
    /// authorize answer (nil: none yet).
    public var suggestedDifficulty: Double?

    public init(pool: PoolConfiguration, poolURL: String? = nil, client: StratumClientConfiguration, epoch: UInt64,
                previousSubscriptionID: String? = nil, previousExtranonce1: [UInt8]? = nil, suggestedDifficulty: Double? = nil) {
        self.pool = pool
        self.poolURL = poolURL ?? pool.url
        self.client = client
        self.epoch = epoch
        self.previousSubscriptionID = previousSubscriptionID
        self.previousExtranonce1 = previousExtranonce1
        self.suggestedDifficulty = suggestedDifficulty
    }
}
