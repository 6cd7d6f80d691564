/// A downstream share that also meets the upstream difficulty, as it goes to the pool: the
/// downstream's extranonce2 behind its prefix, under the upstream job's id and session. The
/// network layer submits it on the upstream client and reports the verdict back with `token`.
public struct ForwardedShare: Sendable, Hashable {
    public let token: UInt64
    public let downstream: DownstreamID
    public let jobID: String
    public let epoch: UInt64
    public let jobGeneration: UInt64
    public let extranonce1: [UInt8]
    /// prefix ‖ the miner's extranonce2.
    public let extranonce2: [UInt8]
    public let ntime: UInt32
    public let nonce: UInt32
    public let versionBits: UInt32?
}
