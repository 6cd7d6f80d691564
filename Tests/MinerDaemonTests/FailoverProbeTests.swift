import Configuration
import Foundation
import LocalPool
import Logging
import MinerDaemon
import StratumClient
import XCTest

/// Failover with the primary probed on a side connection (every 200 ms here): the daemon against
/// two LocalPools on 127.0.0.1.
final class FailoverProbeTests: XCTestCase {
    private func makePool(port: Int = 0) -> LocalPool {
        LocalPool(configuration: LocalPoolConfiguration(port: port, initialDifficulty: EndToEndRun.difficulty, jobInterval: 0),
                  logger: Logger(label: "failover.pool") { _ in SwiftLogNoOpLogHandler() })
    }

    /// A port on 127.0.0.1 where nothing listens (yet): the primary is down.
    private func downPort() async throws -> Int {
        let pool = makePool()
        let port = try await pool.start()
        await pool.stop()
        return port
    }

    private static let tuning: @Sendable (inout WorkerSettings) -> Void = { c in
        c.timers.primaryProbeInterval = .milliseconds(200)
        c.timers.submitTimeout = .seconds(10)
    }

    private func warnings(about port: Int, in run: FaultRun) -> Int {
        run.logs.records.filter { $0.level >= .warning && $0.message.contains(":\(port)") }.count
    }

    /// The primary is down for many probe intervals: the miner keeps its one backup session
    /// (the backup pool sees one session, one subscribe), loses no share, and the failed probes
    /// are info/debug lines, not warnings.
    func testPrimaryDownKeepsOneBackupSession() async throws {
        let primaryPort = try await downPort()
        let backup = makePool()
        let backupPort = try await backup.start()
        let run = try FaultRun(ports: [primaryPort, backupPort], tuning: Self.tuning)
        await run.expect(.seconds(8), "mining on the backup") { backup.stats.accepted >= 2 }
        let primaryWarnings = warnings(about: primaryPort, in: run)
        // Twenty probe intervals and more, with shares flowing on the backup meanwhile.
        await run.expect(.seconds(10), "the primary probed many times") {
            run.logs.records.filter { $0.message.contains("did not answer the probe") }.count >= 1
        }
        try await Task.sleep(for: .seconds(4))
        let acceptedBefore = backup.stats.accepted
        await run.expect(.seconds(8), "still mining on the backup") { backup.stats.accepted > acceptedBefore }
        try await run.stop()
        let stats = backup.stats
        await backup.stop()

        print("failover probe: backup sessions while the primary was down: \(stats.sessions.count)")
        XCTAssertEqual(stats.sessions.count, 1, "exactly one backup session: \(stats.sessions)")
        XCTAssertEqual(stats.sessions.filter(\.subscribed).count, 1, "exactly one subscribe on the backup")
        XCTAssertEqual(run.counters.lost, 0, "no share lost")
        XCTAssertEqual(run.counters.rejected, 0)
        XCTAssertEqual(Int(run.counters.accepted), stats.accepted, "the backup accepted every share the miner counts")
        XCTAssertTrue(run.logs.contains(level: .info, "did not answer the probe"), "a failed probe is logged")
        XCTAssertEqual(warnings(about: primaryPort, in: run), primaryWarnings, "failed probes are no warnings: "
            + "\(run.logs.records.filter { $0.level >= .warning }.map(\.message))")
        try run.assertBooks()
    }

    /// The primary comes back while the backup holds unanswered shares: the miner switches once
    /// the primary's probe is authorized (the probe connection is the primary's one session),
    /// the backup's pending shares get their answers before it closes (none lost), and mining
    /// goes on on the primary.
    func testPrimaryBackSwitchesAfterTheProbeAndLosesNothing() async throws {
        let primaryPort = try await downPort()
        let backup = makePool()
        let backupPort = try await backup.start()
        let run = try FaultRun(ports: [primaryPort, backupPort], tuning: Self.tuning)
        await run.expect(.seconds(8), "mining on the backup") { backup.stats.accepted >= 2 }
        backup.holdSubmitAnswers()
        await run.expect(.seconds(8), "a share pending on the backup") { backup.heldSubmitAnswerCount >= 1 }
        let held = backup.heldSubmitAnswerCount
        let primary = makePool(port: primaryPort)
        _ = try await primary.start()
        await run.expect(.seconds(5), "switched to the primary") {
            run.logs.contains(level: .info, "the primary pool answered the probe")
        }
        XCTAssertTrue(backup.stats.sessions.contains(where: \.connected), "the backup stays open while its shares are pending")
        backup.releaseHeldSubmitAnswers()
        await run.expect(.seconds(5), "the backup closed after its answers") { !backup.stats.sessions.contains(where: \.connected) }
        await run.expect(.seconds(8), "mining on the primary") { primary.stats.accepted >= 2 }
        try await run.stop()
        let backupStats = backup.stats, primaryStats = primary.stats
        await backup.stop()
        await primary.stop()

        XCTAssertGreaterThanOrEqual(held, 1)
        XCTAssertEqual(backupStats.sessions.count, 1, "one backup session: \(backupStats.sessions)")
        XCTAssertEqual(primaryStats.sessions.count, 1, "the authorized probe became the primary session (no second connect)")
        XCTAssertEqual(run.counters.lost, 0, "no share lost: \(run.shareEvents.filter { $0.outcome == .lost }.map(\.reason))")
        XCTAssertEqual(run.counters.rejected, 0)
        XCTAssertEqual(Int(run.counters.accepted), backupStats.accepted + primaryStats.accepted,
                       "every share the pools accepted is counted accepted by the miner")
        let accepted = run.shareEvents.filter { $0.outcome == .accepted }.map(\.pool)
        XCTAssertTrue(accepted.last?.hasSuffix(":\(primaryPort)") ?? false, "the last shares are the primary's")
        XCTAssertFalse(run.logs.contains(level: .warning, "disconnected from stratum+tcp://127.0.0.1:\(backupPort)"),
                       "the switch is not reported as a disconnection")
        try run.assertBooks()
    }
}
