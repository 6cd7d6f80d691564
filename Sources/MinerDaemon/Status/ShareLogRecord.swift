import Foundation
import StratumProtocol

/// One line of `shares.jsonl` (DESIGN.md, "Share log"): time, worker, pool, job_id, extranonce2,
/// ntime, nonce, version_bits, share_difficulty, target_difficulty, result, reason, latency_ms.
public enum ShareLogRecord {
    public static func json(for event: ShareEvent) -> JSONValue {
        let candidate = event.candidate
        let result: String
        var reason: JSONValue = event.reason.map { .string(String($0.prefix(200))) } ?? .null
        switch event.outcome {
        case .accepted: result = "accepted"
        case .rejected(let why):
            result = "rejected"
            if reason.isNull { reason = .string(why.rawValue) }
        case .stale: result = "stale"
        case .lost: result = "lost"
        }
        let latency: JSONValue = event.latency.map { .double(($0 / .milliseconds(1)).rounded3) } ?? .null
        return [
            "time": .string(Timestamp.iso8601(event.time)),
            "worker": .string(event.worker),
            "pool": .string(event.pool),
            "job_id": .string(candidate.jobID),
            "extranonce2": .string(candidate.extranonce2Hex),
            "ntime": .string(WireEncoding.hex(candidate.ntime)),
            "nonce": .string(WireEncoding.hex(candidate.nonce)),
            "version_bits": candidate.versionBits.map { .string(WireEncoding.hex($0)) } ?? .null,
            "share_difficulty": .double(candidate.shareDifficulty),
            "target_difficulty": .double(candidate.targetDifficulty),
            "result": .string(result),
            "reason": reason,
            "latency_ms": latency,
        ]
    }
}
