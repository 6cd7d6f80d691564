import StratumProtocol

/// Why a session ended (the failover policy looks at it).
public enum SessionCloseReason: Sendable, Hashable, CustomStringConvertible {
    /// The transport closed or failed under us.
    case connectionLost(String)
    /// `mining.subscribe` / `mining.authorize` was not answered in time.
    case requestTimeout(method: String)
    /// Nothing arrived for the idle timeout.
    case idleTimeout
    /// Authorized, but no `mining.notify` arrived within the job timeout (notify starvation).
    case noJob(after: Duration)
    case subscribeFailed(String)
    case authorizationFailed(String)
    /// The pool sent `client.reconnect`.
    case reconnectRequested
    /// A non-primary pool was stable long enough: go back to the primary.
    case returnToPrimary
    /// The pool broke the protocol beyond repair (for example an over-long line).
    case protocolViolation(String)
    /// We were asked to stop.
    case shutdown

    /// Whether shares still unanswered when the session ends this way may be sent again on the
    /// next session (if it resumes): not when we chose to leave the pool or it refused us.
    public var allowsResubmission: Bool {
        switch self {
        case .connectionLost, .requestTimeout, .idleTimeout, .noJob, .reconnectRequested, .protocolViolation: true
        case .subscribeFailed, .authorizationFailed, .returnToPrimary, .shutdown: false
        }
    }

    public var description: String {
        switch self {
        case .connectionLost(let why): "connection lost: \(why)"
        case .requestTimeout(let method): "no answer to \(method) in time"
        case .idleTimeout: "idle timeout"
        case .noJob(let after): "no mining.notify within \(after) of authorization"
        case .subscribeFailed(let why): "subscribe failed: \(why)"
        case .authorizationFailed(let why): "authorization failed: \(why)"
        case .reconnectRequested: "pool requested reconnect"
        case .returnToPrimary: "returning to the primary pool"
        case .protocolViolation(let why): "protocol violation: \(why)"
        case .shutdown: "shutdown"
        }
    }
}

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
    /// Set on a non-primary pool: close with `.returnToPrimary` after being authorized this long.
    public var returnToPrimaryAfter: Duration?
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
                submitTimeout: Duration = .seconds(30), returnToPrimaryAfter: Duration? = nil,
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
        self.returnToPrimaryAfter = returnToPrimaryAfter
        self.versionRollingMask = versionRollingMask
    }
}

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
