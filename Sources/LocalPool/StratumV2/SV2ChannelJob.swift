import MiningCore
import StratumProtocol

/// A job as one channel received it (NewMiningJob §5.3.15 or NewExtendedMiningJob §5.3.16): the
/// template and the `MiningJob` that rebuilds this channel's headers from it, with the shares
/// already accepted for it.
struct SV2ChannelJob: Sendable {
    /// A share's identity within the job: the header fields the client chose.
    struct ShareKey: Hashable, Sendable {
        var extranonce: [UInt8]
        var ntime: UInt32
        var nonce: UInt32
        var version: UInt32
    }

    let jobID: UInt32
    let template: LocalPoolJob
    /// coinb1 ‖ extranonce_prefix ‖ extranonce ‖ coinb2 around this channel's prefix; the version mask
    /// is all ones, so `evaluate`'s `versionBits` is the share's full nVersion (§5.3.11 "Full nVersion
    /// field"), checked against the job's version separately.
    let miningJob: MiningJob
    /// The smallest ntime a share may have: the job's min_ntime, or for a future job the min_ntime of
    /// the SetNewPrevHash that activated it (both are the template's ntime here).
    let minNTime: UInt32
    var accepted: Set<ShareKey> = []

    /// Binds `template` to a channel's extranonce: `extranoncePrefix` the pool's part, `extranonceSize`
    /// the bytes the client adds (0 for a standard channel).
    init(jobID: UInt32, template: LocalPoolJob, extranoncePrefix: [UInt8], extranonceSize: Int) throws(MiningJob.BuildError) {
        self.jobID = jobID
        self.template = template
        var notify = template.notify(extranonce1Size: extranoncePrefix.count, extranonce2Size: extranonceSize)
        notify.jobID = String(jobID)
        miningJob = try MiningJob(notify: notify, extranonce1: extranoncePrefix, extranonce2Size: extranonceSize,
                                  shareTarget: .max, versionMask: 0xffff_ffff)
        minNTime = template.ntime
    }

    /// The block's generation (new with every SetNewPrevHash).
    var generation: Int { template.generation }

    /// For a standard channel: the merkle root of the header (§5.3.15 merkle_root), the coinbase
    /// holding the channel's whole extranonce.
    var standardMerkleRoot: [UInt8] { miningJob.merkleRoot(extranonce2: []) }
}
