import Configuration
import MinerDaemon
import PoolSettings
import StratumClient
import XCTest

/// A worker's settings on their way to the Stratum client: the `[[worker]]` timer keys land in the
/// one `ConnectionTimers` value, which reaches the client configuration and each connection's
/// session whole.
final class WorkerClientConfigurationTests: XCTestCase {
    func testTimersAreParsedAndReachTheClientAndSessionConfigurations() throws {
        let settings = try ConfigurationFile.parse("""
            [[worker]]
            user = "u"
            connect_timeout = 3
            subscribe_timeout = 4.5
            idle_timeout = 90
            job_timeout = 45
            submit_timeout = 12
            reconnect_backoff_min = 0.5
            reconnect_backoff_max = 20
            primary_probe_interval = 30
            max_reconnect_wait = 15
            [[worker.pool]]
            url = "stratum+tcp://127.0.0.1:3333"
            """, file: "t.toml", environment: [:])
        let worker = try XCTUnwrap(settings.workers.first)
        let client = worker.clientConfiguration(userAgent: "swiftminer/test")
        XCTAssertEqual(client.timers, worker.timers, "the worker's timers, whole")
        XCTAssertEqual(client.timers.connectTimeout, .seconds(3))
        XCTAssertEqual(client.timers.subscribeTimeout, .milliseconds(4500))
        XCTAssertEqual(client.timers.idleTimeout, .seconds(90))
        XCTAssertEqual(client.timers.jobTimeout, .seconds(45))
        XCTAssertEqual(client.timers.submitTimeout, .seconds(12))
        XCTAssertEqual(client.timers.backoff.initial, .milliseconds(500))
        XCTAssertEqual(client.timers.backoff.maximum, .seconds(20))
        XCTAssertEqual(client.timers.backoff.jitter, ReconnectBackoff().jitter, "jitter kept")
        XCTAssertEqual(client.timers.primaryProbeInterval, .seconds(30))
        XCTAssertEqual(client.timers.maximumReconnectWait, .seconds(15))
        XCTAssertEqual(client.pools, worker.pools)
        XCTAssertEqual(client.user, "u")
        XCTAssertEqual(client.workerName, worker.name)

        // Each connection's session runs on the client's configuration, whole.
        let session = StratumSessionConfiguration(pool: client.pools[0], client: client, epoch: 1)
        XCTAssertEqual(session.client.timers, worker.timers)
        XCTAssertEqual(session.client.timers.jobTimeout, .seconds(45))
        XCTAssertEqual(session.client.user, "u")
    }
}
