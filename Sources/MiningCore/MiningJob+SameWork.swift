/// Whether two jobs make the same headers: everything that goes into a header is equal (the
/// notify's prevhash, coinbase parts, merkle branch, version, nbits, ntime; the extranonce1 and
/// extranonce2 size; the version mask; a pool-given merkle root). Job id, `clean_jobs` and difficulty may differ.
///
/// miningcore re-sends the current job, same id and contents, after every `mining.set_difficulty`
/// (its vardiff): that is the same work at a new target, not new work.
extension MiningJob {
    public func makesSameHeaders(as other: MiningJob) -> Bool {
        notify.prevHash == other.notify.prevHash && notify.coinbase1 == other.notify.coinbase1
            && notify.coinbase2 == other.notify.coinbase2 && notify.merkleBranch == other.notify.merkleBranch
            && notify.version == other.notify.version && notify.nbits == other.notify.nbits
            && notify.ntime == other.notify.ntime && extranonce1 == other.extranonce1
            && extranonce2Size == other.extranonce2Size && versionMask == other.versionMask
            && fixedMerkleRoot == other.fixedMerkleRoot
    }
}
