import StratumProtocol

/// A job from the upstream pool with the session values it was issued under: what `ProxyCore`
/// hands on to the miners (the network layer makes it from the client's `JobAssignment`).
public struct UpstreamJob: Sendable, Hashable {
    public let notify: MiningNotify
    /// The upstream connection it came on: shares carry it back.
    public let epoch: UInt64
    /// The upstream session's clean-job count when it came: shares carry it back.
    public let jobGeneration: UInt64
    public let extranonce1: [UInt8]
    public let extranonce2Size: Int
    /// The upstream difficulty in force for this job: only shares meeting it are forwarded.
    public let difficulty: Double
    /// The upstream version-rolling mask (nil: none agreed).
    public let versionMask: UInt32?
    /// Every earlier job is stale (clean_jobs, a new prevhash, a new session or extranonce).
    public let isClean: Bool
    public let poolURL: String

    public init(notify: MiningNotify, epoch: UInt64, jobGeneration: UInt64, extranonce1: [UInt8], extranonce2Size: Int,
                difficulty: Double, versionMask: UInt32?, isClean: Bool, poolURL: String) {
        self.notify = notify
        self.epoch = epoch
        self.jobGeneration = jobGeneration
        self.extranonce1 = extranonce1
        self.extranonce2Size = extranonce2Size
        self.difficulty = difficulty
        self.versionMask = versionMask
        self.isClean = isClean
        self.poolURL = poolURL
    }
}
