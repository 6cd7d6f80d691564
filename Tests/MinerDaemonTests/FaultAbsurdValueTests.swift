import Foundation
import MinerDaemon
import MiningCore
import PoolSettings
import StratumClient
import StratumProtocol
import XCTest

/// Absurd values from the pool: each is refused with a log line (or handled as the protocol
/// allows), the daemon never crashes, and no share the pool did not ask for is ever sent.
final class FaultAbsurdValueTests: XCTestCase {
    static let d = StandardScript.difficulty

    /// set_difficulty 0, negative, NaN, ±infinity, a string that is not a number: refused and
    /// logged, the previous difficulty stays. 1e300 is a valid (if absurd) difficulty: its target
    /// is below any hash, so nothing is sent for that job, and mining resumes at a sane one.
    func testAbsurdDifficultiesNeverProduceAShareAtAWrongTarget() async throws {
        let script = StandardScript()
        let pool = script.makePool()
        let port = try await pool.start()
        let run = try FaultRun(ports: [port]) { $0.timers.jobTimeout = .seconds(10) }
        await run.expect { script.validSubmits >= 1 }
        let connection = pool.connections[0]
        func difficulty(_ json: String) -> String { #"{"id":null,"method":"mining.set_difficulty","params":[\#(json)]}"# }
        // None of these may change the difficulty: the next job is still judged at d.
        connection.send(lines: [difficulty("0"), difficulty("-1"), difficulty("-0.0"), difficulty("NaN"), difficulty("\"nan\""),
                                difficulty("\"inf\""), difficulty("1e999"), difficulty("-1e999"), difficulty("\"lots\""),
                                difficulty("null"), difficulty("[1]"),
                                script.job(id: "still-d", difficulty: Self.d)])
        await run.expect(.seconds(3)) { script.matched.contains { $0.jobID == "still-d" } }
        let protocolErrors = run.logs.records.filter { $0.message.contains("protocol error") }.count
        XCTAssertGreaterThanOrEqual(protocolErrors, 9, "each refused difficulty is logged")

        // 1e300: a valid job no hash can meet. Nothing may be sent for it.
        connection.send(lines: [difficulty("1e300"), script.job(id: "impossible", difficulty: 1e300)])
        try await Task.sleep(for: .seconds(1))
        XCTAssertFalse(pool.submits.contains { $0.params.count > 1 && $0.params[1].stringValue == "impossible" })
        // Back to a sane difficulty: mining resumes.
        connection.send(lines: [difficulty("\(Self.d)"), script.job(id: "sane-again", difficulty: Self.d)])
        await run.expect(.seconds(3)) { script.matched.contains { $0.jobID == "sane-again" } }
        try await run.stop()
        await pool.stop()

        XCTAssertTrue(script.invalidSubmits.isEmpty, "no share below its job's difficulty: \(script.invalidSubmits)")
        XCTAssertEqual(pool.connectionCount, 1)
        XCTAssertEqual(try run.worker()?["shares"]?["hardware_errors"]?.integerValue, 0)
        try run.assertBooks()
        XCTAssertTrue(try run.shareLog().allSatisfy { $0.shareDifficulty >= $0.targetDifficulty })
    }

    /// Subscribe answers with extranonce2_size 17 and -1, an odd-length and a non-hex extranonce1:
    /// each refused (logged, the connection closed, retried with backoff). Sizes 0 and 1 are
    /// legal: mining goes on and every share has that many extranonce2 bytes.
    func testAbsurdExtranonceValuesAreRefused() async throws {
        let script = StandardScript()
        let values: [(String, String)] = [("\"f000000d\"", "17"), ("\"f000000d\"", "-1"), ("\"abc\"", "4"),
                                          ("\"zzzzzzzz\"", "4"), ("\"f000000d\"", "\"4\""), ("\"f000000d\"", "1"),
                                          ("\"f000000d\"", "0")]
        script.subscribeValues = { n in values[min(n, values.count - 1)] }
        let pool = script.makePool()
        let port = try await pool.start()
        let run = try FaultRun(ports: [port]) { $0.timers.backoff = ReconnectBackoff(initial: .milliseconds(50), maximum: .milliseconds(200)) }
        await run.expect(.seconds(5), "mining with extranonce2_size 1") { pool.submits.contains { $0.connection == 5 } }
        // Size 0 leaves only the nonce (and ntime / version bits) to roll: legal, so it is mined too.
        pool.connections[5].close()
        await run.expect(.seconds(3), "mining with extranonce2_size 0") { pool.submits.contains { $0.connection == 6 } }
        try await run.stop()
        await pool.stop()

        for n in 0..<5 {
            XCTAssertTrue(pool.received.filter { $0.connection == n }.allSatisfy { $0.method != "mining.authorize" && $0.method != "mining.submit" },
                          "connection \(n) (\(values[n])) was refused before authorizing")
        }
        XCTAssertTrue(run.logged("extranonce2_size"), "the bad size is logged")
        XCTAssertTrue(run.logged("extranonce1"), "the bad extranonce1 is logged")
        XCTAssertTrue(script.invalidSubmits.isEmpty, "\(script.invalidSubmits)")
        for submit in pool.submits where submit.connection >= 5 {
            let e2 = submit.params.count > 2 ? submit.params[2].stringValue ?? "?" : "?"
            XCTAssertEqual(e2.count, submit.connection == 5 ? 2 : 0, "extranonce2 has the agreed size")
        }
        try run.assertBooks()
    }

    /// Bad jobs: prevhash of the wrong length, a 10 KB job id, non-hex coinbase, a bad merkle
    /// entry — each refused with a log line and never mined. A clean_jobs that is a string is taken
    /// as false and the job mined. Jobs with ntime far in the past or
    /// the future are legal and mined with valid shares. A job id sent again with new contents
    /// (NiceHash) replaces the old job: later shares are for the new contents.
    func testAbsurdJobsAreRefusedAndLegalOddJobsMinedCorrectly() async throws {
        let script = StandardScript()
        let pool = script.makePool()
        let port = try await pool.start()
        let run = try FaultRun(ports: [port]) { $0.timers.jobTimeout = .seconds(10) }
        await run.expect { script.validSubmits >= 1 }
        let connection = pool.connections[0]
        let good = try JSONValue.parse(Array(script.job(id: "template", remember: false).utf8))
        func variant(_ change: (inout [JSONValue]) -> Void) -> String {
            var params = good["params"]!.arrayValue!
            change(&params)
            return #"{"id":null,"method":"mining.notify","params":\#(JSONValue.array(params).serialized)}"#
        }
        let bad = [
            variant { $0[0] = "short-prev"; $0[1] = "00ff" },
            variant { $0[0] = .string(String(repeating: "J", count: 10_240)) },
            variant { $0[0] = "bad-coinbase"; $0[2] = "xyz" },
            variant { $0[0] = "bad-branch"; $0[4] = ["1234"] },
            variant { $0[0] = "bad-version"; $0[5] = "2" },
        ]
        connection.send(lines: bad)
        try await Task.sleep(for: .milliseconds(300))
        // clean_jobs that is not a boolean: false, as cgminer and cpuminer read it (json_is_true);
        // the deviation is counted and logged, the job kept and mined.
        let stringClean = try JSONValue.parse(Array(script.job(id: "no-clean").utf8))
        var stringCleanParams = stringClean["params"]!.arrayValue!
        stringCleanParams[8] = "yes"
        connection.send(#"{"id":null,"method":"mining.notify","params":\#(JSONValue.array(stringCleanParams).serialized)}"#)
        await run.expect(.seconds(3), "mining the job whose clean_jobs is a string") {
            script.matched.contains { $0.jobID == "no-clean" }
        }
        connection.send(script.job(id: "past", ntime: 1))
        await run.expect(.seconds(3), "mining the job with ntime 1") { script.matched.contains { $0.jobID == "past" } }
        connection.send(script.job(id: "future", ntime: 0xFFFF_FF00))
        await run.expect(.seconds(3), "mining the far-future job") { script.matched.contains { $0.jobID == "future" } }
        // NiceHash-style: the same job id again with new contents.
        connection.send(script.job(id: "reused"))
        await run.expect(.seconds(3)) { script.matched.contains { $0.jobID == "reused" } }
        connection.send(script.job(id: "reused", ntime: UInt32(Date().timeIntervalSince1970) + 7))
        await run.expect(.seconds(3), "mining the new contents") { script.matched.contains { $0.jobID == "reused" && $0.version == 1 } }
        try await run.stop()
        await pool.stop()

        XCTAssertEqual(pool.connectionCount, 1)
        XCTAssertTrue(script.invalidSubmits.isEmpty, "\(script.invalidSubmits)")
        let minedIDs = Set(pool.submits.compactMap { $0.params.count > 1 ? $0.params[1].stringValue : nil })
        for id in ["short-prev", "bad-coinbase", "bad-branch", "bad-version"] {
            XCTAssertFalse(minedIDs.contains(id), "\(id) was refused")
        }
        XCTAssertFalse(minedIDs.contains { $0.count > 256 })
        XCTAssertGreaterThanOrEqual(run.logs.records.filter { $0.message.contains("protocol error") }.count, bad.count)
        XCTAssertTrue(run.logged("prevhash") && run.logged("job_id"), "the refused field is named in the log")
        XCTAssertTrue(minedIDs.contains("no-clean"), "a string clean_jobs is false: the job is kept")
        XCTAssertTrue(run.logged("clean_jobs missing or not a boolean"), "the deviation is logged")
        // A share for the old contents may cross the resend on the wire, but none is sent once the
        // new contents are installed: after the first share for version 1, only version 1.
        let reused = script.matched.filter { $0.jobID == "reused" }
        let firstNew = try XCTUnwrap(reused.firstIndex { $0.version == 1 })
        XCTAssertTrue(reused[firstNew...].allSatisfy { $0.version == 1 }, "\(reused)")
        try run.assertBooks()
    }
}
