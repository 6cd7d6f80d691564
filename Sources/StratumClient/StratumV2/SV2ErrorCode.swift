import StratumProtocol

/// Stratum V2's error codes (sv2-spec §5.3.13 SubmitShares.Error and friends) in the reject
/// reasons the rest of the daemon counts, so v1 and v2 pools fill the same statistics.
public enum SV2ErrorCode {
    /// The reject reason for a SubmitShares.Error code: `stale-share` and `invalid-job-id` (a job
    /// the pool no longer knows, as v1 pools' "job not found") are stale, `difficulty-too-low` is
    /// low difficulty, `duplicate-share` a duplicate, `invalid-channel-id` not subscribed; any other
    /// code is classified by its words, as a v1 pool's text is.
    public static func rejectReason(_ code: String) -> RejectReason {
        switch code.lowercased() {
        case "stale-share", "invalid-job-id": .stale
        case "difficulty-too-low": .lowDifficulty
        case "duplicate-share": .duplicate
        case "invalid-channel-id": .notSubscribed
        case "unauthorized", "unknown-user": .unauthorized
        default: RejectReason(code: nil, message: code)
        }
    }
}
