import StratumProtocol

/// A share to send, tied to the session and job it was found for.
public struct ShareSubmission: Sendable, Hashable {
    public let jobID: String
    public let epoch: UInt64
    /// The `jobGeneration` of the job it was found for.
    public let jobGeneration: UInt64
    public let extranonce1: [UInt8]
    public let extranonce2: [UInt8]
    public let ntime: UInt32
    public let nonce: UInt32
    /// The rolled version bits (only sent when the session agreed a mask).
    public let versionBits: UInt32?

    public init(jobID: String, epoch: UInt64, jobGeneration: UInt64, extranonce1: [UInt8], extranonce2: [UInt8], ntime: UInt32, nonce: UInt32,
                versionBits: UInt32?) {
        self.jobID = jobID
        self.epoch = epoch
        self.jobGeneration = jobGeneration
        self.extranonce1 = extranonce1
        self.extranonce2 = extranonce2
        self.ntime = ntime
        self.nonce = nonce
        self.versionBits = versionBits
    }
}
