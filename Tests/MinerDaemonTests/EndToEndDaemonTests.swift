import Configuration
import Foundation
import HashingEngine
import LocalPool
import Logging
import MinerDaemon
import MiningCore
import PoolSettings
import StratumClient
import StratumProtocol
import XCTest

/// The real daemon against the real validating pool on 127.0.0.1, through each protocol
/// extension and each way a connection can end. Every test checks both sides: what the pool
/// accepted and what the miner counted (found = accepted + rejected + stale + lost + pending).
final class EndToEndDaemonTests: XCTestCase {
    static let d = EndToEndRun.difficulty

    static func poolConfiguration(difficulty: Double = d, versionRollingMask: UInt32? = VersionRolling.standardMask,
                                  extranonce2Size: Int = 4, authorizedUsers: Set<String>? = nil,
                                  tls: LocalPoolTLS? = nil) -> LocalPoolConfiguration {
        LocalPoolConfiguration(initialDifficulty: difficulty, extranonce2Size: extranonce2Size,
                               versionRollingMask: versionRollingMask, jobInterval: 0, authorizedUsers: authorizedUsers,
                               nbits: 0x1d00_ffff, tls: tls)  // mainnet-like nbits: shares are not blocks
    }

    // MARK: - Shares

    /// Plain mining: every share the miner found is accepted, with no rejection, and both sides agree.
    func testSharesAreAcceptedWithNoRejection() async throws {
        let run = try await EndToEndRun()
        await run.expect(.seconds(4), "shares: \(run.pool.stats.accepted)") { run.pool.stats.accepted >= 5 }
        try await run.stop()
        let stats = run.pool.stats
        XCTAssertEqual(stats.rejected, 0, "\(stats.rejectedByReason)")
        XCTAssertEqual(run.counters.rejected + run.counters.stale + run.counters.lost, 0, "\(run.counters)")
        XCTAssertEqual(run.counters.found, run.counters.accepted)
        run.assertConsistent()
        // The very shares: same nonces and extranonce2 on both sides, each meeting its target.
        let poolShares = Set(stats.acceptedShares.map { "\($0.jobID)/\($0.extranonce2)/\($0.nonce)" })
        let minerShares = Set(run.accepted.map { "\($0.candidate.jobID)/\(Hex.encode($0.candidate.extranonce2))/\($0.candidate.nonce)" })
        XCTAssertEqual(poolShares, minerShares)
        XCTAssertTrue(stats.acceptedShares.allSatisfy { $0.shareDifficulty >= $0.difficulty && $0.worker == "tester.rig1" })
        XCTAssertEqual(stats.sessions.count, 1, "one connection")
        XCTAssertEqual(stats.sessions.first?.userAgent, "SwiftMiner/\(SwiftMinerVersion.string)")
    }

    /// Graceful shutdown with shares in the engine's last batch: every share found before hashing
    /// stopped is still submitted and answered within the grace period, none is lost. Batches of
    /// ~300 ms (instead of 2) make the window wide: shares found early in a batch are reported
    /// when it ends, which used to be after the shutdown drain had found nothing pending and the
    /// client had stopped ("lost: not sent").
    func testSharesFoundAsHashingStopsAreSubmittedBeforeShutdown() async throws {
        // Some tens of shares a second, so most batches hold several.
        let difficulty = KernelSelection.automatic().kind == .swift ? 2e-7 : 1e-4
        let run = try await EndToEndRun(pool: Self.poolConfiguration(difficulty: difficulty),
                                        hashingBatchTarget: .milliseconds(300))
        await run.expect(.seconds(8), "shares: \(run.pool.stats.accepted)") { run.pool.stats.accepted >= 5 }
        // Stop in the middle of a batch: just after one batch's shares have been answered.
        let answered = run.counters.accepted
        await run.expect(.seconds(4), "next batch: \(run.counters)") { run.counters.accepted > answered && run.counters.pending == 0 }
        try await Task.sleep(for: .milliseconds(150))
        try await run.stop()
        XCTAssertEqual(run.counters.lost, 0, "\(run.counters); \(run.logs.lines(containing: "lost"))")
        XCTAssertEqual(run.counters.rejected + run.counters.stale, 0, "\(run.counters)")
        XCTAssertEqual(run.counters.found, run.counters.accepted, "\(run.counters)")
        XCTAssertFalse(run.logs.contains(level: .warning, "shares still unanswered at shutdown"))
        run.assertConsistent()
    }

    /// `mining.notify` with clean_jobs: the miner moves to the new job at once; later shares are
    /// for it, and there is no flood of stale shares.
    func testCleanJobMovesEveryShareToTheNewJob() async throws {
        let run = try await EndToEndRun()
        await run.expect { run.pool.stats.accepted >= 2 }
        let acceptedBefore = run.accepted.count
        let job = run.pool.broadcastNewJob(clean: true)
        await run.expect { run.pool.stats.acceptedShares.filter { $0.jobID == job.jobID }.count >= 3 }
        try await run.stop()
        let stats = run.pool.stats
        let after = stats.acceptedShares.drop { $0.jobID != job.jobID }
        XCTAssertTrue(after.allSatisfy { $0.jobID == job.jobID }, "once on the new job, no share for an old one was accepted")
        // Shares still on their way when the clean job arrived may be stale: a handful at most.
        let stale = run.shareEvents.filter(\.outcome.isStale)
        XCTAssertLessThanOrEqual(stale.count, 2, "stale: \(stale.map(\.reason))")
        XCTAssertEqual(stats.rejected - (stats.rejectedByReason[.staleJob] ?? 0), 0, "\(stats.rejectedByReason)")
        XCTAssertEqual(run.counters.rejected, 0)
        let minerAfter = run.accepted.dropFirst(acceptedBefore).drop { $0.candidate.jobID != job.jobID }
        XCTAssertTrue(minerAfter.allSatisfy { $0.candidate.jobID == job.jobID })
        XCTAssertEqual(run.pool.stats.sessions.first?.rejectedByReason[.jobNotFound], nil)
        run.assertConsistent()
    }

    /// `mining.set_difficulty`: shares for jobs sent after it are judged at the new difficulty,
    /// by the pool and by the miner, and none is rejected as low-difficulty.
    func testDifficultyChangeAppliesToLaterShares() async throws {
        let run = try await EndToEndRun()
        await run.expect { run.pool.stats.accepted >= 2 }
        let newDifficulty = Self.d * 2
        try run.pool.setDifficulty(newDifficulty)
        await run.expect { run.pool.stats.acceptedShares.filter { $0.difficulty == newDifficulty }.count >= 2 }
        try await run.stop()
        let stats = run.pool.stats
        XCTAssertEqual(stats.rejected, 0, "\(stats.rejectedByReason)")
        XCTAssertEqual(stats.rejectedByReason[.lowDifficulty], nil)
        let later = stats.acceptedShares.drop { $0.difficulty != newDifficulty }
        XCTAssertTrue(later.allSatisfy { $0.difficulty == newDifficulty && $0.shareDifficulty >= newDifficulty },
                      "after the first share at the new difficulty, every share is judged at it")
        let minerLater = run.accepted.drop { $0.candidate.targetDifficulty != newDifficulty }
        XCTAssertGreaterThanOrEqual(minerLater.count, 2)
        XCTAssertTrue(minerLater.allSatisfy { $0.candidate.targetDifficulty == newDifficulty && $0.candidate.shareDifficulty >= newDifficulty })
        XCTAssertTrue(run.accepted.first.map { $0.candidate.targetDifficulty == Self.d } ?? false, "first shares at the initial difficulty")
        run.assertConsistent()
    }

    /// `mining.extranonce.subscribe` + `mining.set_extranonce`: the miner builds the next job with
    /// the new extranonce1 and the pool accepts its shares.
    func testSetExtranonceSharesUseTheNewExtranonce1() async throws {
        let run = try await EndToEndRun { [PoolConfiguration(url: "stratum+tcp://127.0.0.1:\($0)", extranonceSubscribe: true, difficultySuggestion: .off)] }
        await run.expect { run.pool.stats.accepted >= 2 }
        let old = try XCTUnwrap(run.pool.stats.sessions.first?.extranonce1)
        let eventsBefore = run.poolEvents.count
        try run.pool.setExtranonceForAll()
        await run.expect { run.pool.stats.sessions.first?.extranonce1 != old }
        let new = try XCTUnwrap(run.pool.stats.sessions.first?.extranonce1)
        await run.expect { run.accepted.filter { Hex.encode($0.candidate.extranonce1) == new }.count >= 2 }
        try await run.stop()
        let stats = run.pool.stats
        XCTAssertEqual(stats.rejected, 0, "\(stats.rejectedByReason)")
        // The job sent with the new extranonce1 got accepted shares at the pool.
        let newJobs = Set(run.poolEvents.dropFirst(eventsBefore).compactMap { if case .jobSent(_, let id, _) = $0 { id } else { nil } })
        XCTAssertFalse(newJobs.isEmpty)
        XCTAssertGreaterThanOrEqual(stats.acceptedShares.filter { newJobs.contains($0.jobID) }.count, 2)
        let minerAfter = run.accepted.drop { Hex.encode($0.candidate.extranonce1) != new }
        XCTAssertTrue(minerAfter.allSatisfy { Hex.encode($0.candidate.extranonce1) == new }, "never back to the old one")
        XCTAssertEqual(stats.sessions.count, 1, "no reconnect needed")
        run.assertConsistent()
    }

    /// BIP 310 agreed (`mining.configure`): with extranonce2 to roll, the engine keeps the base
    /// version and sends version bits 0 as the 6th param; every share is accepted.
    func testVersionRollingAgreedSendsVersionBits() async throws {
        let run = try await EndToEndRun()
        await run.expect { run.pool.stats.accepted >= 3 }
        try await run.stop()
        let stats = run.pool.stats
        XCTAssertEqual(stats.rejected, 0, "\(stats.rejectedByReason)")
        XCTAssertEqual(stats.sessions.first?.versionRollingMask, VersionRolling.standardMask)
        XCTAssertTrue(stats.acceptedShares.allSatisfy { $0.versionBits != nil }, "a 6th param on every share once agreed")
        XCTAssertTrue(stats.acceptedShares.allSatisfy { ($0.versionBits ?? 0) & ~VersionRolling.standardMask == 0 })
        run.assertConsistent()
    }

    /// BIP 310 with no extranonce2 (size 0): the two threads roll different version bits, and
    /// shares with rolled (non-zero) bits inside the mask are accepted.
    func testVersionRollingWithoutExtranonce2RollsVersionBits() async throws {
        let run = try await EndToEndRun(pool: Self.poolConfiguration(extranonce2Size: 0), threads: 2)
        await run.expect(.seconds(4), "bits: \(run.pool.stats.acceptedShares.map(\.versionBits))") { run.pool.stats.acceptedShares.contains { ($0.versionBits ?? 0) != 0 } }
        try await run.stop()
        let stats = run.pool.stats
        XCTAssertEqual(stats.rejected, 0, "\(stats.rejectedByReason)")
        XCTAssertTrue(stats.acceptedShares.allSatisfy { $0.extranonce2.isEmpty })
        XCTAssertTrue(stats.acceptedShares.allSatisfy { ($0.versionBits ?? 0) & ~VersionRolling.standardMask == 0 })
        XCTAssertTrue(run.accepted.contains { ($0.candidate.versionBits ?? 0) != 0 })
        run.assertConsistent()
    }

    /// The pool refuses version rolling: shares are accepted and none carries version bits.
    func testVersionRollingRefusedSendsNoVersionBits() async throws {
        let run = try await EndToEndRun(pool: Self.poolConfiguration(versionRollingMask: nil))
        await run.expect { run.pool.stats.accepted >= 3 }
        try await run.stop()
        let stats = run.pool.stats
        XCTAssertEqual(stats.rejected, 0, "\(stats.rejectedByReason)")
        XCTAssertEqual(stats.sessions.first?.versionRollingMask, nil)
        XCTAssertTrue(run.poolEvents.contains { if case .versionRollingConfigured(_, nil) = $0 { true } else { false } },
                      "the miner asked, the pool refused")
        XCTAssertTrue(stats.acceptedShares.allSatisfy { $0.versionBits == nil }, "no 6th param")
        XCTAssertTrue(run.accepted.allSatisfy { $0.candidate.versionBits == nil })
        run.assertConsistent()
    }

    // MARK: - Connections

    /// `client.reconnect`: the miner closes, connects again at once and keeps mining there.
    func testClientReconnectMinerReconnectsAndKeepsMining() async throws {
        let run = try await EndToEndRun()
        await run.expect { run.pool.stats.accepted >= 2 }
        let first = try XCTUnwrap(run.pool.sessionIDs.first)
        run.pool.sendReconnect()
        await run.expect { run.sessions(subscribed: true).count == 2 }
        await run.expect(.seconds(4), "mining on the new connection") { (run.pool.stats.sessions.last?.accepted ?? 0) >= 2 }
        try await run.stop()
        let stats = run.pool.stats
        XCTAssertEqual(stats.sessions.count, 2)
        XCTAssertEqual(stats.sessions.first?.session, first)
        XCTAssertEqual(stats.sessions.first?.connected, false, "the miner left the old connection")
        XCTAssertEqual(stats.rejected - (stats.rejectedByReason[.staleJob] ?? 0), 0, "\(stats.rejectedByReason)")
        XCTAssertEqual(run.counters.rejected, 0)
        run.assertConsistent()
    }

    /// The pool drops every connection: the miner reconnects after a backoff, resumes its
    /// subscription (same extranonce1) and its shares are accepted again.
    func testPoolDropReconnectsWithBackoffAndResubscribes() async throws {
        let run = try await EndToEndRun()
        await run.expect { run.pool.stats.accepted >= 2 }
        let extranonce1 = run.pool.stats.sessions.first?.extranonce1
        let dropped = ContinuousClock.now
        run.pool.dropAllConnections()
        await run.expect { run.sessions(subscribed: true).count == 2 }
        let reconnectedAfter = ContinuousClock.now - dropped
        XCTAssertGreaterThanOrEqual(reconnectedAfter, .milliseconds(700), "backoff (about 1 s), not an immediate retry")
        // (The resumed session gets the same job back: the engine scans it again from the start,
        // so new shares come only after it passes what it had scanned; none is sent twice.)
        await run.expect { (run.pool.stats.sessions.last?.accepted ?? 0) >= 1 }
        try await run.stop()
        let stats = run.pool.stats
        XCTAssertEqual(stats.sessions.count, 2, "one reconnect, no hammering")
        XCTAssertEqual(stats.sessions.last?.extranonce1, extranonce1, "the subscription was resumed")
        XCTAssertTrue(run.poolEvents.contains { if case .subscribed(_, _, _, _, true) = $0 { true } else { false } })
        XCTAssertEqual(stats.rejected, 0, "no duplicate of a share accepted before the drop: \(stats.rejectedByReason)")
        XCTAssertEqual(run.counters.rejected, 0)
        run.assertConsistent()
    }

    /// The pool goes away for a while (connections refused), then comes back on the same port: the
    /// miner keeps retrying with backoff and mines on the new pool.
    func testPoolStoppedAndRestartedOnTheSamePort() async throws {
        let run = try await EndToEndRun()
        await run.expect { run.pool.stats.accepted >= 2 }
        let firstPool = run.pool
        await run.stopPool()
        let firstStats = firstPool.stats
        try await Task.sleep(for: .milliseconds(1300))  // the first retry (after about 1 s) is refused
        let second = try await run.restartPool(Self.poolConfiguration())
        await run.expect(.seconds(5), "mining again on the restarted pool") { second.stats.accepted >= 2 }
        try await run.stop()
        let secondStats = second.stats
        XCTAssertEqual(secondStats.sessions.count, 1, "one connection to the new pool")
        XCTAssertEqual(firstStats.rejected + secondStats.rejected, 0)
        XCTAssertEqual(run.counters.rejected, 0)
        run.assertConsistent(pools: [firstStats, secondStats])
    }

    /// Wrong credentials: a clear error in the log, no share, and no hammering: one attempt in
    /// three seconds (after a refusal the client waits the maximum backoff).
    func testAuthorizationFailureIsReportedAndNotHammered() async throws {
        let run = try await EndToEndRun(pool: Self.poolConfiguration(authorizedUsers: ["someone.else"]))
        await run.expect { run.poolEvents.contains { if case .authorized(_, _, false) = $0 { true } else { false } } }
        try await Task.sleep(for: .seconds(3))
        let attempts = run.pool.stats.sessions.count
        try await run.stop()
        XCTAssertEqual(attempts, 1, "connection attempts in 3 s")
        XCTAssertTrue(run.logs.contains(level: .error, "authorization refused"), "\(run.logs.records.map(\.message))")
        XCTAssertEqual(run.counters.found, 0)
        XCTAssertEqual(run.pool.stats.accepted + run.pool.stats.rejected, 0, "no share sent")
    }

    /// Session resume with resubmission: shares the pool never answered (submits lost on the
    /// way) are sent again on the resumed session after the pool drops the connection, and are
    /// accepted — none is lost.
    func testUnansweredSharesAreResubmittedAfterTheSessionResumes() async throws {
        let run = try await EndToEndRun()
        await run.expect { run.pool.stats.accepted >= 1 }
        run.pool.ignoreSubmits(true)
        await run.expect(.seconds(4), "shares waiting for an answer") { run.pool.stats.ignoredSubmits >= 2 }
        run.pool.ignoreSubmits(false)
        let ignored = run.pool.stats.ignoredSubmits
        run.pool.dropAllConnections()
        await run.expect { run.sessions(subscribed: true).count == 2 }
        await run.expect { (run.pool.stats.sessions.last?.accepted ?? 0) >= ignored }
        try await run.stop()
        let stats = run.pool.stats
        XCTAssertEqual(stats.sessions.last?.extranonce1, stats.sessions.first?.extranonce1, "resumed")
        XCTAssertEqual(stats.rejected, 0, "\(stats.rejectedByReason)")
        XCTAssertEqual(run.counters.lost, 0, "no share lost: \(run.shareEvents.filter { $0.outcome == .lost }.map(\.reason))")
        XCTAssertTrue(run.logs.contains(level: .notice, "sent again"), "the resubmission is logged")
        // The unanswered shares were accepted after the reconnect (their latency spans the backoff).
        let late = run.accepted.filter { ($0.latency ?? .zero) >= .milliseconds(700) }
        XCTAssertGreaterThanOrEqual(late.count, ignored, "every ignored share accepted after the resume")
        run.assertConsistent()
    }

    /// The pool accepted shares but their answers were lost with the connection: sent again on
    /// the resumed session, the pool calls them duplicates, and the miner counts them accepted
    /// (once each): miner and pool agree on what was credited, and nothing is lost.
    func testSharesWhoseAnswersWereLostCountAsAcceptedAfterTheResume() async throws {
        let run = try await EndToEndRun()
        await run.expect { run.pool.stats.accepted >= 1 }
        run.pool.withholdSubmitAnswers(true)
        await run.expect(.seconds(4), "shares accepted but unanswered") { run.pool.stats.withheldAnswers >= 2 }
        run.pool.withholdSubmitAnswers(false)
        let withheld = run.pool.stats.withheldAnswers
        run.pool.dropAllConnections()
        await run.expect { run.sessions(subscribed: true).count == 2 }
        await run.expect { (run.pool.stats.rejectedByReason[.duplicate] ?? 0) >= withheld }
        try await run.stop()
        let stats = run.pool.stats
        XCTAssertEqual(stats.sessions.last?.extranonce1, stats.sessions.first?.extranonce1, "resumed")
        // Every withheld share is sent again once. A share answered just as the connection dropped
        // may be sent again too (its answer never arrived): the bound is the count the miner logged
        // as sent again, so a share sent twice, or one not carried, still fails.
        let resentLines = run.logs.lines(containing: "unanswered share(s) sent again")
        XCTAssertEqual(resentLines.count, 1, "one resumed session: \(resentLines)")
        let resent = resentLines.first.flatMap { $0.split(separator: " ").compactMap { Int($0) }.first } ?? 0
        let duplicates = stats.rejectedByReason[.duplicate] ?? 0
        XCTAssertGreaterThanOrEqual(duplicates, withheld, "each withheld share sent again")
        XCTAssertLessThanOrEqual(duplicates, resent, "only shares sent again are duplicates, each once")
        XCTAssertEqual(stats.rejected, duplicates, "\(stats.rejectedByReason)")
        XCTAssertEqual(run.counters.rejected + run.counters.lost, 0, "\(run.counters)")
        run.assertConsistent()  // pool accepted == miner accepted
    }
}
