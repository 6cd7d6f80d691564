import PoolSettings
import StratumProtocol

/// Everything one connection's session needs to know. Sendable: built before connecting.
public struct StratumSessionConfiguration: Sendable {
    public var pool: PoolConfiguration
    public var poolURL: String
    public var user: String
    public var password: String
    public var userAgent: String
    /// This connection's number (`JobAssignment.epoch`).
    public var epoch: UInt64
    /// The previous session's `mining.notify` subscription id, sent to resume it.
    public var previousSubscriptionID: String?
    /// The previous session's extranonce1 (to tell whether the pool resumed it).
    public var previousExtranonce1: [UInt8]?
    /// The client's timers, whole. The session uses `subscribeTimeout` for every request of the
    /// handshake, `idleTimeout`, `submitTimeout`, `jobTimeout` (close with `.noJob` when no
    /// `mining.notify` arrived this long after authorization; nil: never) and
    /// `maximumReconnectWait` (the longest `client.reconnect` wait honoured).
    public var timers: ConnectionTimers
    public var versionRollingMask: UInt32
    /// When the connection ends with shares still unanswered (and the reason allows it), hand
    /// them back with `.carry` instead of resolving them lost, and take `.resubmit` shares to send
    /// again once this session is resumed and authorized.
    public var carryPendingShares: Bool
    /// The `.auto` suggested difficulty known from earlier sessions: sent after this session's
    /// authorize answer (nil: none yet).
    public var suggestedDifficulty: Double?
    /// An `.auto` suggestion is sent again only when it differs from the last one sent by at least
    /// this factor (either way).
    public var suggestDifficultyMinimumChange: Double

    public init(pool: PoolConfiguration, poolURL: String? = nil, user: String, password: String, userAgent: String,
                epoch: UInt64, previousSubscriptionID: String? = nil, previousExtranonce1: [UInt8]? = nil,
                timers: ConnectionTimers = ConnectionTimers(),
                versionRollingMask: UInt32 = ClientRequest.defaultVersionRollingMask, carryPendingShares: Bool = false,
                suggestedDifficulty: Double? = nil, suggestDifficultyMinimumChange: Double = 2) {
        self.pool = pool
        self.poolURL = poolURL ?? pool.url
        self.user = user
        self.password = password
        self.userAgent = userAgent
        self.epoch = epoch
        self.previousSubscriptionID = previousSubscriptionID
        self.previousExtranonce1 = previousExtranonce1
        self.timers = timers
        self.versionRollingMask = versionRollingMask
        self.carryPendingShares = carryPendingShares
        self.suggestedDifficulty = suggestedDifficulty
        self.suggestDifficultyMinimumChange = suggestDifficultyMinimumChange
    }
}
