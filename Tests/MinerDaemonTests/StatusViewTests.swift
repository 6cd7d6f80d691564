import Foundation
import MinerDaemon
import StratumProtocol
import XCTest

final class StatusViewTests: XCTestCase {
    static func sampleStatus(updatedAt: Date, pid: Int = 4242) -> StatusDocument {
        var status = StatusDocument()
        status.version = "0.1.0"
        status.pid = pid
        status.updatedAt = updatedAt
        status.startedAt = updatedAt.addingTimeInterval(-3725)
        status.statusIntervalSeconds = 5
        status.uptimeSeconds = 3725
        status.kernel = "shani"
        status.threads = 2
        status.hashrate = .init(tenSeconds: 2.0e7, oneMinute: 2.1e7, fifteenMinutes: 2.05e7)
        var worker = StatusDocument.Worker()
        worker.name = "rig1"
        worker.user = "addr.rig1"
        worker.pool.url = "stratum+tcp://pool.example:3333"
        worker.pool.state = .mining
        worker.hashrate.windows = status.hashrate
        worker.shares.found = 15
        worker.shares.accepted = 12
        worker.shares.rejected = 1
        worker.shares.stale = 2
        worker.bestShareDifficulty = 1234.5
        worker.lastShareAt = updatedAt.addingTimeInterval(-42)
        status.workers = [worker]
        return status
    }

    /// A status file as the version before StatusDocument wrote it (no `shares.hardware_errors` in
    /// the totals, some optional fields null): read with defaults for what it lacks.
    func testAStatusFileOfAnEarlierVersionIsRead() throws {
        let earlier = #"{"best_share_difficulty_ever":0.4,"hashrate":{"10s":1.5,"15m":2,"60s":3},"kernel":"avx512","pid":7,"schema":1,"#
            + #""shares":{"accepted":64,"lost":0,"pending":0,"rejected":1,"stale":2},"started_at":"2026-12-04T17:27:47.500Z","#
            + #""status_interval_s":2,"threads":2,"updated_at":"2026-12-04T17:28:08.000Z","uptime_s":20,"version":"0.1.0","warnings":[],"#
            + #""workers":[{"best_share_difficulty":0.4,"blocks_found":0,"expected_shares":60.5,"hashes_total":1000,"#
            + #""hashrate":{"10s":1.5,"15m":2,"60s":3,"per_thread":[0.75,0.75]},"last_share_at":null,"name":"demo","#
            + #""pool":{"connected_since":null,"difficulty":0.0024,"extranonce2_size":4,"job_id":"2","last_notify_at":"2026-12-04T17:28:07.891Z","#
            + #""reconnects":0,"state":"disconnected","url":"stratum+tcp://127.0.0.1:36405","version_rolling_mask":"1fffe000"},"#
            + #""shares":{"accepted":64,"accepted_difficulty":0.15,"found":67,"hardware_errors":0,"lost":0,"pending":0,"reject_reasons":{"other":1},"#
            + #""rejected":1,"stale":2},"submit_latency_ms":{"avg":1.4,"max":12.3,"count":67},"user":"demo.worker","warning":null}]}"#
        let status = try StatusDocument.decode(Array(earlier.utf8))
        XCTAssertEqual(status.shares.accepted, 64)
        XCTAssertEqual(status.shares.hardwareErrors, 0, "absent in that version: zero")
        XCTAssertEqual(status.workers.first?.shares.rejectReasons, ["other": 1])
        XCTAssertEqual(status.workers.first?.pool.state, .disconnected)
        XCTAssertNil(status.workers.first?.pool.connectedSince)
        XCTAssertEqual(status.workers.first?.submitLatency.buckets, [], "absent: empty")
        XCTAssertTrue(StatusView.table(status, now: status.updatedAt).contains("64/1/2/0"))
        XCTAssertEqual(status.schema, 1)
        XCTAssertEqual(status.history, [], "schema 1 has no history: empty")
        XCTAssertTrue(StatusView.table(status, now: status.updatedAt).hasSuffix("history     none yet (one bucket a minute)"))
    }

    /// Schema 2 writes `history` (snake_case, sorted keys) and reads it back unchanged.
    func testStatusDocumentHistoryRoundTrips() throws {
        var status = Self.sampleStatus(updatedAt: Date(timeIntervalSince1970: 1_800_000_000))
        status.history = [.init(start: Date(timeIntervalSince1970: 1_799_999_940), hashrate: 1.5, hashes: 90, accepted: 3, rejected: 1)]
        let bytes = try status.encoded()
        let text = String(decoding: bytes, as: UTF8.self)
        XCTAssertTrue(text.contains(#""history":[{"accepted":3,"hashes":90,"hashrate":1.5,"rejected":1,"start":"2027-01-15T07:59:00.000Z"}]"#), text)
        XCTAssertTrue(text.contains(#""schema":2"#), text)
        XCTAssertEqual(try StatusDocument.decode(bytes), status)
    }

    func testTableShowsEachWorkerCompactly() {
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let table = StatusView.table(Self.sampleStatus(updatedAt: now), now: now)
        let lines = table.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines[0].contains("up 1 h 02 min"), lines[0])
        XCTAssertTrue(lines[0].contains("21.00 MH/s"), lines[0])
        XCTAssertTrue(lines[1].hasPrefix("WORKER"), lines[1])
        let row = lines[2]
        for expected in ["rig1", "stratum+tcp://pool.example:3333", "mining", "21.00 MH/s", "12/1/2/0", "1234", "42 s ago"] {
            XCTAssertTrue(row.contains(expected), "\(expected) missing in \(row)")
        }
    }

    func testStaleAndDeadDaemonsAreReported() {
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let alive: (Int) -> Bool = { _ in true }
        XCTAssertEqual(StatusView.liveness(of: Self.sampleStatus(updatedAt: now), now: now, isProcessAlive: alive), .running)
        XCTAssertEqual(StatusView.liveness(of: Self.sampleStatus(updatedAt: now.addingTimeInterval(-120)), now: now, isProcessAlive: alive),
                       .stale(seconds: 120))
        XCTAssertEqual(StatusView.liveness(of: Self.sampleStatus(updatedAt: now), now: now, isProcessAlive: { _ in false }),
                       .notRunning(pid: 4242))
        let table = StatusView.table(Self.sampleStatus(updatedAt: now), now: now, liveness: .notRunning(pid: 4242))
        XCTAssertTrue(table.contains("(pid 4242) is not running"), table)
        // Our own pid exists; an impossible one does not.
        XCTAssertTrue(StatusView.processExists(Int(ProcessInfo.processInfo.processIdentifier)))
        XCTAssertFalse(StatusView.processExists(Int(Int32.max) - 7))
    }

    func testStatusCommandWithoutAFileSaysSo() throws {
        let result = try SwiftMinerBinary.run(["status", "--status-file", "/nonexistent/status.json"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("no status file at /nonexistent/status.json"), result.stderr)
    }

    func testStatusCommandPrintsTheTableAndTheJSON() throws {
        let directory = try temporaryDirectory()
        let path = directory + "/status.json"
        let status = Self.sampleStatus(updatedAt: Date(), pid: Int(ProcessInfo.processInfo.processIdentifier))
        try AtomicFileWriter.write(try status.encoded(), to: path)
        let table = try SwiftMinerBinary.run(["status", "--status-file", path])
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertTrue(table.stdout.contains("12/1/2/0"), table.stdout)
        let json = try SwiftMinerBinary.run(["status", "--status-file", path, "--json"])
        XCTAssertEqual(try StatusDocument.decode(Array(json.stdout.utf8)), try StatusDocument.decode(try status.encoded()))
        XCTAssertEqual(try JSONValue.parse(Array(json.stdout.utf8))["workers"]?.arrayValue?.first?["shares"]?["accepted"], 12)
        // A status written by a process that is gone: exit 3 with a warning.
        try AtomicFileWriter.write(try Self.sampleStatus(updatedAt: Date(), pid: Int(Int32.max) - 7).encoded(), to: path)
        let dead = try SwiftMinerBinary.run(["status", "--status-file", path])
        XCTAssertEqual(dead.status, 3)
        XCTAssertTrue(dead.stdout.contains("is not running"), dead.stdout)
    }

    func testShareLinesAreFormattedForHumans() {
        let line = #"{"extranonce2":"01000000","job_id":"7","latency_ms":2.5,"nonce":"03e5aa42","ntime":"6b0bcf80","pool":"stratum+tcp://127.0.0.1:1","reason":"Low difficulty share","result":"rejected","share_difficulty":0.5,"target_difficulty":1,"time":"2026-11-29T07:08:55.110Z","version_bits":null,"worker":"rig1"}"#
        XCTAssertEqual(StatusView.formatShareLine(line),
                       "2026-11-29 07:08:55  rig1  REJECTED  diff 0.5/1  job 7 nonce 03e5aa42  2.5 ms  (Low difficulty share)")
        XCTAssertNil(StatusView.formatShareLine("not json"))
    }

    func testFollowerSeesAppendsRotationAndTruncation() throws {
        let directory = try temporaryDirectory()
        let path = directory + "/shares.jsonl"
        try "old1\nold2\n".write(toFile: path, atomically: false, encoding: .utf8)
        let follower = ShareLogFollower(path: path, backlog: 1)
        XCTAssertEqual(follower.backlogLines, ["old2"])
        XCTAssertEqual(follower.poll(), [])
        let log = ShareLog(path: path)
        log.append(.sample(jobID: "new1"))
        log.append(.sample(jobID: "new2", result: .rejected, reason: "Low difficulty share"))
        XCTAssertEqual(try follower.poll().map { try ShareLogRecord(line: $0) },
                       [.sample(jobID: "new1"), .sample(jobID: "new2", result: .rejected, reason: "Low difficulty share")])
        // logrotate: moved away, a new file appears.
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        log.reopen()
        log.append(.sample(jobID: "after-rotation"))
        XCTAssertEqual(try follower.poll().map { try ShareLogRecord(line: $0) }, [.sample(jobID: "after-rotation")])
        // A partial line waits for its newline.
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data("half".utf8))
        XCTAssertEqual(follower.poll(), [])
        handle.write(Data("-done\n".utf8))
        XCTAssertEqual(follower.poll(), ["half-done"])
    }

    func testShareRateCheck() {
        XCTAssertEqual(ShareRateCheck.evaluate(expected: 5, observed: 0), .tooEarly)
        XCTAssertEqual(ShareRateCheck.evaluate(expected: 100, observed: 95), .consistent)
        XCTAssertEqual(ShareRateCheck.evaluate(expected: 100, observed: 120), .consistent)
        // Half the shares dropped: far beyond chance.
        XCTAssertEqual(ShareRateCheck.evaluate(expected: 100, observed: 50), .tooFew(50, 100))
        XCTAssertNotNil(ShareRateCheck.evaluate(expected: 100, observed: 50).warning)
        XCTAssertEqual(ShareRateCheck.evaluate(expected: 20, observed: 0), .tooFew(0, 20))
        XCTAssertEqual(ShareRateCheck.evaluate(expected: 100, observed: 200), .tooMany(200, 100))
        // Large means stay numerically sound.
        XCTAssertEqual(ShareRateCheck.evaluate(expected: 1e6, observed: 999_000), .consistent)
        XCTAssertEqual(ShareRateCheck.evaluate(expected: 1e6, observed: 990_000), .tooFew(990_000, 1e6))
        XCTAssertEqual(ShareRateCheck.expectedShares(hashes: 4_294_967_296 * 10, difficulty: 2), 5)
    }
}
