import PoolSettings
import StratumClient
import StratumProtocol
import XCTest

/// One set of connection timers: the client's defaults live in `ConnectionTimers`, and the client
/// hands its value whole to each connection's session.
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

    func testTheSessionGetsTheClientsTimersWhole() {
        let timers = ConnectionTimers(
            connectTimeout: .seconds(3), subscribeTimeout: .milliseconds(4500), idleTimeout: .seconds(90), jobTimeout: .seconds(45),
            submitTimeout: .seconds(12), backoff: ReconnectBackoff(initial: .milliseconds(500), maximum: .seconds(20), jitter: 0.1),
            primaryProbeInterval: .seconds(30), maximumReconnectWait: .seconds(15), stableConnectionAfter: .seconds(7),
            tickInterval: .milliseconds(250))
        let pool = PoolConfiguration(url: "stratum+tcp://pool.example.com:3333")
        let client = StratumClientConfiguration(pools: [pool], user: "bc1qworker.rig1", password: "secret", userAgent: "ua/1",
                                                timers: timers, versionRollingMask: 0x1fff_e000, resubmitPendingOnResume: false,
                                                suggestDifficultyMinimumChange: 3)
        let session = client.sessionConfiguration(pool: pool, poolURL: "stratum+tcp://eu.pool.example.com:3334", epoch: 9,
                                                  resume: ("sub-1", [1, 2, 3, 4]), suggestedDifficulty: 512)
        XCTAssertEqual(session.timers, timers)
        XCTAssertEqual(session.pool, pool)
        XCTAssertEqual(session.poolURL, "stratum+tcp://eu.pool.example.com:3334")
        XCTAssertEqual(session.user, "bc1qworker.rig1")
        XCTAssertEqual(session.password, "secret")
        XCTAssertEqual(session.userAgent, "ua/1")
        XCTAssertEqual(session.epoch, 9)
        XCTAssertEqual(session.previousSubscriptionID, "sub-1")
        XCTAssertEqual(session.previousExtranonce1, [1, 2, 3, 4])
        XCTAssertEqual(session.versionRollingMask, 0x1fff_e000)
        XCTAssertFalse(session.carryPendingShares)
        XCTAssertEqual(session.suggestedDifficulty, 512)
        XCTAssertEqual(session.suggestDifficultyMinimumChange, 3)
    }

    func testTheSessionTimesRequestsOutAfterTheSubscribeTimeout() {
        var session = StratumSession(configuration: StratumSessionConfiguration(
            pool: PoolConfiguration(url: "stratum+tcp://127.0.0.1:3333", versionRolling: false), user: "u", password: "p",
            userAgent: "ua", epoch: 1, timers: ConnectionTimers(subscribeTimeout: .seconds(4))))
        let start = ContinuousClock.now
        _ = session.handle(.connected(now: start))
        XCTAssertFalse(session.handle(.tick(now: start + .milliseconds(3900))).contains { if case .close = $0 { true } else { false } })
        XCTAssertTrue(session.handle(.tick(now: start + .seconds(4))).contains { if case .close = $0 { true } else { false } })
    }
}
