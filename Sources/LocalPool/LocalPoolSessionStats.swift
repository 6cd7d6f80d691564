/// Identifies one TCP connection to the pool (unique for the pool's lifetime).
public typealias LocalPoolSessionID = UInt64

/// Per-session counters in a `LocalPoolStats` snapshot.
public struct LocalPoolSessionStats: Sendable, Hashable {
    public var session: LocalPoolSessionID
    public var remote: String
    public var connected: Bool
    public var subscribed: Bool
    public var extranonce1: String?
    public var extranonce2Size: Int
    public var userAgent: String?
    public var authorizedWorkers: [String]
    public var difficulty: Double
    public var versionRollingMask: UInt32?
    public var accepted: Int
    public var rejected: Int
    public var rejectedByReason: [LocalPoolRejectReason: Int]
}
