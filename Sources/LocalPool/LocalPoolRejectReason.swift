/// Why the pool rejected a share (and the Stratum error code it answered with).
public enum LocalPoolRejectReason: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// 21: the job id was never sent to this session, or it is too old to be kept.
    case jobNotFound = "job-not-found"
    /// 21: the job was replaced by a clean job (new prevhash).
    case staleJob = "stale"
    /// 22: the same (job, extranonce2, ntime, nonce, version bits) was already accepted.
    case duplicate
    /// 23: the header hash is above the share target of the job.
    case lowDifficulty = "low-difficulty"
    /// 24: the worker was not authorized on this session.
    case unauthorized
    /// 25: `mining.submit` before `mining.subscribe`.
    case notSubscribed = "not-subscribed"
    /// 20: malformed params (field lengths, hex, ntime range, version bits).
    case invalid

    /// The Stratum error code sent for this reason.
    public var code: Int {
        switch self {
        case .jobNotFound, .staleJob: 21
        case .duplicate: 22
        case .lowDifficulty: 23
        case .unauthorized: 24
        case .notSubscribed: 25
        case .invalid: 20
        }
    }

    public var description: String { rawValue }
}
