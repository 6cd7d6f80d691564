import Foundation
import MinerDaemon
import StratumProtocol
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The daemon run as a subprocess the way systemd runs it: the notify protocol on a test socket,
/// SIGTERM, and SIGHUP reloads.
final class ServiceSystemdTests: XCTestCase {
    static let password = "sd-secret-never-logged"

    func config(pool: String, directory: String, extra: String = "") -> String {
        """
        [miner]
        kernel = "auto"
        status_file = "\(directory)/status.json"
        share_log = "\(directory)/shares.jsonl"
        status_interval = 1
        shutdown_grace = 3
        log_level = "info"
        \(extra)
        [[worker]]
        name = "rig1"
        user = "tester.rig1"
        password = "\(Self.password)"
        threads = 1

        [[worker.pool]]
        url = "\(pool)"
        suggest_difficulty = false
        """
    }

    func environment(notify: NotifySocketListener?, watchdogMicroseconds: Int? = nil) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = notify?.address
        environment["WATCHDOG_USEC"] = watchdogMicroseconds.map(String.init)
        environment.removeValue(forKey: "WATCHDOG_PID")
        return environment
    }

    /// READY=1 only after the pool's first job, STATUS= updates, WATCHDOG=1 when asked for,
    /// STOPPING=1 at SIGTERM, then a final status file and exit 0 within the grace period.
    func testNotifyProtocolAndSIGTERM() async throws {
        let directory = try serviceTemporaryDirectory()
        let pool = try await TestPool()
        let notify = try NotifySocketListener(abstract: true, directory: directory)
        defer { notify.stop() }
        let configPath = directory + "/swiftminer.toml"
        try config(pool: pool.url, directory: directory).write(toFile: configPath, atomically: true, encoding: .utf8)
        let miner = try BackgroundMiner(["run", "--config", configPath],
                                        environment: environment(notify: notify, watchdogMicroseconds: 1_000_000),
                                        directory: directory)

        let ready = await notify.waitFor("READY=1", timeout: 10)
        let readyIndex = try XCTUnwrap(ready, "READY=1 within 10 s; stderr:\n\(miner.stderr)")
        let readyTime = notify.assignments[readyIndex].time
        let firstJob = try XCTUnwrap(pool.firstJobSentAt, "the pool sent a job")
        XCTAssertLessThanOrEqual(firstJob, readyTime, "READY=1 comes only after the first job")
        XCTAssertTrue(notify.assignments[..<readyIndex].allSatisfy { !$0.line.hasPrefix("READY") })

        // STATUS= with hashrate and share counts, refreshed every status_interval (1 s).
        _ = await eventually(timeout: 8) { pool.accepted >= 2 }
        let statusIndex = await notify.waitFor("STATUS=", prefix: true, after: readyIndex + 1, timeout: 5)
        XCTAssertNotNil(statusIndex, "STATUS= updates after READY")
        let statuses = notify.assignments.map(\.line).filter { $0.hasPrefix("STATUS=") }
        XCTAssertTrue(statuses.contains { $0.contains("H/s") && $0.contains("accepted") && $0.contains("rejected") },
                      "\(statuses)")
        // WATCHDOG_USEC=1 s: a ping every half second while hashes advance.
        let pinged = await eventually(timeout: 5) { notify.assignments.filter { $0.line == "WATCHDOG=1" }.count >= 2 }
        XCTAssertTrue(pinged, "WATCHDOG=1 pings: \(notify.assignments.map(\.line))")
        let statusUpdates = await eventually(timeout: 5) { notify.assignments.filter { $0.line.hasPrefix("STATUS=") }.count >= 2 }
        XCTAssertTrue(statusUpdates, "STATUS= refreshed every status_interval")

        let stopAsked = Date()
        miner.send(SIGTERM)
        let status = await miner.waitForExit(timeout: 3 + 4)
        XCTAssertEqual(status, 0, "exit 0 after SIGTERM; stderr:\n\(miner.stderr)")
        XCTAssertLessThan(Date().timeIntervalSince(stopAsked), 3 + 4, "within the grace period (3 s) plus start-up slack")
        let awaited1 = await notify.waitFor("STOPPING=1", timeout: 1)
        XCTAssertNotNil(awaited1, "STOPPING=1 at shutdown")

        // The final status: every share answered, the pool disconnected.
        let document = try JSONValue.parse(Array(try XCTUnwrap(FileManager.default.contents(atPath: directory + "/status.json"))))
        let worker = try XCTUnwrap(document["workers"]?.arrayValue?.first)
        XCTAssertEqual(worker["pool"]?["state"]?.stringValue, "disconnected", "final status written after shutdown")
        XCTAssertEqual(worker["shares"]?["pending"]?.integerValue, 0)
        XCTAssertGreaterThan(document["shares"]?["accepted"]?.integerValue ?? 0, 0)
        XCTAssertFalse(miner.stderr.contains(Self.password), "the password is never logged")
        await pool.stop()
    }

    /// Without WATCHDOG_USEC no WATCHDOG=1 is sent; a path (not abstract) socket works too.
    func testNoWatchdogUnlessAskedAndPathSocket() async throws {
        let directory = try serviceTemporaryDirectory()
        let pool = try await TestPool()
        let notify = try NotifySocketListener(abstract: false, directory: directory)
        defer { notify.stop() }
        let miner = try BackgroundMiner(["run", "-o", pool.url, "-u", "tester.rig1", "-p", Self.password, "-t", "1",
                                         "--kernel", "auto", "--status-file", directory + "/status.json",
                                         "--share-log", ""],
                                        environment: environment(notify: notify), directory: directory)
        let awaited2 = await notify.waitFor("READY=1", timeout: 10)
        XCTAssertNotNil(awaited2, "stderr:\n\(miner.stderr)")
        try await Task.sleep(for: .seconds(1))
        miner.send(SIGINT)
        let awaited3 = await miner.waitForExit(timeout: 7)
        XCTAssertEqual(awaited3, 0)
        XCTAssertFalse(notify.assignments.contains { $0.line == "WATCHDOG=1" })
        let awaited4 = await notify.waitFor("STOPPING=1", timeout: 1)
        XCTAssertNotNil(awaited4)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/shares.jsonl"), "--share-log \"\" disables it")
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory + "/status.json"), "--status-file is used")
        await pool.stop()
    }

    /// SIGHUP with a changed pool: RELOADING=1, then the daemon mines on the new pool and READY=1 again.
    /// SIGHUP with a broken file: rejected with a log line, the old configuration keeps mining.
    func testSIGHUPReloadsAndKeepsOldConfigWhenBroken() async throws {
        let directory = try serviceTemporaryDirectory()
        let poolA = try await TestPool(), poolB = try await TestPool()
        let notify = try NotifySocketListener(abstract: true, directory: directory)
        defer { notify.stop() }
        let configPath = directory + "/swiftminer.toml"
        try config(pool: poolA.url, directory: directory).write(toFile: configPath, atomically: true, encoding: .utf8)
        let miner = try BackgroundMiner(["run", "--config", configPath], environment: environment(notify: notify),
                                        directory: directory)
        let firstReady = await notify.waitFor("READY=1", timeout: 10)
        XCTAssertNotNil(firstReady, "stderr:\n\(miner.stderr)")

        // A broken file: the old configuration stays.
        try (config(pool: poolB.url, directory: directory) + "\nbogus_key = 1\n")
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        let before = notify.assignments.count
        miner.send(SIGHUP)
        let awaited5 = await notify.waitFor("RELOADING=1", after: before, timeout: 5)
        XCTAssertNotNil(awaited5)
        let awaited6 = await notify.waitFor("READY=1", after: before, timeout: 5)
        XCTAssertNotNil(awaited6, "READY=1 again after a rejected reload")
        let rejected = await eventually(timeout: 3) { miner.stderr.contains("new configuration rejected") }
        XCTAssertTrue(rejected, "stderr:\n\(miner.stderr)")
        XCTAssertTrue(miner.stderr.contains("key worker[0].pool[0].bogus_key"), "the log line names the key")
        let acceptedOnA = poolA.accepted
        let awaited7 = await eventually(timeout: 6) { poolA.accepted > acceptedOnA }
        XCTAssertTrue(awaited7, "still mining on the old pool")
        XCTAssertEqual(poolB.pool.stats.sessions.count, 0, "the broken file's pool was not used")
        let awaited8 = await miner.waitForExit(timeout: 0)
        XCTAssertNil(awaited8, "still running")

        // A good file with another pool: switch.
        try config(pool: poolB.url, directory: directory).write(toFile: configPath, atomically: true, encoding: .utf8)
        let beforeReload = notify.assignments.count
        miner.send(SIGHUP)
        let awaited9 = await notify.waitFor("RELOADING=1", after: beforeReload, timeout: 5)
        XCTAssertNotNil(awaited9)
        let awaited10 = await eventually(timeout: 8) { poolB.accepted > 0 }
        XCTAssertTrue(awaited10, "mining on the new pool; stderr:\n\(miner.stderr)")
        let awaited11 = await notify.waitFor("READY=1", after: beforeReload, timeout: 5)
        XCTAssertNotNil(awaited11)
        let acceptedOnAAfterSwitch = poolA.accepted
        try await Task.sleep(for: .seconds(1))
        XCTAssertEqual(poolA.accepted, acceptedOnAAfterSwitch, "the old pool gets no more shares")

        miner.send(SIGTERM)
        let awaited12 = await miner.waitForExit(timeout: 7)
        XCTAssertEqual(awaited12, 0)
        XCTAssertFalse(miner.stderr.contains(Self.password))
        await poolA.stop()
        await poolB.stop()
    }
}
