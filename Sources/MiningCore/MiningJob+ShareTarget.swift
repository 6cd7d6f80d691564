import StratumProtocol

extension MiningJob {
    /// A job whose share target is given exactly rather than as a difficulty: solo mining, where
    /// a share is worth submitting only when it is a block, so the share target is the network
    /// target itself (a difficulty round-trips through Double and could miss by a few units); and
    /// Stratum V2, whose pools send 256-bit targets.
    public init(notify: MiningNotify, extranonce1: [UInt8], extranonce2Size: Int, shareTarget: UInt256,
                versionMask: UInt32 = 0, fixedMerkleRoot: [UInt8]? = nil) throws(BuildError) {
        guard (0...Self.maxExtranonce2Size).contains(extranonce2Size) else {
            throw .invalidExtranonce2Size(extranonce2Size)
        }
        let difficulty = Difficulty.of(target: shareTarget)
        guard difficulty.isFinite, difficulty > 0 else { throw .invalidDifficulty(difficulty) }
        self.notify = notify
        self.extranonce1 = extranonce1
        self.extranonce2Size = extranonce2Size
        self.difficulty = difficulty
        self.shareTarget = shareTarget
        self.versionMask = versionMask
        self.networkTarget = CompactTarget(nbits: notify.nbits)
        self.fixedMerkleRoot = fixedMerkleRoot
    }
}
