import StratumProtocol

/// A nonce the engine found for a work template, with everything needed to submit it and the
/// result of re-checking it against the job outside the hot loop.
public struct ShareCandidate: Sendable, Hashable {
    public let jobID: String
    /// The connection epoch and extranonce1 the job was built for: a candidate is never sent on
    /// another session.
    public let epoch: UInt64
    public let extranonce1: [UInt8]
    public let extranonce2: [UInt8]
    public let ntime: UInt32
    public let nonce: UInt32
    /// Rolled version bits (nil when the job is not version-rolled).
    public let versionBits: UInt32?
    /// The engine generation that produced it.
    public let generation: UInt64
    /// The difficulty the job's share target stands for.
    public let targetDifficulty: Double
    public let evaluation: ShareEvaluation

    public init(jobID: String, epoch: UInt64, extranonce1: [UInt8], extranonce2: [UInt8], ntime: UInt32, nonce: UInt32,
                versionBits: UInt32?, generation: UInt64, targetDifficulty: Double, evaluation: ShareEvaluation) {
        self.jobID = jobID
        self.epoch = epoch
        self.extranonce1 = extranonce1
        self.extranonce2 = extranonce2
        self.ntime = ntime
        self.nonce = nonce
        self.versionBits = versionBits
        self.generation = generation
        self.targetDifficulty = targetDifficulty
        self.evaluation = evaluation
    }

    public var shareDifficulty: Double { evaluation.shareDifficulty }
    public var isBlockCandidate: Bool { evaluation.meetsNetworkTarget }
    public var extranonce2Hex: String { Hex.encode(extranonce2) }
}
