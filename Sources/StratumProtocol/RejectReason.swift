/// Why a pool rejected a share, folded into a bounded set so a hostile pool cannot grow our maps.
public enum RejectReason: String, Sendable, Hashable, CaseIterable {
    /// 21 "job not found" / stale.
    case stale
    /// 22 duplicate share.
    case duplicate
    /// 23 low difficulty share / above target.
    case lowDifficulty = "low-difficulty"
    /// 24 unauthorized worker.
    case unauthorized
    /// 25 not subscribed.
    case notSubscribed = "not-subscribed"
    /// Anything else (20 "other/unknown", pool-specific codes and texts).
    case other

    /// Classifies by the pool's text when it names a known reason, otherwise by the Stratum error
    /// code when it is one of the known codes (21–25), otherwise `.other`.
    ///
    /// The text wins over a contradicting code: the codes are an informal convention that pools
    /// apply loosely (some answer every reject with 20 or 21, or send no code at all, e.g. ckpool's
    /// `reject-reason` field), while the text is the pool's own statement of the reason.
    public init(code: Int64?, message: String?) {
        if let message {
            let byText = Self.classify(message: message)
            if byText != .other {
                self = byText
                return
            }
        }
        switch code {
        case 21: self = .stale
        case 22: self = .duplicate
        case 23: self = .lowDifficulty
        case 24: self = .unauthorized
        case 25: self = .notSubscribed
        default: self = message.map(Self.classify(message:)) ?? .other
        }
    }

    /// Classifies a pool's free-text reason, case-insensitively: "Stale", "Invalid JobID" (ckpool),
    /// "Job not found" (public-pool, miningcore), "Duplicate", "Low difficulty share", "Above target"
    /// (ckpool), "high-hash" (bitcoind's block check, passed on by DATUM), "Unauthorized worker", ….
    public static func classify(message: String) -> RejectReason {
        let text = String(message.prefix(SubmitResult.maxMessageLength)).lowercased()
        if text.contains("stale") || text.contains("job not found") || text.contains("unknown job")
            || text.contains("job-not-found") || text.contains("invalid jobid") || text.contains("invalid job id")
            || text.contains("invalid job_id") || text.contains("jobid not found") {
            return .stale
        }
        if text.contains("duplicate") { return .duplicate }
        if text.contains("low difficulty") || text.contains("low-difficulty") || text.contains("low diff")
            || text.contains("above target") || text.contains("high-hash") || text.contains("difficulty too low") {
            return .lowDifficulty
        }
        if text.contains("unauthori") { return .unauthorized }
        if text.contains("not subscribed") { return .notSubscribed }
        return .other
    }
}
