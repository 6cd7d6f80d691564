import LocalPool
import MinerDaemon
import XCTest

/// The daemon against LocalPool reproducing real pools' vardiff re-sends (issue 14 item 4):
/// miningcore sends `mining.set_difficulty` and then the identical current job again (same id);
/// public-pool sends it and a clean job built from the same template. Whatever the pool does, no
/// header is submitted twice, no share is rejected, none is lost, no hardware error is logged.
final class EndToEndVardiffResendTests: XCTestCase {
    static let d = EndToEndRun.difficulty

    func testMiningcoreResendOfTheSameJob() async throws {
        try await resendRun(.miningcore)
    }

    func testPublicPoolCleanJobFromTheSameTemplate() async throws {
        try await resendRun(.publicPool)
    }

    private func resendRun(_ personality: LocalPoolPersonality, file: StaticString = #filePath, line: UInt = #line) async throws {
        var configuration = EndToEndDaemonTests.poolConfiguration()
        configuration.personality = personality
        configuration.honorSuggestedDifficulty = false  // the test sets the difficulty
        let run = try await EndToEndRun(pool: configuration)
        await run.expect { run.pool.stats.accepted >= 2 }
        // Vardiff up, down and up again: each change re-sends the work the personality's way.
        for (step, difficulty) in [Self.d * 2, Self.d, Self.d * 2].enumerated() {
            let before = run.pool.stats.accepted
            // Per session: that is the path that re-sends work the personality's way.
            for session in run.pool.sessionIDs { try run.pool.setDifficulty(difficulty, session: session) }
            await run.expect(.seconds(6), "\(personality): shares after change \(step)") { run.pool.stats.accepted >= before + 2 }
        }
        try await run.stop()
        let stats = run.pool.stats
        // public-pool's re-send is a clean job: a share already on its way when the pool dropped the
        // old job is refused as not found — a race on the wire, counted stale by the miner, never
        // invalid. miningcore's re-send keeps the job, so nothing at all may be refused there.
        let raced = personality == .publicPool ? stats.rejectedByReason[.jobNotFound] ?? 0 : 0
        XCTAssertEqual(stats.rejected, raced, "\(personality): \(stats.rejectedByReason)", file: file, line: line)
        XCTAssertLessThanOrEqual(raced, 3, "only shares in flight at one of the three changes", file: file, line: line)
        XCTAssertNil(stats.rejectedByReason[.duplicate], file: file, line: line)
        let hashes = stats.acceptedShares.map(\.hash)
        XCTAssertEqual(Set(hashes).count, hashes.count, "no header submitted twice", file: file, line: line)
        XCTAssertEqual(run.counters.lost, 0, file: file, line: line)
        XCTAssertEqual(run.counters.stale, UInt64(raced), "the refused shares count as stale", file: file, line: line)
        XCTAssertFalse(run.logs.records.contains { $0.message.contains("failed re-verification") },
                       "no candidate counted as a hardware error", file: file, line: line)
        XCTAssertTrue(stats.acceptedShares.allSatisfy { $0.shareDifficulty >= $0.difficulty }, file: file, line: line)
        run.assertConsistent(file: file, line: line)
    }
}
