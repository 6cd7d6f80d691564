import Foundation
import StratumProtocol

/// One line of `shares.jsonl` (Docs/ARCHITECTURE.md, "Outside contracts"): written by `ShareLog`, read back by
/// `swiftminer status --follow` — through this type on both sides.
///
/// A compact JSON object, keys sorted: time, worker, pool, job_id, extranonce2, ntime, nonce,
/// version_bits, share_difficulty, target_difficulty, result, reason, latency_ms. The optional
/// fields are written as `null` when absent, never left out. A farm proxy's miners' lines add
/// downstream and downstream_address (keys no worker's line has).
public struct ShareLogRecord: Codable, Sendable, Hashable {
    /// What became of the share.
    public enum Result: String, Codable, Sendable {
        case accepted, rejected, stale, lost
        /// A proxy miner's share below the pool's difficulty, judged valid by the proxy (never
        /// "accepted": the pool did not see it).
        case valid
    }

    /// When the outcome was known (written with millisecond precision).
    public var time: Date
    public var worker: String
    /// The pool's URL, without credentials.
    public var pool: String
    public var jobID: String
    /// The submitted extranonce2, ntime, nonce and rolled version bits, hex as on the wire.
    public var extranonce2: String
    public var ntime: String
    public var nonce: String
    @NullEncoded public var versionBits: String?
    public var shareDifficulty: Double
    public var targetDifficulty: Double
    public var result: Result
    /// The pool's reason for a rejection (at most 200 characters), or what else explains the outcome.
    @NullEncoded public var reason: String?
    /// Submit-to-answer time in milliseconds (three decimals); null without an answer.
    @NullEncoded public var latencyMilliseconds: Double?
    /// For a farm proxy (then `worker` is the proxy's name): the miner's login and address.
    /// Left out of workers' lines (plain optionals: nil is not written).
    public var downstream: String?
    public var downstreamAddress: String?

    public init(time: Date, worker: String, pool: String, jobID: String, extranonce2: String, ntime: String, nonce: String,
                versionBits: String?, shareDifficulty: Double, targetDifficulty: Double, result: Result,
                reason: String?, latencyMilliseconds: Double?, downstream: String? = nil, downstreamAddress: String? = nil) {
        self.downstream = downstream
        self.downstreamAddress = downstreamAddress
        self.time = time
        self.worker = worker
        self.pool = pool
        self.jobID = jobID
        self.extranonce2 = extranonce2
        self.ntime = ntime
        self.nonce = nonce
        self.versionBits = versionBits
        self.shareDifficulty = shareDifficulty
        self.targetDifficulty = targetDifficulty
        self.result = result
        self.reason = reason
        self.latencyMilliseconds = latencyMilliseconds
    }

    enum CodingKeys: String, CodingKey {
        case time, worker, pool, extranonce2, ntime, nonce, result, reason
        case jobID = "job_id", versionBits = "version_bits", shareDifficulty = "share_difficulty"
        case targetDifficulty = "target_difficulty", latencyMilliseconds = "latency_ms"
        case downstream, downstreamAddress = "downstream_address"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        time = try c.decode(Date.self, forKey: .time)
        worker = try c.decode(String.self, forKey: .worker)
        pool = try c.decode(String.self, forKey: .pool)
        jobID = try c.decode(String.self, forKey: .jobID)
        extranonce2 = try c.decode(String.self, forKey: .extranonce2)
        ntime = try c.decode(String.self, forKey: .ntime)
        nonce = try c.decode(String.self, forKey: .nonce)
        versionBits = try c.decodeIfPresent(String.self, forKey: .versionBits)
        shareDifficulty = try c.decode(Double.self, forKey: .shareDifficulty)
        targetDifficulty = try c.decode(Double.self, forKey: .targetDifficulty)
        result = try c.decode(Result.self, forKey: .result)
        reason = try c.decodeIfPresent(String.self, forKey: .reason)
        latencyMilliseconds = try c.decodeIfPresent(Double.self, forKey: .latencyMilliseconds)
        downstream = try c.decodeIfPresent(String.self, forKey: .downstream)
        downstreamAddress = try c.decodeIfPresent(String.self, forKey: .downstreamAddress)
    }
}

extension ShareLogRecord {
    /// The record of a share's outcome.
    public init(_ event: ShareEvent) {
        let candidate = event.candidate
        var reason = event.reason.map { String($0.prefix(200)) }
        let result: Result
        switch event.outcome {
        case .accepted: result = .accepted
        case .rejected(let why):
            result = .rejected
            reason = reason ?? why.rawValue
        case .stale: result = .stale
        case .lost: result = .lost
        }
        self.init(time: event.time, worker: event.worker, pool: event.pool, jobID: candidate.jobID,
                  extranonce2: candidate.extranonce2Hex, ntime: WireEncoding.hex(candidate.ntime),
                  nonce: WireEncoding.hex(candidate.nonce), versionBits: candidate.versionBits.map { WireEncoding.hex($0) },
                  shareDifficulty: candidate.shareDifficulty, targetDifficulty: candidate.targetDifficulty,
                  result: result, reason: reason,
                  latencyMilliseconds: event.latency.map { ($0 / .milliseconds(1)).rounded3 })
    }

    /// The line as written to the file (without its newline).
    public func line() throws -> String {
        String(decoding: try StateFileJSON.encoder().encode(self), as: UTF8.self)
    }

    /// Reads one line of the file; throws for a line that is not a record.
    public init(line: some StringProtocol) throws {
        self = try StateFileJSON.decoder().decode(ShareLogRecord.self, from: Data(line.utf8))
    }
}
