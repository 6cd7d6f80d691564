import PoolSettings
import StratumClient
import StratumProtocol
import XCTest

/// Notify starvation: a pool that authorizes but never sends `mining.notify` is left after the
/// job timeout (so the client reconnects or fails over) instead of being waited on forever.
final class FaultJobTimeoutTests: XCTestCase {
    private func harness(jobTimeout: Duration?) -> SessionHarness {
        var h = SessionHarness()
        h.session = StratumSession(configuration: StratumSessionConfiguration(
            pool: PoolConfiguration(url: "stratum+tcp://127.0.0.1:3333"),
            client: .sessionTest(user: "u", password: "p", userAgent: "swiftminer/test",
                                 timers: ConnectionTimers(subscribeTimeout: .seconds(10), idleTimeout: .seconds(120),
                                                          jobTimeout: jobTimeout)),
            epoch: 7))
        return h
    }

    func testNoJobAfterAuthorizationClosesWithAClearReason() {
        var h = harness(jobTimeout: .seconds(30))
        h.establish()
        XCTAssertEqual(h.session.phase, .mining)
        // Pings keep the connection from being idle, but bring no work.
        XCTAssertTrue(h.advance(.seconds(20)).closeReasons.isEmpty)
        _ = h.receive(#"{"id":5,"method":"mining.ping","params":[]}"#)
        let actions = h.advance(.seconds(11))
        XCTAssertEqual(actions.closeReasons, [.noJob(after: .seconds(30))])
        XCTAssertTrue(actions.events.contains { if case .protocolError(let text) = $0 { text.contains("no mining.notify") } else { false } })
        XCTAssertEqual(h.session.phase, .closed)
        XCTAssertTrue(SessionCloseReason.noJob(after: .seconds(30)).allowsResubmission)
        XCTAssertEqual("\(SessionCloseReason.noJob(after: .seconds(30)))", "no mining.notify within 30.0 seconds of authorization")
    }

    func testAJobInTimeKeepsTheSessionEvenWhenNoLaterJobComes() {
        var h = harness(jobTimeout: .seconds(30))
        h.establish()
        _ = h.advance(.seconds(29))
        XCTAssertEqual(h.receive(Lines.notify(job: "a", clean: true)).jobs.count, 1)
        // Only the first job is awaited: pools that send work on new blocks only stay connected.
        XCTAssertTrue(h.advance(.seconds(100)).closeReasons.isEmpty)
        XCTAssertEqual(h.session.phase, .mining)
    }

    func testAJobQueuedBeforeTheSubscribeAnswerCounts() {
        var h = harness(jobTimeout: .seconds(30))
        _ = h.connect()
        _ = h.receive(Lines.notify(job: "early", clean: true))
        _ = h.receive(#"{"id":1,"error":null,"result":{"version-rolling":false}}"#)
        _ = h.receive(#"{"id":2,"error":null,"result":[[["mining.notify","s"]],"e26e1928",4]}"#)
        _ = h.receive(#"{"id":3,"error":null,"result":true}"#)
        XCTAssertTrue(h.session.hasJob)
        XCTAssertTrue(h.advance(.seconds(60)).closeReasons.isEmpty)
    }

    func testAnInvalidJobDoesNotCountAndNoTimeoutMeansNever() {
        var h = harness(jobTimeout: .seconds(30))
        h.establish()
        // 100 000 merkle entries: refused by MiningNotify's limits, so still no job.
        let branch = "[" + Array(repeating: "\"" + String(repeating: "00", count: 32) + "\"", count: 100_000).joined(separator: ",") + "]"
        let line = #"{"id":null,"method":"mining.notify","params":["big","171592f223740e92d223f6e68bff25279af7ac4f2246451e0000000200000000","0200000001","ffffffff",\#(branch),"20000000","192495f8","64b3f3ec",true]}"#
        let actions = h.receive(line)
        XCTAssertTrue(actions.jobs.isEmpty)
        XCTAssertFalse(h.session.hasJob)
        XCTAssertEqual(h.advance(.seconds(31)).closeReasons, [.noJob(after: .seconds(30))])

        var never = harness(jobTimeout: nil)
        never.establish()
        XCTAssertTrue(never.advance(.seconds(100)).closeReasons.isEmpty)
    }
}
