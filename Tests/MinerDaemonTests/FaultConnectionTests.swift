import Foundation
import MinerDaemon
import StratumClient
import StratumProtocol
import XCTest

/// Flaky pools, scripted over raw TCP: abrupt drops, a pool that stops listening, one that never
/// answers, one that never sends work, slow out-of-order answers, every share rejected, pending
/// shares when the connection dies, failover and return to the primary. Each test checks the
/// daemon's behaviour, its counters (found = accepted + rejected + stale + lost + pending), the
/// status file and the share log — and that no invalid share ever reached the pool.
final class FaultConnectionTests: XCTestCase {
    /// The pool accepts, sends work, then drops the connection 300 ms later — every time. The
    /// miner reconnects with growing, jittered backoff: attempts are bounded and spaced.
    func testAbruptDropsRepeatedlyReconnectWithBoundedBackoff() async throws {
        let script = StandardScript()
        script.afterJob = { connection in
            Task {
                try? await Task.sleep(for: .milliseconds(300))
                connection.close()
            }
        }
        let pool = script.makePool()
        let port = try await pool.start()
        let run = try FaultRun(ports: [port])
        try await Task.sleep(for: .seconds(4))
        try await run.stop()
        await pool.stop()

        let times = pool.connectTimes
        // Backoff 0.1 s doubling to 0.8 s (±20 %), each connection living ~0.3 s: about 7 in 4 s.
        // Without backoff it would be hundreds; scaled to a minute this is ≤ 75 + the 0.8 s cap.
        XCTAssertGreaterThanOrEqual(times.count, 3, "it kept reconnecting")
        XCTAssertLessThanOrEqual(times.count, 10, "reconnects are bounded by the backoff: \(times.count) in 4 s")
        let gaps = zip(times.dropFirst(), times).map { $0 - $1 }
        XCTAssertTrue(gaps.allSatisfy { $0 >= .milliseconds(300 + 80) }, "each reconnect waits ≥ 0.8 × the initial backoff: \(gaps)")
        if gaps.count >= 4 { XCTAssertGreaterThan(gaps[3], gaps[0], "the backoff grows while the pool keeps failing: \(gaps)") }
        XCTAssertTrue(script.invalidSubmits.isEmpty, "\(script.invalidSubmits)")
        XCTAssertTrue(run.logged("disconnected from"), "each drop is logged")
        let status = try run.status()
        XCTAssertGreaterThanOrEqual(status["workers"]?.arrayValue?.first?["pool"]?["reconnects"]?.integerValue ?? 0, Int64(times.count - 1))
        try run.assertBooks()
    }

    /// The pool stops listening (connections refused) for 1.5 s, then comes back on the same port:
    /// the miner retries with bounded attempts and mines again once it is back.
    func testPoolStopsListeningAndComesBack() async throws {
        let script = StandardScript()
        let pool = script.makePool()
        let port = try await pool.start()
        let run = try FaultRun(ports: [port])
        await run.expect { script.validSubmits >= 2 }
        await pool.stop()
        let downAt = ContinuousClock.now
        try await Task.sleep(for: .seconds(1.5))
        let refusedAttempts = run.logs.records.filter { $0.message.contains("could not connect") }.count
        try await pool.listen()
        let before = script.validSubmits
        await run.expect(.seconds(3), "mining again on the restarted pool") { script.validSubmits >= before + 2 }
        try await run.stop()
        await pool.stop()

        XCTAssertGreaterThanOrEqual(refusedAttempts, 2, "it kept trying while the pool was down")
        XCTAssertLessThanOrEqual(refusedAttempts, 8, "refused attempts bounded by the backoff (0.1…0.8 s)")
        XCTAssertEqual(pool.connectionCount, 2)
        XCTAssertLessThan(pool.connectTimes[1] - downAt, .seconds(2.5), "back within one capped backoff of the restart")
        XCTAssertTrue(script.invalidSubmits.isEmpty, "\(script.invalidSubmits)")
        XCTAssertGreaterThan(run.counters.accepted, 0)
        try run.assertBooks()
    }

    /// The pool accepts TCP but never answers `mining.subscribe`: the miner gives up after the
    /// subscribe timeout, logs why, and tries again — never submitting anything.
    func testSubscribeNeverAnsweredTimesOutAndRetries() async throws {
        let script = StandardScript()
        script.answerSubscribe = false
        script.answerConfigure = false
        let pool = script.makePool()
        let port = try await pool.start()
        let run = try FaultRun(ports: [port])
        await run.expect(.seconds(4), "a second attempt after the 1 s subscribe timeout") { pool.connectionCount >= 2 }
        try await run.stop()
        await pool.stop()

        XCTAssertTrue(run.logged("no answer to mining.subscribe in time"), "the reason is logged")
        let times = pool.connectTimes
        XCTAssertGreaterThanOrEqual(times[1] - times[0], .seconds(1), "waited for the subscribe timeout")
        XCTAssertTrue(pool.submits.isEmpty)
        XCTAssertTrue(pool.received(method: "mining.authorize").isEmpty, "no authorize before the subscribe answer")
        XCTAssertEqual(run.counters.found, 0)
        try run.assertBooks()
        XCTAssertEqual(try run.worker()?["pool"]?["job_id"], .null)
    }

    /// Notify starvation: the primary authorizes but never sends a job. After the job timeout
    /// (1 s here) the miner leaves it and fails over to the second pool, where it mines.
    func testNotifyStarvationFailsOverToTheSecondPool() async throws {
        let starving = StandardScript()
        starving.sendJob = false
        let good = StandardScript()
        let primary = starving.makePool(), secondary = good.makePool()
        let run = try FaultRun(ports: [try await primary.start(), try await secondary.start()])
        await run.expect(.seconds(4), "mining on the second pool") { good.validSubmits >= 2 }
        try await run.stop()
        await primary.stop()
        await secondary.stop()

        XCTAssertTrue(run.logged("no mining.notify within 1.0 seconds of authorization"), "starvation is logged with its reason")
        XCTAssertEqual(primary.received(method: "mining.authorize").count, 1, "authorized on the primary first")
        XCTAssertTrue(primary.submits.isEmpty)
        XCTAssertTrue(good.invalidSubmits.isEmpty, "\(good.invalidSubmits)")
        XCTAssertEqual(Int(run.counters.accepted), run.shareEvents.filter { $0.outcome == .accepted }.count)
        XCTAssertTrue(run.shareEvents.allSatisfy { $0.pool.contains(":\(secondary.port)") }, "every share on the second pool")
        try run.assertBooks()
        XCTAssertEqual(try run.worker()?["pool"]?["url"]?.stringValue, "stratum+tcp://127.0.0.1:\(secondary.port)")
    }

    /// A slow pool: submits answered after 0.1–1.5 s (the issue's 5–20 s, scaled down) and out of
    /// order. Every share is resolved exactly once, its latency recorded, and the books balance.
    func testSlowPoolAnswersOutOfOrderEachShareResolvedOnce() async throws {
        let script = StandardScript()
        script.submitReply = { _, n in
            // 1st: 1.5 s, 2nd: 0.1 s, 3rd: 0.9 s, ... so later submits are often answered first.
            (#""result":true,"error":null"#, .milliseconds([1500, 100, 900, 300][n % 4]))
        }
        let pool = script.makePool()
        let port = try await pool.start()
        let run = try FaultRun(ports: [port]) { $0.timers.submitTimeout = .seconds(3) }
        await run.expect(.seconds(4)) { pool.submits.count >= 6 }
        try await run.stop()  // shutdownGrace 3 s: the slow answers still arrive
        await pool.stop()

        let submits = pool.submits
        let events = run.shareEvents
        XCTAssertTrue(script.invalidSubmits.isEmpty, "\(script.invalidSubmits)")
        XCTAssertEqual(events.count, submits.count, "one outcome per share sent")
        XCTAssertEqual(Set(events.map { "\($0.candidate.jobID)/\($0.candidate.nonce)/\(Hex.encode($0.candidate.extranonce2))" }).count,
                       events.count, "no share resolved twice")
        XCTAssertEqual(Int(run.counters.accepted), submits.count, "every slow answer arrived and was counted")
        // Out of order: the order of outcomes is not the order of submission.
        let sentOrder = submits.compactMap { $0.params.count > 4 ? $0.params[4].stringValue : nil }
        let resolvedOrder = events.map { WireEncoding.hex($0.candidate.nonce) }
        XCTAssertNotEqual(sentOrder, resolvedOrder, "answers came back out of order")
        XCTAssertTrue(events.allSatisfy { ($0.latency ?? .zero) >= .milliseconds(90) }, "latency includes the pool's delay")
        XCTAssertTrue(events.contains { ($0.latency ?? .zero) >= .milliseconds(1400) })
        try run.assertBooks()
        let latency = try run.worker()?["submit_latency_ms"]
        XCTAssertGreaterThanOrEqual(latency?["max"]?.doubleValue ?? 0, 1400)
        XCTAssertEqual(latency?["count"]?.integerValue, Int64(submits.count))
        XCTAssertTrue(try run.shareLog().allSatisfy { ($0.latencyMilliseconds ?? 0) >= 90 })
    }

    /// Every share rejected (code 23, low difficulty): the miner counts each as rejected with the
    /// pool's reason, keeps mining, and the share log says so line by line.
    func testEveryShareRejected() async throws {
        let script = StandardScript()
        script.submitReply = { _, _ in (#""result":null,"error":[23,"Low difficulty share",null]"#, .zero) }
        let pool = script.makePool()
        let port = try await pool.start()
        let run = try FaultRun(ports: [port])
        await run.expect { run.counters.rejected >= 3 }
        try await run.stop()
        await pool.stop()

        XCTAssertTrue(script.invalidSubmits.isEmpty, "the shares were valid; the pool refused them anyway")
        XCTAssertEqual(run.counters.accepted, 0)
        XCTAssertEqual(run.counters.rejected, run.counters.found - run.counters.stale - run.counters.lost)
        XCTAssertEqual(Int(run.counters.rejected), pool.submits.count)
        XCTAssertEqual(pool.connectionCount, 1, "rejections do not make it reconnect")
        XCTAssertTrue(run.logged("Low difficulty share"), "the pool's reason is logged")
        try run.assertBooks()
        let log = try run.shareLog()
        XCTAssertTrue(log.allSatisfy { $0.result == .rejected && ($0.reason ?? "").contains("Low difficulty") })
        let reasons = try run.worker()?["shares"]?["reject_reasons"]?.objectValue ?? [:]
        XCTAssertEqual(reasons.values.compactMap(\.integerValue).reduce(0, +), Int64(run.counters.rejected), "\(reasons)")
    }

    /// Shares pending when the connection dies, and the pool does not resume the session (new
    /// extranonce1): each ends as `lost`, with the reason in the share log.
    func testPendingSharesAreLostWhenTheSessionIsNotResumed() async throws {
        let script = StandardScript()
        script.subscribeValues = { n in (n == 0 ? "\"f000000d\"" : "\"0000beef\"", "4") }
        script.submitReply = { received, _ in received.connection == 0 ? nil : (#""result":true,"error":null"#, .zero) }
        let pool = script.makePool()
        let port = try await pool.start()
        let run = try FaultRun(ports: [port]) { $0.timers.submitTimeout = .seconds(5) }
        await run.expect { pool.submits.count >= 3 }
        let pending = pool.submits.filter { $0.connection == 0 }.count
        pool.connections[0].close()
        await run.expect(.seconds(3), "mining on the new session") { pool.submits.contains { $0.connection == 1 } }
        try await run.stop()
        await pool.stop()

        XCTAssertTrue(script.invalidSubmits.isEmpty, "\(script.invalidSubmits)")
        let lost = run.shareEvents.filter { $0.outcome == .lost }
        XCTAssertGreaterThanOrEqual(lost.count, pending, "each unanswered share of the dead session is lost")
        XCTAssertTrue(lost.allSatisfy { ($0.reason ?? "").contains("did not resume") || ($0.reason ?? "").contains("connection") },
                      "\(lost.map(\.reason))")
        XCTAssertEqual(pool.submits.filter { $0.connection == 1 && $0.params.count > 1 && $0.params[1].stringValue == "job1" }.count, 0,
                       "nothing of the old session sent on the new one")
        try run.assertBooks()
        let logLost = try run.shareLog().filter { $0.result == .lost }
        XCTAssertEqual(logLost.count, lost.count)
        XCTAssertTrue(logLost.allSatisfy { !($0.reason ?? "").isEmpty })
    }

    /// Shares pending when the connection dies, and the pool resumes the session (same
    /// extranonce1): each is sent again on the new connection and answered there, exactly once.
    func testPendingSharesAreResubmittedOnAResumedSession() async throws {
        let script = StandardScript()
        script.submitReply = { received, _ in received.connection == 0 ? nil : (#""result":true,"error":null"#, .zero) }
        let pool = script.makePool()
        let port = try await pool.start()
        let run = try FaultRun(ports: [port]) { $0.timers.submitTimeout = .seconds(5) }
        await run.expect { pool.submits.count >= 2 }
        pool.connections[0].close()
        await run.expect(.seconds(3)) { pool.submits.contains { $0.connection == 1 } }
        try await Task.sleep(for: .milliseconds(300))
        try await run.stop()
        await pool.stop()

        let first = pool.submits.filter { $0.connection == 0 }.map { $0.params.dropFirst(1).map(\.serialized) }
        let again = Set(pool.submits.filter { $0.connection == 1 }.map { $0.params.dropFirst(1).map(\.serialized) })
        XCTAssertFalse(first.isEmpty)
        // Every share the first session left unanswered went out again (shares found in the
        // instant it closed may have been lost instead — never both, never neither).
        let resentOrLost = first.filter { again.contains($0) }.count + run.shareEvents.filter { $0.outcome == .lost }.count
        XCTAssertGreaterThanOrEqual(resentOrLost, first.count)
        XCTAssertTrue(run.logged("session resumed", level: .notice))
        XCTAssertTrue(script.invalidSubmits.isEmpty, "\(script.invalidSubmits)")
        XCTAssertEqual(Set(run.shareEvents.map { "\($0.candidate.jobID)/\($0.candidate.nonce)" }).count, run.shareEvents.count,
                       "resolved once each")
        try run.assertBooks()
    }

    /// `client.reconnect` to a host that does not answer (it accepts TCP but never answers
    /// subscribe), with moving allowed: the miner tries it once, gives up after the subscribe
    /// timeout and goes back to the configured pool, where it mines again.
    func testClientReconnectToAHostThatDoesNotAnswer() async throws {
        let silent = StandardScript()
        silent.answerSubscribe = false
        silent.answerConfigure = false
        let deadEnd = silent.makePool()
        let deadPort = try await deadEnd.start()
        let script = StandardScript()
        let pool = script.makePool()
        let port = try await pool.start()
        let run = try FaultRun(ports: [port]) { $0.pools[0].allowReconnectToOtherHost = true }
        await run.expect { script.validSubmits >= 1 }
        pool.connections[0].send(#"{"id":null,"method":"client.reconnect","params":["127.0.0.1",\#(deadPort),0]}"#)
        await run.expect(.seconds(4), "back on the configured pool") { pool.connectionCount >= 2 && pool.submits.contains { $0.connection == 1 } }
        try await run.stop()
        await pool.stop()
        await deadEnd.stop()

        XCTAssertEqual(deadEnd.connectionCount, 1, "the redirect was followed once, not retried forever")
        XCTAssertTrue(deadEnd.submits.isEmpty)
        XCTAssertTrue(run.logged("no answer to mining.subscribe in time"))
        XCTAssertTrue(script.invalidSubmits.isEmpty, "\(script.invalidSubmits)")
        XCTAssertGreaterThan(run.counters.accepted, 0)
        try run.assertBooks()
        XCTAssertEqual(try run.worker()?["pool"]?["url"]?.stringValue, "stratum+tcp://127.0.0.1:\(port)")
    }

    /// Failover: the primary dies → the miner mines on the secondary; the primary comes back →
    /// the miner returns to it after a probe (every 300 ms here) was authorized.
    func testFailoverToTheSecondPoolAndBackToThePrimary() async throws {
        let first = StandardScript(), second = StandardScript()
        let primary = first.makePool(), secondary = second.makePool()
        let run = try FaultRun(ports: [try await primary.start(), try await secondary.start()]) {
            $0.timers.primaryProbeInterval = .milliseconds(300)
        }
        await run.expect { first.validSubmits >= 2 }
        await primary.stop()
        await run.expect(.seconds(4), "mining on the secondary") { second.validSubmits >= 2 }
        try await primary.listen()
        let back = primary.connectionCount
        await run.expect(.seconds(5), "back on the primary") {
            primary.connectionCount > back && primary.submits.contains { $0.connection >= back }
        }
        try await run.stop()
        await primary.stop()
        await secondary.stop()

        XCTAssertTrue(run.logged("the primary pool answered the probe", level: .info), "the return is logged")
        XCTAssertFalse(run.logged("did not answer the probe", level: .warning), "a failed probe is no warning")
        XCTAssertTrue(first.invalidSubmits.isEmpty && second.invalidSubmits.isEmpty, "\(first.invalidSubmits) \(second.invalidSubmits)")
        let pools = run.shareEvents.filter { $0.outcome == .accepted }.map(\.pool)
        XCTAssertTrue(pools.contains { $0.hasSuffix(":\(secondary.port)") })
        XCTAssertTrue(pools.last?.hasSuffix(":\(primary.port)") ?? false, "the last shares are the primary's again")
        try run.assertBooks()
        XCTAssertEqual(try run.worker()?["pool"]?["url"]?.stringValue, "stratum+tcp://127.0.0.1:\(primary.port)")
    }
}
