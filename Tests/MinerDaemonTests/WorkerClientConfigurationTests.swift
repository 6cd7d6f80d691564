import Configuration
import MinerDaemon
import PoolSettings
import StratumClient
import XCTest

/// A worker's settings on their way to the Stratum client: its one `ConnectionTimers` value
/// reaches the client configuration and each connection's session whole.
final class WorkerClientConfigurationTests: XCTestCase {
    func testTimersReachTheClientAndSessionConfigurationsWhole() throws {
        // (How each [[worker]] timer key is parsed is ConfigurationClientSettingsTests' part.)
        var worker = WorkerSettings(name: "w", user: "u", password: "x", threads: 1,
                                    pools: [PoolConfiguration(url: "stratum+tcp://127.0.0.1:3333")])
        worker.timers.connectTimeout = .seconds(3)
        worker.timers.jobTimeout = .seconds(45)
        worker.timers.backoff = ReconnectBackoff(initial: .milliseconds(500), maximum: .seconds(20))
        worker.timers.maximumReconnectWait = .seconds(15)
        XCTAssertNotEqual(worker.timers, ConnectionTimers())
        let client = worker.clientConfiguration(userAgent: "swiftminer/test")
        XCTAssertEqual(client.timers, worker.timers, "the worker's timers, whole")
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
