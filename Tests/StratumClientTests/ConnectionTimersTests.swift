import PoolSettings
import StratumClient
import StratumProtocol
import XCTest

/// One set of connection timers: the client's defaults live in `ConnectionTimers`, and each
/// connection's session runs on the client's configuration, timers included, whole.
final class ConnectionTimersTests: XCTestCase {
    func testTheDefaultsAreTheClientsDefaults() {
        let timers = StratumClientConfiguration(pools: [], user: "u").timers
        XCTAssertEqual(timers, ConnectionTimers())
        XCTAssertEqual(timers.connectTimeout, .seconds(10))
        XCTAssertEqual(timers.subscribeTimeout, .seconds(15))
        XCTAssertEqual(timers.idleTimeout, .seconds(300))
        XCTAssertEqual(timers.jobTimeout, .seconds(120))
        XCTAssertEqual(timers.submitTimeout, .seconds(30))
        XCTAssertEqual(timers.backoff, ReconnectBackoff(initial: .seconds(1), maximum: .seconds(60), jitter: 0.2))
        XCTAssertEqual(timers.primaryProbeInterval, .seconds(60))
        XCTAssertEqual(timers.maximumReconnectWait, .seconds(120))
        XCTAssertEqual(timers.stableConnectionAfter, .seconds(30))
        XCTAssertEqual(timers.tickInterval, .milliseconds(500))
    }

    func testTheSessionClosesOnTheClientsJobTimeout() {
        var h = SessionHarness()
        let client = StratumClientConfiguration.sessionTest(user: "u", password: "p", userAgent: "ua",
                                                            timers: ConnectionTimers(jobTimeout: .seconds(45)))
        h.session = StratumSession(configuration: StratumSessionConfiguration(
            pool: PoolConfiguration(url: "stratum+tcp://127.0.0.1:3333"), client: client, epoch: 7))
        XCTAssertEqual(h.session.configuration.client.timers, client.timers, "the client's timers, whole")
        h.establish()
        XCTAssertTrue(h.advance(.seconds(44)).closeReasons.isEmpty)
        XCTAssertEqual(h.advance(.seconds(1)).closeReasons, [.noJob(after: .seconds(45))])
    }

    func testTheSessionTimesRequestsOutAfterTheSubscribeTimeout() {
        var session = StratumSession(configuration: StratumSessionConfiguration(
            pool: PoolConfiguration(url: "stratum+tcp://127.0.0.1:3333", versionRolling: false),
            client: .sessionTest(user: "u", password: "p", userAgent: "ua", timers: ConnectionTimers(subscribeTimeout: .seconds(4))),
            epoch: 1))
        let start = ContinuousClock.now
        _ = session.handle(.connected(now: start))
        XCTAssertFalse(session.handle(.tick(now: start + .milliseconds(3900))).contains { if case .close = $0 { true } else { false } })
        XCTAssertTrue(session.handle(.tick(now: start + .seconds(4))).contains { if case .close = $0 { true } else { false } })
    }
}
