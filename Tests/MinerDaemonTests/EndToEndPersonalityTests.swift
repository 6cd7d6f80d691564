import Foundation
import LocalPool
import MinerDaemon
import PoolSettings
import StratumClient
import StratumProtocol
import XCTest

/// The real daemon against `LocalPool` mimicking each real pool's wire behaviour, with the default
/// `suggest_difficulty = "auto"`: every pool starts far above what one CPU thread finds in the
/// test's time (public-pool 16384, ckpool's startdiff 42, the others 1), so shares arrive only
/// because the suggestion, computed from the measured hash rate, was sent and honoured.
final class EndToEndPersonalityTests: XCTestCase {
    /// Seconds per share asked for: short, so a test sees several shares.
    static let targetShareInterval = 0.25

    struct Report: CustomStringConvertible {
        var personality: LocalPoolPersonality
        var accepted: UInt64, rejected: UInt64, stale: UInt64, lost: UInt64, hardwareErrors: Int
        var firstAccepted: Duration
        var description: String {
            "\(personality.rawValue): accepted \(accepted), rejected \(rejected), stale \(stale), lost \(lost), "
                + "hardware errors \(hardwareErrors), first accepted share after \(firstAccepted)"
        }
    }

    private func mine(_ personality: LocalPoolPersonality, startDifficulty: Double? = nil,
                      extranonceSubscribe: Bool = false, file: StaticString = #filePath, line: UInt = #line) async throws -> Report {
        var configuration = LocalPoolConfiguration.mimicking(personality)
        if let startDifficulty { configuration.initialDifficulty = startDifficulty }
        let start = configuration.initialDifficulty
        let began = ContinuousClock.now
        let run = try await EndToEndRun(pool: configuration, targetShareInterval: Self.targetShareInterval) {
            [PoolConfiguration(url: "stratum+tcp://127.0.0.1:\($0)", extranonceSubscribe: extranonceSubscribe)]
        }
        // Counts, not timing: generous limits; the time to the first share is only reported.
        // ckpool applies a new difficulty from its next job (every 30 s, as its default update interval).
        await run.expect(.seconds(60), "first accepted share", file: file, line: line) { run.counters.accepted >= 1 }
        let firstAccepted = ContinuousClock.now - began
        await run.expect(.seconds(30), "several accepted shares", file: file, line: line) { run.counters.accepted >= 4 }
        let sessions = run.sessions(subscribed: true)
        try await run.stop()
        run.assertConsistent(file: file, line: line)
        let counters = run.counters
        let hardwareErrors = run.logs.records.filter { $0.message.contains("failed re-verification") }.count
        XCTAssertGreaterThanOrEqual(counters.accepted, 4, file: file, line: line)
        XCTAssertEqual(counters.rejected, 0, "none rejected: \(counters)", file: file, line: line)
        XCTAssertEqual(counters.lost, 0, "none lost", file: file, line: line)
        XCTAssertEqual(hardwareErrors, 0, "no hardware errors", file: file, line: line)
        XCTAssertTrue(run.logs.contains(level: .info, "suggested difficulty"), file: file, line: line)
        XCTAssertTrue(sessions.contains { $0.difficulty < start / 10 }, "the pool took the suggestion: start \(start), "
                      + "sessions at \(sessions.map(\.difficulty))", file: file, line: line)
        let report = Report(personality: personality, accepted: counters.accepted, rejected: counters.rejected,
                            stale: counters.stale, lost: counters.lost, hardwareErrors: hardwareErrors, firstAccepted: firstAccepted)
        print("personality report: \(report)")
        return report
    }

    func testCkpool() async throws {
        _ = try await mine(.ckpool, startDifficulty: 42)
    }

    func testPublicPool() async throws {
        _ = try await mine(.publicPool)
    }

    func testMiningcore() async throws {
        _ = try await mine(.miningcore)
    }

    func testNiceHash() async throws {
        _ = try await mine(.niceHash, extranonceSubscribe: true)
    }

    func testDatum() async throws {
        _ = try await mine(.datum)
    }

    /// DATUM's notify carries a coinb2 of about 32 KB of hex: the whole line must fit the
    /// client's longest accepted line, with room to spare.
    func testDatumNotifyFitsTheClientsMaximumLineLength() async throws {
        let pool = LocalPool(configuration: .mimicking(.datum))
        _ = try await pool.start()
        let notify = pool.broadcastNewJob(clean: true).notify(extranonce1Size: 8, extranonce2Size: 8)
        await pool.stop()
        let line = JSONValue.object(["id": .null, "method": "mining.notify", "params": .array(notify.params)]).serialized
        let limit = StratumClientConfiguration(pools: [], user: "u").maximumLineLength
        XCTAssertGreaterThan(line.utf8.count, 30_000, "a DATUM-sized notify")
        XCTAssertLessThan(line.utf8.count, limit, "fits the client's maximum line length (\(limit))")
    }
}
