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

    public init(notify: MiningNotify, epoch: UInt64, extranonce1: [UInt8], extranonce2Size: Int, difficulty: Double,
                versionMask: UInt32?, isClean: Bool, poolURL: String) {
        self.notify = notify
        self.epoch = epoch
        self.extranonce1 = extranonce1
        self.extranonce2Size = extranonce2Size
        self.difficulty = difficulty
        self.versionMask = versionMask
        self.isClean = isClean
        self.poolURL = poolURL
    }
}

/// A share to send, tied to the session and job it was found for.
public struct ShareSubmission: Sendable, Hashable {
    public let jobID: String
    public let epoch: UInt64
    public let extranonce1: [UInt8]
    public let extranonce2: [UInt8]
    public let ntime: UInt32
    public let nonce: UInt32
    /// The rolled version bits (only sent when the session agreed a mask).
    public let versionBits: UInt32?

    public init(jobID: String, epoch: UInt64, extranonce1: [UInt8], extranonce2: [UInt8], ntime: UInt32, nonce: UInt32,
                versionBits: UInt32?) {
        self.jobID = jobID
        self.epoch = epoch
        self.extranonce1 = extranonce1
        self.extranonce2 = extranonce2
        self.ntime = ntime
        self.nonce = nonce
        self.versionBits = versionBits
    }
}

/// The outcome of one submit. A stale share is `.rejected(.stale, …)`.
public enum ShareResult: Sendable, Hashable {
    case accepted
    case rejected(RejectReason, message: String?)
    /// Never answered (timeout, connection closed) or never sent (old session): why.
    case lost(String)

    init(_ result: SubmitResult) {
        switch result {
        case .accepted: self = .accepted
        case .rejected(let reason, let message): self = .rejected(reason, message: message)
        }
    }
}

/// What the client reports, in order, through `StratumClient.events`.
public enum StratumClientEvent: Sendable, Hashable {
    case connecting(url: String, attempt: Int)
    case connected(url: String)
    case subscribed(url: String, extranonce1: [UInt8], extranonce2Size: Int, resumed: Bool)
    case authorized(worker: String)
    case authorizationFailed(worker: String, reason: String)
    /// The agreed mask (nil: refused). Applies at once to the current job.
    case versionRollingMask(UInt32?)
    case difficulty(Double)
    case job(JobAssignment)
    case disconnected(url: String, reason: String)
    case poolMessage(String)
    /// Shares left unanswered by the previous connection were sent again on this resumed session.
    case sharesResubmitted(count: Int)
    case protocolError(String)
}
