import StratumProtocol

/// One `mining.notify` bound to the session it arrived on: everything needed to build headers
/// and to judge shares for it (its extranonce1, extranonce2 size, difficulty and version mask).
public struct MiningJob: Sendable, Hashable {
    public let notify: MiningNotify
    public let extranonce1: [UInt8]
    public let extranonce2Size: Int
    /// The difficulty in force when the job arrived: shares for it are judged against it.
    public let difficulty: Double
    public let shareTarget: UInt256
    /// The version-rolling mask the pool granted (0: no rolling).
    public let versionMask: UInt32
    public let networkTarget: CompactTarget
    /// The header's merkle root as the pool gave it (a Stratum V2 standard channel: header-only
    /// mining, no coinbase to build); nil when it is built from the coinbase and the branch.
    public let fixedMerkleRoot: [UInt8]?

    public enum BuildError: Error, Equatable, CustomStringConvertible {
        case invalidDifficulty(Double)
        case invalidExtranonce2Size(Int)
        public var description: String {
            switch self {
            case .invalidDifficulty(let d): "difficulty \(d) is not a positive finite number"
            case .invalidExtranonce2Size(let n): "extranonce2_size \(n) is outside 0...\(MiningJob.maxExtranonce2Size)"
            }
        }
    }

    /// Extranonce2 sizes a pool may ask for; 0 leaves only the nonce (and version bits) to roll.
    public static let maxExtranonce2Size = 16

    public init(notify: MiningNotify, extranonce1: [UInt8], extranonce2Size: Int, difficulty: Double,
                versionMask: UInt32 = 0, fixedMerkleRoot: [UInt8]? = nil) throws(BuildError) {
        guard let target = Difficulty.target(for: difficulty) else { throw .invalidDifficulty(difficulty) }
        guard (0...Self.maxExtranonce2Size).contains(extranonce2Size) else {
            throw .invalidExtranonce2Size(extranonce2Size)
        }
        self.notify = notify
        self.extranonce1 = extranonce1
        self.extranonce2Size = extranonce2Size
        self.difficulty = difficulty
        self.shareTarget = target
        self.versionMask = versionMask
        self.networkTarget = CompactTarget(nbits: notify.nbits)
        self.fixedMerkleRoot = fixedMerkleRoot
    }

    public var jobID: String { notify.jobID }

    /// coinb1 ‖ extranonce1 ‖ extranonce2 ‖ coinb2 (the non-witness coinbase serialization).
    public func coinbase(extranonce2: [UInt8]) -> [UInt8] {
        notify.coinbase1 + extranonce1 + extranonce2 + notify.coinbase2
    }

    public func merkleRoot(extranonce2: [UInt8]) -> [UInt8] {
        if let fixedMerkleRoot { return fixedMerkleRoot }
        return Merkle.root(coinbaseHash: SHA256.hashTwice(coinbase(extranonce2: extranonce2)), branch: notify.merkleBranch)
    }

    /// The header version for rolled bits (the job's version when `versionBits` is nil).
    public func headerVersion(versionBits: UInt32?) -> UInt32 {
        guard let bits = versionBits else { return notify.version }
        return VersionRolling.apply(version: notify.version, bits: bits, mask: versionMask)
    }

    public func header(extranonce2: [UInt8], ntime: UInt32? = nil, nonce: UInt32, versionBits: UInt32? = nil) -> BlockHeader {
        BlockHeader(version: headerVersion(versionBits: versionBits), prevHash: notify.prevHash,
                    merkleRoot: merkleRoot(extranonce2: extranonce2), ntime: ntime ?? notify.ntime,
                    nbits: notify.nbits, nonce: nonce)
    }

    /// Kernel input for one (extranonce2, version bits) combination.
    public func kernelWork(extranonce2: [UInt8], ntime: UInt32? = nil, versionBits: UInt32? = nil) -> KernelWork {
        KernelWork(header: header(extranonce2: extranonce2, ntime: ntime, nonce: 0, versionBits: versionBits).bytes,
                   target: shareTarget)
    }

    /// Rebuilds the header of a share and judges it: the check every candidate passes before
    /// it is submitted, and the check LocalPool makes on every submission.
    public func evaluate(extranonce2: [UInt8], ntime: UInt32, nonce: UInt32, versionBits: UInt32?) -> ShareEvaluation {
        let header = header(extranonce2: extranonce2, ntime: ntime, nonce: nonce, versionBits: versionBits)
        let digest = header.hash
        let value = UInt256(littleEndianBytes: digest)!
        return ShareEvaluation(header: header, digest: digest, hashValue: value,
                               shareDifficulty: Difficulty.of(hash: value),
                               meetsShareTarget: value <= shareTarget,
                               meetsNetworkTarget: networkTarget.isMet(by: value))
    }
}

/// What rebuilding a share's header tells about it.
public struct ShareEvaluation: Sendable, Hashable {
    public let header: BlockHeader
    /// sha256d of the header as produced (internal order).
    public let digest: [UInt8]
    public let hashValue: UInt256
    public let shareDifficulty: Double
    public let meetsShareTarget: Bool
    public let meetsNetworkTarget: Bool

    /// The hash as explorers print it.
    public var displayHash: String { Hex.encode(digest.reversed()) }
}
