import MiningCore
import StratumProtocol

/// One miner connection's whole state inside `ProxyCore`.
struct DownstreamSession {
    /// A share's identity within a job: the header fields the miner chose.
    struct ShareKey: Hashable {
        var extranonce2: [UInt8]
        var ntime: UInt32
        var nonce: UInt32
        var versionBits: UInt32
    }

    /// A job as this miner received it: the upstream job, under our id, at this miner's difficulty.
    struct SentJob {
        let upstream: UpstreamJobRecord
        let difficulty: Double
        /// Built on the first submit for the job (most jobs are never submitted to).
        var judge: MiningJob?
        var accepted: Set<ShareKey> = []
    }

    let id: DownstreamID
    let address: String
    let connectedAt: Double
    var lastActivity: Double
    var subscribed = false
    /// The request id of a `mining.subscribe` waiting for an upstream session.
    var pendingSubscribe: JSONValue?
    var authorizedUser: String?
    var userAgent: String?
    var extranonceSubscribed = false
    var prefix: [UInt8]?
    /// The extranonce this miner was last told (upstream extranonce1 ‖ prefix, size).
    var extranonce1: [UInt8] = []
    var extranonce2Size = 0
    /// The mask the miner asked for in `mining.configure` (nil: not asked) and the one granted.
    var requestedVersionMask: UInt32?
    var grantedVersionMask: UInt32?
    var suggestedDifficulty: Double?
    var difficulty: Double
    var vardiff: DownstreamVardiff
    var limiter: SubmitRateLimiter
    var jobs: [String: SentJob] = [:]
    var jobOrder: [String] = []
    /// Set once subscribed and authorized: from then on it gets difficulty and jobs.
    var ready = false
    var invalidLines = 0
    var statistics = DownstreamStatistics()
    var rates = ShareRateWindows()

    /// `job` was sent under `jobID` at the current difficulty; only the newest `retaining` jobs are kept.
    mutating func remember(_ job: UpstreamJobRecord, jobID: String, retaining: Int) {
        if jobs[jobID] == nil { jobOrder.append(jobID) }
        jobs[jobID] = SentJob(upstream: job, difficulty: difficulty)
        while jobOrder.count > retaining { jobs[jobOrder.removeFirst()] = nil }
    }
}

/// A downstream's counters. "accepted" is the pool's word only.
public struct DownstreamStatistics: Sendable, Hashable {
    /// Forwarded and accepted by the pool.
    public var acceptedByPool = 0
    /// Valid at the downstream difficulty, below the upstream one: answered true by the proxy.
    public var validLocally = 0
    /// Refused, by the proxy or by the pool, by reason ("stale" included).
    public var rejectedByReason: [RejectReason: Int] = [:]
    /// Of the rejected, those the pool refused.
    public var rejectedByPool = 0
    /// Forwarded and never answered.
    public var lost = 0
    /// Submits refused for the connection's submit-rate cap.
    public var rateLimited = 0
    public var invalidLines = 0
    public var lastShareAt: Double?
    /// Σ difficulty of every valid share (local or pool-accepted).
    public var validDifficultySum = 0.0

    public init() {}

    public var rejected: Int { rejectedByReason.values.reduce(0, +) }
    public var stale: Int { rejectedByReason[.stale] ?? 0 }
}

/// An upstream job as the proxy keeps it: the pool's values and our id for it.
struct UpstreamJobRecord {
    let job: UpstreamJob
    /// Our job id towards the miners (the pool's ids are not reused: a retarget re-sends a job under a new id).
    let downstreamJobID: String
    /// The proxy's count of clean upstream jobs when it came.
    let generation: UInt64
}
