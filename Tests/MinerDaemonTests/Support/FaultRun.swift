import Configuration
import Foundation
import Logging
import MinerDaemon
import PoolSettings
import ServiceLifecycle
import StratumClient
import StratumProtocol
import XCTest

/// The real daemon (`MinerService`, one worker, one thread) against scripted pools, with short
/// client timeouts, a status file and a share log in a temporary directory, and everything it
/// reports (share events, log lines) collected for assertions.
final class FaultRun: ShareEventRecording, @unchecked Sendable {
    /// Client timeouts scaled down so each scenario takes seconds.
    static let fast = ConnectionTimers(
        connectTimeout: .seconds(1), subscribeTimeout: .seconds(1), idleTimeout: .seconds(5), jobTimeout: .seconds(1),
        submitTimeout: .seconds(2), backoff: ReconnectBackoff(initial: .milliseconds(100), maximum: .milliseconds(800), jitter: 0.2),
        primaryProbeInterval: .seconds(600), stableConnectionAfter: .seconds(2), tickInterval: .milliseconds(50))

    let directory: String
    var statusPath: String { directory + "/status.json" }
    var shareLogPath: String { directory + "/shares.jsonl" }
    let logs = LogCapture()
    private let lock = NSLock()
    private var _events: [ShareEvent] = []
    private let group: ServiceGroup
    private let runTask: Task<Void, any Error>

    var shareEvents: [ShareEvent] { lock.withLock { _events } }
    var counters: ShareCounters { lock.withLock { _events.last?.counters ?? ShareCounters() } }

    init(urls: [String], user: String = "tester.rig1",
         tuning: (inout WorkerSettings) -> Void = { _ in }) throws {
        directory = try temporaryDirectory()
        var logger = Logger(label: "fault") { [logs] _ in CapturingLogHandler(capture: logs) }
        logger.logLevel = .info
        var worker = WorkerSettings(name: "rig1", user: user, password: "x", threads: 1,
                                    pools: urls.map { PoolConfiguration(url: $0, versionRolling: true, difficultySuggestion: .off) })
        worker.timers = FaultRun.fast
        tuning(&worker)
        let settings = MinerSettings(workers: [worker], shutdownGrace: .seconds(3), statusFile: directory + "/status.json",
                                     shareLog: directory + "/shares.jsonl", statusInterval: .milliseconds(250))
        let sink = ShareEventRelay<FaultRun>()
        let service = try MinerService(settings: settings, logger: logger) { sink.add($0) }
        group = ServiceGroup(services: [service], gracefulShutdownSignals: [], logger: logger)
        let group = self.group
        runTask = Task { try await group.run() }
        sink.owner = self
    }

    convenience init(ports: [Int], user: String = "tester.rig1",
                     tuning: (inout WorkerSettings) -> Void = { _ in }) throws {
        try self.init(urls: ports.map { "stratum+tcp://127.0.0.1:\($0)" }, user: user, tuning: tuning)
    }

    func record(_ event: ShareEvent) { lock.withLock { _events.append(event) } }

    /// Graceful shutdown: hashing stops, pending shares get `shutdownGrace` to be answered, the
    /// final status file is written.
    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await runTask.value
    }

    func expect(_ timeout: Duration = .seconds(4), _ message: @autoclosure () -> String = "",
                file: StaticString = #filePath, line: UInt = #line, until condition: () -> Bool) async {
        if await !Polling.wait(timeout, until: condition) {
            XCTFail("not reached within \(timeout). \(message())", file: file, line: line)
        }
    }

    func logged(_ text: String, level: Logger.Level = .warning) -> Bool { logs.contains(level: level, text) }

    // MARK: - After stop

    func status() throws -> JSONValue {
        try JSONValue.parse(Array(try XCTUnwrap(FileManager.default.contents(atPath: statusPath), "no status file")))
    }

    /// The worker's part of the status file.
    func worker() throws -> JSONValue? { try status()["workers"]?.arrayValue?.first }

    func shareLog() throws -> [ShareLogRecord] {
        guard let text = try? String(contentsOfFile: shareLogPath, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { try ShareLogRecord(line: $0) }
    }

    /// After `stop()`: the invariant on the observer's counters and in the status file, nothing
    /// pending, and one share-log line per resolved share whose result matches the share events.
    func assertBooks(file: StaticString = #filePath, line: UInt = #line) throws {
        let counters = counters
        XCTAssertTrue(counters.invariantHolds, "found ≠ accepted+rejected+stale+lost+pending: \(counters)", file: file, line: line)
        XCTAssertEqual(counters.pending, 0, "every share resolved before exit", file: file, line: line)
        let status = try status()
        let worker = try XCTUnwrap(status["workers"]?.arrayValue?.first, file: file, line: line)
        let shares = try XCTUnwrap(worker["shares"], file: file, line: line)
        let found = shares["found"]?.integerValue ?? -1
        let sum = ["accepted", "rejected", "stale", "lost", "pending"].compactMap { shares[$0]?.integerValue }.reduce(0, +)
        XCTAssertEqual(found, sum, "status file: found = accepted + rejected + stale + lost + pending", file: file, line: line)
        XCTAssertEqual(found, Int64(counters.found), "status file agrees with the counters", file: file, line: line)
        XCTAssertEqual(shares["accepted"]?.integerValue, Int64(counters.accepted), file: file, line: line)
        XCTAssertEqual(shares["lost"]?.integerValue, Int64(counters.lost), file: file, line: line)
        XCTAssertEqual(shares["rejected"]?.integerValue, Int64(counters.rejected), file: file, line: line)
        XCTAssertEqual(shares["pending"]?.integerValue, 0, file: file, line: line)
        XCTAssertEqual(worker["pool"]?["state"]?.stringValue, "disconnected", "final status after shutdown", file: file, line: line)
        let records = try shareLog()
        XCTAssertEqual(records.count, shareEvents.count, "one share-log line per share outcome", file: file, line: line)
        var byResult: [String: Int] = [:]
        for record in records { byResult[record.result.rawValue, default: 0] += 1 }
        XCTAssertEqual(byResult["accepted", default: 0], Int(counters.accepted), "share log: accepted", file: file, line: line)
        XCTAssertEqual(byResult["lost", default: 0], Int(counters.lost), "share log: lost \(byResult)", file: file, line: line)
        XCTAssertEqual(byResult["rejected", default: 0], Int(counters.rejected), "share log: rejected \(byResult)", file: file, line: line)
    }
}
