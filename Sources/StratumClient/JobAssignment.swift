import MiningCore
import StratumProtocol

/// A job as the worker core needs it: the validated notify plus the session values it was
/// issued under.
public struct JobAssignment: Sendable, Hashable {
    public let notify: MiningNotify
    /// Connection counter: shares carry it back so a share from an old session is never sent.
    public let epoch: UInt64
    /// The session's count of clean jobs when this one came (see `StratumSession.jobGeneration`);
    /// shares carry it back. 0 for work that no Stratum session issued.
    public let jobGeneration: UInt64
    public let extranonce1: [UInt8]
    public let extranonce2Size: Int
    /// The difficulty in force when the job arrived.
    public let difficulty: Double
    /// The agreed version-rolling mask; nil when rolling was refused or not negotiated.
    public let versionMask: UInt32?
    /// Drop all earlier work: `clean_jobs`, a new prevhash, or the first job of a session.
    public let isClean: Bool
    public let poolURL: String
    /// When the notify's line was read from the socket (nil when not known): the start of the
    /// job-switch latency (notify read to every hashing thread on the new work).
    public let receivedAt: ContinuousClock.Instant?
    /// An exact share target, which then replaces the one `difficulty` implies: solo work, whose
    /// share target is the network target itself, and Stratum V2 pools, which send targets. nil
    /// for Stratum v1 pool jobs.
    public let shareTarget: UInt256?
    /// The header's merkle root when the pool gave it (a Stratum V2 standard channel); nil when the
    /// worker builds it from the coinbase.
    public let fixedMerkleRoot: [UInt8]?

    public init(notify: MiningNotify, epoch: UInt64, jobGeneration: UInt64 = 0, extranonce1: [UInt8], extranonce2Size: Int, difficulty: Double,
                versionMask: UInt32?, isClean: Bool, poolURL: String, receivedAt: ContinuousClock.Instant? = nil,
                shareTarget: UInt256? = nil, fixedMerkleRoot: [UInt8]? = nil) {
        self.shareTarget = shareTarget
        self.fixedMerkleRoot = fixedMerkleRoot
        self.notify = notify
        self.epoch = epoch
        self.jobGeneration = jobGeneration
        self.extranonce1 = extranonce1
        self.extranonce2Size = extranonce2Size
        self.difficulty = difficulty
        self.versionMask = versionMask
        self.isClean = isClean
        self.poolURL = poolURL
        self.receivedAt = receivedAt
    }
}
