import Configuration
import Foundation
import HashingEngine
import LocalPool
import Logging
import MinerDaemon
import PoolSettings
import ServiceLifecycle
import StratumClient
import StratumProtocol
import XCTest

/// The daemon against LocalPool on 127.0.0.1: what users watch (status file, share log) matches
/// what the pool saw, holds no secret, and a broken state directory does not stop mining.
final class DaemonStatusFilesTests: XCTestCase {
    static let password = "hunter2-do-not-leak"

    /// A difficulty that gives a few shares a second with the kernel this machine picks.
    static var difficulty: Double { KernelSelection.automatic().kind == .swift ? 1e-6 : 2e-4 }

    /// Runs the daemon for `seconds` against a fresh LocalPool; returns the pool's stats.
    func mine(seconds: Double, statusFile: String?, shareLog: String?,
              observer: (@Sendable (ShareEvent) -> Void)? = nil) async throws -> LocalPoolStats {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let pool = LocalPool(configuration: LocalPoolConfiguration(initialDifficulty: Self.difficulty, jobInterval: 0), logger: logger)
        let port = try await pool.start()
        let worker = WorkerSettings(name: "rig1", user: "tester.rig1", password: Self.password, threads: 1,
                                    pools: [PoolConfiguration(url: "stratum+tcp://127.0.0.1:\(port)", difficultySuggestion: .off)])
        let settings = MinerSettings(workers: [worker], shutdownGrace: .seconds(3), statusFile: statusFile,
                                     shareLog: shareLog, statusInterval: .seconds(1))
        let service = try MinerService(settings: settings, logger: logger, observer: observer)
        let group = ServiceGroup(services: [service], gracefulShutdownSignals: [], logger: logger)
        let stopper = Task {
            try await Task.sleep(for: .seconds(seconds))
            await group.triggerGracefulShutdown()
        }
        try await group.run()
        _ = await stopper.result
        let stats = pool.stats
        await pool.stop()
        return stats
    }

    func testStatusFileAndShareLogMatchThePool() async throws {
        let directory = try temporaryDirectory()
        let statusPath = directory + "/status.json", logPath = directory + "/shares.jsonl"
        let stats = try await mine(seconds: 3, statusFile: statusPath, shareLog: logPath)
        XCTAssertGreaterThan(stats.accepted, 0, "the run found shares")
        XCTAssertEqual(stats.rejected, 0)

        let status = try JSONValue.parse(Array(try XCTUnwrap(FileManager.default.contents(atPath: statusPath))))
        XCTAssertEqual(status["shares"]?["accepted"]?.integerValue, Int64(stats.accepted))
        let worker = try XCTUnwrap(status["workers"]?.arrayValue?.first)
        let shares = try XCTUnwrap(worker["shares"])
        let found = shares["found"]?.integerValue ?? -1
        let sum = ["accepted", "rejected", "stale", "lost", "pending"].compactMap { shares[$0]?.integerValue }.reduce(0, +)
        XCTAssertEqual(found, sum, "found = accepted + rejected + stale + lost + pending")
        XCTAssertEqual(shares["pending"]?.integerValue, 0, "every share answered before exit")
        XCTAssertEqual(worker["pool"]?["state"]?.stringValue, "disconnected", "final status written after shutdown")
        XCTAssertEqual(worker["user"]?.stringValue, "tester.rig1")
        XCTAssertEqual(status["warnings"]?.arrayValue?.count, 0, "no share-rate warning when nothing is dropped")
        XCTAssertGreaterThan(status["hashrate"]?["10s"]?.doubleValue ?? 0, 0)
        // The per-minute history adds up to the totals (the counters start at zero with the daemon).
        let history = try XCTUnwrap(status["history"]?.arrayValue)
        XCTAssertTrue((1...2).contains(history.count), "a 3 s run spans one or two minutes: \(history.count)")
        XCTAssertEqual(history.compactMap { $0["accepted"]?.integerValue }.reduce(0, +), Int64(stats.accepted))
        XCTAssertEqual(history.compactMap { $0["hashes"]?.integerValue }.reduce(0, +), worker["hashes_total"]?.integerValue)
        XCTAssertEqual(status["schema"]?.integerValue, 2)

        let lines = try String(contentsOfFile: logPath, encoding: .utf8).split(separator: "\n")
        let records = try lines.map { try ShareLogRecord(line: $0) }
        let accepted = records.filter { $0.result == .accepted }
        XCTAssertEqual(accepted.count, stats.accepted, "one share-log line per accepted share")
        // The very shares the pool accepted, by nonce and extranonce2.
        let poolShares = Set(stats.acceptedShares.map { "\($0.extranonce2)/\(WireEncoding.hex($0.nonce))" })
        let loggedShares = Set(accepted.map { "\($0.extranonce2)/\($0.nonce)" })
        XCTAssertEqual(loggedShares, poolShares)
        for line in lines {
            // The file's format: every key, the absent ones as null.
            XCTAssertEqual(Set(try XCTUnwrap(JSONValue.parse(Array(line.utf8)).objectValue).keys), [
                "time", "worker", "pool", "job_id", "extranonce2", "ntime", "nonce", "version_bits",
                "share_difficulty", "target_difficulty", "result", "reason", "latency_ms",
            ])
        }
        for record in records { XCTAssertGreaterThanOrEqual(record.shareDifficulty, record.targetDifficulty) }

        // No secret anywhere the daemon wrote.
        for file in try FileManager.default.contentsOfDirectory(atPath: directory) {
            let text = try String(contentsOfFile: directory + "/" + file, encoding: .utf8)
            XCTAssertFalse(text.contains(Self.password), "\(file) contains the password")
        }
        // The all-time best share survives: it is kept beside the status file.
        let best = try XCTUnwrap(BestShareRecord.load(from: directory + "/best-share.json"))
        XCTAssertEqual(best.difficulty, status["best_share_difficulty_ever"]?.doubleValue)
    }

    func testAnUnwritableStateDirectoryDoesNotStopMining() async throws {
        let directory = try temporaryDirectory()
        // A regular file where the directory should be: writes fail even for root.
        let blocker = directory + "/state"
        try Data("not a directory".utf8).write(to: URL(fileURLWithPath: blocker))
        let statusPath = blocker + "/status.json", logPath = blocker + "/shares.jsonl"
        let lastCounters = CounterBox()
        let stats = try await mine(seconds: 2.5, statusFile: statusPath, shareLog: logPath) { lastCounters.set($0.counters) }
        XCTAssertGreaterThan(stats.accepted, 0, "mining went on")
        XCTAssertEqual(Int(lastCounters.value.accepted), stats.accepted, "counters stayed right")
        XCTAssertFalse(FileManager.default.fileExists(atPath: statusPath))
    }

    func testWritingResumesWhenTheDirectoryComesBack() async throws {
        let directory = try temporaryDirectory()
        let state = directory + "/state"
        let statusPath = state + "/status.json", logPath = state + "/shares.jsonl"
        let creator = Task {
            try await Task.sleep(for: .seconds(1.5))
            try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        }
        let stats = try await mine(seconds: 3.5, statusFile: statusPath, shareLog: logPath)
        try await creator.value
        XCTAssertGreaterThan(stats.accepted, 0)
        let status = try JSONValue.parse(Array(try XCTUnwrap(FileManager.default.contents(atPath: statusPath))))
        XCTAssertEqual(status["shares"]?["accepted"]?.integerValue, Int64(stats.accepted))
        let lines = try String(contentsOfFile: logPath, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.filter { $0.contains(#""result":"accepted""#) }.count, stats.accepted,
                       "lines kept in memory while the directory was missing were written later")
    }
}

final class CounterBox: @unchecked Sendable {
    private let lock = NSLock()
    private var counters = ShareCounters()
    var value: ShareCounters { lock.withLock { counters } }
    func set(_ new: ShareCounters) { lock.withLock { counters = new } }
}
