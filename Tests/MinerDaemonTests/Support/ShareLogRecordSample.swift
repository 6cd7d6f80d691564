import Foundation
import MinerDaemon

extension ShareLogRecord {
    /// A record for tests, told apart by its job id; its time is a whole second, so it reads back equal.
    static func sample(jobID: String, result: Result = .accepted, reason: String? = nil) -> ShareLogRecord {
        ShareLogRecord(time: Date(timeIntervalSince1970: 1_796_000_000), worker: "rig1", pool: "stratum+tcp://127.0.0.1:3333",
                       jobID: jobID, extranonce2: "01000000", ntime: "6b0bcf80", nonce: "03e5aa42", versionBits: nil,
                       shareDifficulty: 2.5, targetDifficulty: 1, result: result, reason: reason, latencyMilliseconds: 12.5)
    }
}
