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
    public var requestTimeout: Duration
    public var idleTimeout: Duration
    public var submitTimeout: Duration
    /// Close (`.noJob`) when no `mining.notify` arrived this long after authorization; nil: never.
    public var jobTimeout: Duration?
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
    /// The longest `client.reconnect` wait honoured; a longer one is cut to this.
    public var maximumReconnectWait: Duration

    public init(pool: PoolConfiguration, poolURL: String? = nil, user: String, password: String, userAgent: String,
                epoch: UInt64, previousSubscriptionID: String? = nil, previousExtranonce1: [UInt8]? = nil,
                requestTimeout: Duration = .seconds(15), idleTimeout: Duration = .seconds(300),
                submitTimeout: Duration = .seconds(30),
                versionRollingMask: UInt32 = ClientRequest.defaultVersionRollingMask, carryPendingShares: Bool = false,
                jobTimeout: Duration? = nil, suggestedDifficulty: Double? = nil,
                suggestDifficultyMinimumChange: Double = 2, maximumReconnectWait: Duration = .seconds(120)) {
        self.suggestedDifficulty = suggestedDifficulty
        self.suggestDifficultyMinimumChange = suggestDifficultyMinimumChange
        self.maximumReconnectWait = maximumReconnectWait
        self.jobTimeout = jobTimeout
        self.carryPendingShares = carryPendingShares
        self.pool = pool
        self.poolURL = poolURL ?? pool.url
        self.user = user
        self.password = password
        self.userAgent = userAgent
        self.epoch = epoch
        self.previousSubscriptionID = previousSubscriptionID
        self.previousExtranonce1 = previousExtranonce1
        self.requestTimeout = requestTimeout
        self.idleTimeout = idleTimeout
        self.submitTimeout = submitTimeout
        self.versionRollingMask = versionRollingMask
    }
}
