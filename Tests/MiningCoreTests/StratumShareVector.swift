import MiningCore
import StratumProtocol
import TestVectors

/// A `stratum_share` / `stratum_job_from_block` vector turned into a job and a submission.
struct StratumShareVector {
    let id: String
    let notify: MiningNotify
    let extranonce1: [UInt8]
    let extranonce2Size: Int
    let versionMask: UInt32
    let extranonce2: [UInt8]
    let ntime: UInt32
    let nonce: UInt32
    let versionBits: UInt32?

    init(_ v: JSONValue) throws {
        id = v.id
        guard let n = v["notify"], let subscribe = v["subscribe"], let submit = v["submit"] else {
            throw VectorError("\(v.id): missing notify/subscribe/submit")
        }
        notify = try MiningNotify(params: [
            n["job_id"]!, n["prevhash"]!, n["coinb1"]!, n["coinb2"]!, n["merkle_branch"]!,
            n["version"]!, n["nbits"]!, n["ntime"]!, n["clean_jobs"]!,
        ])
        extranonce1 = Hex.decode(try subscribe.string("extranonce1"))!
        extranonce2Size = Int(subscribe["extranonce2_size"]!.integerValue!)
        versionMask = v["configure"]?["version_rolling_mask"]?.stringValue.flatMap { WireEncoding.uint32(fromHex: $0) } ?? 0
        extranonce2 = Hex.decode(try submit.string("extranonce2"))!
        ntime = WireEncoding.uint32(fromHex: try submit.string("ntime"))!
        nonce = WireEncoding.uint32(fromHex: try submit.string("nonce"))!
        versionBits = submit["version_bits"]?.stringValue.flatMap { WireEncoding.uint32(fromHex: $0) }
    }

    func job(difficulty: Double = 1) throws -> MiningJob {
        try MiningJob(notify: notify, extranonce1: extranonce1, extranonce2Size: extranonce2Size,
                      difficulty: difficulty, versionMask: versionMask)
    }

    func evaluate(_ job: MiningJob? = nil) -> ShareEvaluation {
        let job = job ?? (try! self.job())
        return job.evaluate(extranonce2: extranonce2, ntime: ntime, nonce: nonce, versionBits: versionBits)
    }
}
