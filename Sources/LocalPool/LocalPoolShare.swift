/// One share the pool accepted.
public struct LocalPoolShare: Sendable, Hashable {
    public var session: LocalPoolSessionID
    public var worker: String
    public var jobID: String
    /// Hex as submitted (lower-cased).
    public var extranonce2: String
    public var ntime: UInt32
    public var nonce: UInt32
    /// The version bits submitted (nil when the submit had none).
    public var versionBits: UInt32?
    /// The difficulty of the job the share was judged against.
    public var difficulty: Double
    /// The difficulty the share's hash achieves.
    public var shareDifficulty: Double
    /// The block hash (display order).
    public var hash: String
    /// The hash also meets the job's nbits target (a block, on a real network).
    public var meetsNetworkTarget: Bool
}
