import MiningCore
import StratumProtocol

/// One block template turned into work for the hashing engine: a `MiningJob` (the type the
/// engine already takes through `WorkTemplate`) whose share target is the network target, plus
/// what it takes to turn a found nonce back into the full block for `submitblock`.
public struct SoloJob: Sendable {
    public let template: BlockTemplate
    public let coinbase: SoloCoinbase
    public let job: MiningJob

    /// BIP 320 reserves version bits 13–28 (mask 0x1fffe000) for general use such as rolling.
    public static let bip320Mask: UInt32 = 0x1fff_e000

    /// - Parameters:
    ///   - jobID: any id the caller uses to find this job again (the engine carries it in candidates).
    ///   - extranonce1: this work unit's distinct bytes (one value per daemon worker / instance).
    ///   - extranonce2Size: bytes the engine counts in (distinct per thread).
    ///   - allowVersionRolling: roll inside the BIP 320 mask when the template's version is a
    ///     BIP 9 version (top bits 001), leaving alone every bit the template sets and every bit a
    ///     deployment in `vbavailable` uses.
    ///   - ntime: the header time; defaults to the template's `curtime` raised to `mintime`.
    public init(template: BlockTemplate, payoutScript: [UInt8], jobID: String, extranonce1: [UInt8],
                extranonce2Size: Int = 8, allowVersionRolling: Bool = true, ntime: UInt32? = nil) throws(SoloWorkError) {
        let time = ntime ?? max(template.curTime, template.minTime)
        guard template.timeRange.contains(time) else {
            throw .invalidTemplate("ntime \(time) outside \(template.timeRange)")
        }
        let coinbase = try SoloCoinbase(template: template, payoutScript: payoutScript, extranonce1: extranonce1,
                                        extranonce2Size: extranonce2Size)
        // The coinbase is leaf 0; its sibling path does not depend on it.
        let leaves = [[UInt8](repeating: 0, count: 32)] + template.transactions.map(\.txid)
        let notify = MiningNotify(jobID: jobID, prevHash: template.previousBlockHash, coinbase1: coinbase.coinbase1,
                                  coinbase2: coinbase.coinbase2, merkleBranch: Merkle.coinbaseBranch(leaves: leaves),
                                  version: template.version, nbits: template.bits, ntime: time, cleanJobs: true)
        var mask: UInt32 = 0
        if allowVersionRolling && template.version >> 29 == 0b001 {
            mask = Self.bip320Mask & ~template.version
            for bit in template.versionBitsAvailable.values { mask &= ~(UInt32(1) << UInt32(bit)) }
        }
        do {
            job = try MiningJob(notify: notify, extranonce1: extranonce1, extranonce2Size: extranonce2Size,
                                shareTarget: template.networkTarget.target, versionMask: mask)
        } catch {
            throw .invalidTemplate("\(error)")
        }
        self.template = template
        self.coinbase = coinbase
    }

    /// The full block for a header found with this job (the coinbase with its witness, then every
    /// template transaction byte for byte).
    public func block(extranonce2: [UInt8], header: BlockHeader) -> [UInt8] {
        BitcoinBlock.serialize(header: header, coinbase: coinbase.transaction(extranonce2: extranonce2).serialized(),
                               transactions: template.transactions.map(\.data))
    }

    /// The full block for an engine candidate of this job; nil unless it meets the network target
    /// (the engine's re-check decides, not the kernel).
    public func block(for candidate: ShareCandidate) -> [UInt8]? {
        guard candidate.isBlockCandidate, candidate.extranonce1 == job.extranonce1 else { return nil }
        return block(extranonce2: candidate.extranonce2, header: candidate.evaluation.header)
    }
}
