import StratumProtocol

/// A job as the worker core needs it: the validated notify plus the session values it was
/// issued under.
public struct JobAssignment: Sendable, Hashable {
    public let notify: MiningNotify
    /// Connection counter: shares carry it back so a share from an old session is never sent.
    public let epoch: UInt64
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

    public init(notify: MiningNotify, epoch: UInt64, extranonce1: [UInt8], extranonce2Size: Int, difficulty: Double,
                versionMask: UInt32?, isClean: Bool, poolURL: String, receivedAt: ContinuousClock.Instant? = nil) {
        self.notify = notify
        self.epoch = epoch
        self.extranonce1 = extranonce1
        self.extranonce2Size = extranonce2Size
        self.difficulty = difficulty
        self.versionMask = versionMask
        self.isClean = isClean
        self.poolURL = poolURL
        self.receivedAt = receivedAt
    }
}
