import Foundation
import MiningCore
import FarmProxyCore
import StratumProtocol
import XCTest

@testable import MinerDaemon

/// `shares.jsonl` is written (`ShareLog`) and read back (`swiftminer status --follow`) through
/// `ShareLogRecord`; its format is the one scripts and users already read.
final class ShareLogRecordTests: XCTestCase {
    /// A line as the daemon has always written it (keys sorted, nulls written, times with milliseconds).
    static let rejectedLine = #"{"extranonce2":"01000000","job_id":"7","latency_ms":2.5,"nonce":"03e5aa42","ntime":"6b0bcf80","pool":"stratum+tcp://127.0.0.1:1","reason":"Low difficulty share","result":"rejected","share_difficulty":0.5,"target_difficulty":1,"time":"2026-11-29T07:08:55.110Z","version_bits":null,"worker":"rig1"}"#

    func testALineReadsAndWritesBackByteForByte() throws {
        let record = try ShareLogRecord(line: Self.rejectedLine)
        XCTAssertEqual(record.result, .rejected)
        XCTAssertEqual(record.jobID, "7")
        XCTAssertEqual(record.reason, "Low difficulty share")
        XCTAssertNil(record.versionBits)
        XCTAssertEqual(record.latencyMilliseconds, 2.5)
        XCTAssertEqual(record.shareDifficulty, 0.5)
        XCTAssertEqual(record.targetDifficulty, 1)
        XCTAssertEqual(try record.line(), Self.rejectedLine)
    }

    func testAProxyMinersShareIsALineWithItsDownstreamAndNeverAcceptedUnlessThePoolSaidSo() throws {
        let valid = ProxyShareOutcome(downstream: 3, address: "10.0.0.7", user: "s19.rack4", jobID: "1f", extranonce2: "00a1",
                                      ntime: 0x6b0b_cf80, nonce: 0x03e5_aa42, versionBits: 0x0000_6000, difficulty: 512,
                                      shareDifficulty: 700, hash: "00", forwarded: false, verdict: .validLocally, upstreamLatency: nil)
        let record = ShareLogRecord(proxy: "farm", pool: "stratum+tcp://user:pw@pool.example:3333", outcome: valid,
                                    time: Date(timeIntervalSince1970: 1_800_000_000))
        XCTAssertEqual(record.result, .valid)
        XCTAssertEqual(record.pool, "stratum+tcp://pool.example:3333", "no credentials")
        let line = try record.line()
        XCTAssertTrue(line.contains(#""downstream":"s19.rack4","downstream_address":"10.0.0.7""#), line)
        XCTAssertTrue(line.contains(#""version_bits":"00006000""#), line)
        XCTAssertEqual(try ShareLogRecord(line: line), record, "reads back")
        let rejected = valid.with(verdict: .rejected(.stale, message: "Stale", byPool: true), upstreamLatency: 0.0125)
        let stale = ShareLogRecord(proxy: "farm", pool: "stratum+tcp://pool.example:3333", outcome: rejected)
        XCTAssertEqual(stale.result, .stale)
        XCTAssertEqual(stale.reason, "pool: Stale")
        XCTAssertEqual(stale.latencyMilliseconds, 12.5)
        XCTAssertFalse(try ShareLogRecord(line: Self.rejectedLine).line().contains("downstream"), "workers' lines keep their keys")
    }

    func testAShareEventBecomesTheRecordOfItsOutcome() throws {
        let event = try Self.event(outcome: .rejected(.lowDifficulty), reason: nil, latency: .microseconds(12_345_678))
        let record = ShareLogRecord(event)
        XCTAssertEqual(record.time, event.time)
        XCTAssertEqual(record.worker, "rig1")
        XCTAssertEqual(record.pool, "stratum+tcp://pool.example:3333")
        XCTAssertEqual(record.jobID, "4f")
        XCTAssertEqual(record.extranonce2, "00000001")
        XCTAssertEqual(record.ntime, "64b3f3ec")
        XCTAssertEqual(record.nonce, WireEncoding.hex(UInt32(0x1234_5678)))
        XCTAssertEqual(record.versionBits, "00002000")
        XCTAssertEqual(record.shareDifficulty, event.candidate.shareDifficulty)
        XCTAssertEqual(record.targetDifficulty, 2)
        XCTAssertEqual(record.result, .rejected)
        XCTAssertEqual(record.reason, "low-difficulty", "without the pool's text, the reason's name")
        XCTAssertEqual(record.latencyMilliseconds, 12345.678)

        let long = String(repeating: "x", count: 300)
        let accepted = ShareLogRecord(try Self.event(outcome: .accepted, reason: long, latency: nil))
        XCTAssertEqual(accepted.result, .accepted)
        XCTAssertEqual(accepted.reason, String(repeating: "x", count: 200), "the pool's text, cut at 200 characters")
        XCTAssertNil(accepted.latencyMilliseconds)
        XCTAssertEqual(ShareLogRecord(try Self.event(outcome: .stale, reason: nil, latency: nil)).result, .stale)
        XCTAssertEqual(ShareLogRecord(try Self.event(outcome: .lost, reason: nil, latency: nil)).result, .lost)
    }

    func testWhatShareLogWritesReadsBackEqual() throws {
        let path = try temporaryDirectory() + "/shares.jsonl"
        let log = ShareLog(path: path)
        let records = [ShareLogRecord.sample(jobID: "1"), .sample(jobID: "2", result: .rejected, reason: "Duplicate share"),
                       ShareLogRecord(try Self.event(outcome: .accepted, reason: nil, latency: .milliseconds(40)))]
        for record in records { XCTAssertNil(log.append(record)) }
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        let read = try lines.map { try ShareLogRecord(line: $0) }
        XCTAssertEqual(Array(read.prefix(2)), Array(records.prefix(2)))
        // A time with a fraction is written to the millisecond.
        XCTAssertEqual(read[2].time.timeIntervalSince1970, records[2].time.timeIntervalSince1970, accuracy: 0.001)
        var withoutTime = read[2]
        withoutTime.time = records[2].time
        XCTAssertEqual(withoutTime, records[2])
        // The absent optional fields are written as null, not left out.
        for key in ["\"version_bits\":null", "\"reason\":null"] { XCTAssertTrue(lines[0].contains(key), String(lines[0])) }
    }

    func testTheFollowerRendersWhatShareLogWrote() throws {
        let path = try temporaryDirectory() + "/shares.jsonl"
        let follower = ShareLogFollower(path: path)
        let log = ShareLog(path: path)
        log.append(.sample(jobID: "9", result: .rejected, reason: "Low difficulty share"))
        let shown = follower.poll().compactMap(StatusView.formatShareLine)
        XCTAssertEqual(shown, ["2026-11-30 00:53:20  rig1  REJECTED  diff 2.5/1  job 9 nonce 03e5aa42  12.5 ms  (Low difficulty share)"])
    }

    func testLinesThatAreNotRecordsAreSkipped() {
        XCTAssertThrowsError(try ShareLogRecord(line: "not json"))
        XCTAssertThrowsError(try ShareLogRecord(line: #"{"result":"accepted"}"#), "fields missing")
        XCTAssertThrowsError(try ShareLogRecord(line: Self.rejectedLine.replacingOccurrences(of: "\"rejected\"", with: "\"maybe\"")))
        XCTAssertThrowsError(try ShareLogRecord(line: Self.rejectedLine.replacingOccurrences(of: "2026-11-29T07:08:55.110Z", with: "yesterday")))
        XCTAssertNil(StatusView.formatShareLine(#"{"result":"accepted"}"#))
        XCTAssertNil(StatusView.formatShareLine(""))
        XCTAssertNotNil(StatusView.formatShareLine(Self.rejectedLine))
    }

    func testARecordWithoutAJSONFormIsDroppedNotWritten() throws {
        let path = try temporaryDirectory() + "/shares.jsonl"
        let log = ShareLog(path: path)
        var record = ShareLogRecord.sample(jobID: "1")
        record.shareDifficulty = .infinity
        XCTAssertNotNil(log.append(record))
        XCTAssertEqual(log.pendingLines, 0)
        XCTAssertEqual(log.droppedLines, 1)
        XCTAssertNil(log.append(.sample(jobID: "2")))
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), try ShareLogRecord.sample(jobID: "2").line() + "\n")
    }

    /// An outcome for a version-rolled share of job 4f at difficulty 2.
    static func event(outcome: ShareCounters.Outcome, reason: String?, latency: Duration?) throws -> ShareEvent {
        let notify = try MiningNotify(params: [
            "4f", "171592f223740e92d223f6e68bff25279af7ac4f2246451e0000000200000000", "0200000001", "ffffffff", [],
            "20000000", "192495f8", "64b3f3ec", false,
        ])
        let extranonce2: [UInt8] = [0, 0, 0, 1]
        let job = try MiningJob(notify: notify, extranonce1: [0xf0, 0x00, 0x00, 0x01], extranonce2Size: 4, difficulty: 2)
        let evaluation = job.evaluate(extranonce2: extranonce2, ntime: notify.ntime, nonce: 0x1234_5678, versionBits: 0x2000)
        let candidate = ShareCandidate(jobID: "4f", epoch: 1, extranonce1: job.extranonce1, extranonce2: extranonce2,
                                       ntime: notify.ntime, nonce: 0x1234_5678, versionBits: 0x2000, generation: 1,
                                       targetDifficulty: 2, evaluation: evaluation)
        return ShareEvent(worker: "rig1", pool: "stratum+tcp://pool.example:3333", time: Date(timeIntervalSince1970: 1_800_000_000.25),
                          candidate: candidate, outcome: outcome, reason: reason, latency: latency, counters: ShareCounters())
    }
}
