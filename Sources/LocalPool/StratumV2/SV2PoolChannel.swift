import MiningCore

/// One open mining channel (sv2-spec §5.2): its extranonce, target and the jobs it was sent.
struct SV2PoolChannel: Sendable {
    let id: UInt32
    let session: SV2PoolSessionID
    let kind: SV2PoolChannelKind
    let userIdentity: String
    /// The pool's part of the extranonce; for a standard channel the whole of it (§5.2.1).
    let extranoncePrefix: [UInt8]
    /// Bytes the client rolls after the prefix (OpenExtendedMiningChannel.Success extranonce_size;
    /// 0 for a standard channel).
    let extranonceSize: Int
    /// The target shares are judged at: the one of the Open*.Success or of the latest SetTarget.
    var target: UInt256
    /// The client's max_target (Open*Channel) or maximum_target (UpdateChannel): the target never
    /// goes above it (§5.3.2, §5.3.7).
    var maximumTarget: UInt256
    var nominalHashRate: Float
    var jobs: [UInt32: SV2ChannelJob] = [:]
    /// Job ids oldest first, for forgetting the oldest beyond the configured count.
    var jobOrder: [UInt32] = []
    var pendingSuccesses = SV2SuccessBatch()

    /// The difficulty of the current target (what an accepted share is worth).
    var targetDifficulty: Double { Difficulty.of(target: target) }
}
