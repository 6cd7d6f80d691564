/// Things that happen in the pool, in order, for tests and for `swiftminer demo`.
public enum LocalPoolEvent: Sendable, Hashable {
    case sessionOpened(session: LocalPoolSessionID, remote: String)
    case subscribed(session: LocalPoolSessionID, extranonce1: String, extranonce2Size: Int, userAgent: String?, resumed: Bool)
    case versionRollingConfigured(session: LocalPoolSessionID, mask: UInt32?)
    case authorized(session: LocalPoolSessionID, worker: String, accepted: Bool)
    case difficultySent(session: LocalPoolSessionID, difficulty: Double)
    case jobSent(session: LocalPoolSessionID, jobID: String, clean: Bool)
    case shareAccepted(LocalPoolShare)
    case shareRejected(LocalPoolRejection)
    /// A line that was not a valid JSON-RPC request (malformed JSON, wrong shape, unknown method).
    case invalidRequest(session: LocalPoolSessionID, reason: String)
    case sessionClosed(session: LocalPoolSessionID)
}
