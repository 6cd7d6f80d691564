import Configuration
import FarmProxyCore
import Foundation
import HashingEngine
import LocalPool
import Logging
import MinerDaemon
import MonitoringAddresses
import PoolSettings
import ServiceLifecycle
import StratumProtocol
import XCTest

/// One daemon with a farm proxy and a hashing worker that mines through it, against LocalPool: the
/// status file's `proxies`, the share log's miner lines, /metrics and the cgminer API all tell
/// what the pool saw, and the proxy's upstream password appears nowhere.
final class ProxyDaemonTests: XCTestCase {
    static let password = "proxy-secret-do-not-leak"

    func testAWorkerMinesThroughAProxyInTheSameDaemon() async throws {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        // The pool's difficulty is 8× the miner's: some shares go to the pool, the others stay local.
        let downstreamDifficulty = DaemonStatusFilesTests.difficulty
        let pool = LocalPool(configuration: LocalPoolConfiguration(initialDifficulty: downstreamDifficulty * 8, jobInterval: 0),
                             logger: logger)
        let poolPort = try await pool.start()
        let proxyPort = try freeLoopbackPort()  // the worker must know it before the daemon starts
        let proxy = ProxyConfiguration(
            name: "farm", listen: try ListenAddress(host: "127.0.0.1", port: proxyPort), user: "acct.farm", password: Self.password,
            pools: [PoolConfiguration(url: "stratum+tcp://127.0.0.1:\(poolPort)", extranonceSubscribe: true, difficultySuggestion: .off)],
            downstreamMinimumDifficulty: downstreamDifficulty, downstreamMaximumDifficulty: downstreamDifficulty)
        let worker = WorkerSettings(name: "rig1", user: "rig1.local", password: "x", threads: 1,
                                    pools: [PoolConfiguration(url: "stratum+tcp://127.0.0.1:\(proxyPort)", difficultySuggestion: .off)])
        let directory = try temporaryDirectory()
        let statusPath = directory + "/status.json", logPath = directory + "/shares.jsonl"
        let settings = MinerSettings(workers: [worker], shutdownGrace: .seconds(3), statusFile: statusPath, shareLog: logPath,
                                     statusInterval: .seconds(1), proxies: [proxy])
        let service = try MinerService(settings: settings, logger: logger)
        let group = ServiceGroup(services: [service], gracefulShutdownSignals: [], logger: logger)
        let running = Task { try await group.run() }

        // Wait until the pool accepted a few of the proxy's shares and the status file shows them.
        var live: StatusDocument?
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(500))
            if let document = try? StatusView.load(path: statusPath), let farm = document.proxies.first,
               farm.totals.accepted >= 2, farm.totals.valid >= 1, pool.stats.accepted >= 2 {
                live = document
                break
            }
        }
        let document = try XCTUnwrap(live, "the proxy's miner got shares to the pool and local ones")
        let farm = try XCTUnwrap(document.proxies.first)
        XCTAssertEqual(farm.name, "farm")
        XCTAssertEqual(farm.upstream.state, .mining)
        let miner = try XCTUnwrap(farm.downstreams.first)
        XCTAssertEqual(farm.downstreams.count, 1)
        XCTAssertEqual(miner.user, "rig1.local")
        XCTAssertEqual(miner.address, "127.0.0.1")
        XCTAssertEqual(miner.difficulty, downstreamDifficulty)
        XCTAssertGreaterThan(miner.hashrate.oneMinute, 0)
        XCTAssertEqual(pool.sessionIDs.count, 1, "the pool sees one connection: the proxy's")
        XCTAssertEqual(pool.stats.sessions.first?.authorizedWorkers, ["acct.farm"], "upstream, the proxy's login")

        // Status table, /metrics and the cgminer API render the proxy and its miner.
        let table = StatusView.table(document)
        XCTAssertTrue(table.contains("PROXY farm"), table)
        XCTAssertTrue(table.contains("rig1.local"), table)
        let metrics = PrometheusExposition.render(status: document)
        XCTAssertTrue(metrics.contains("swiftminer_proxy_downstream_shares_total{proxy=\"farm\",downstream=\"rig1.local\",result=\"accepted\"}"), metrics)
        XCTAssertTrue(metrics.contains("swiftminer_proxy_downstreams{proxy=\"farm\"} 1"), metrics)
        let devs = CGMinerAPI.respond(request: "{\"command\":\"devs\"}", status: document, clientAddress: "127.0.0.1", allow: [])
        XCTAssertTrue(devs.contains("\"Name\":\"PXY\""), devs)
        XCTAssertTrue(devs.contains("\"User\":\"rig1.local\""), devs)

        await group.triggerGracefulShutdown()
        try await running.value
        let stats = pool.stats
        await pool.stop()

        // Every share the pool received was valid, and the proxy's count of them is the pool's.
        XCTAssertEqual(stats.rejected, 0)
        let final = try StatusView.load(path: statusPath)
        let finalFarm = try XCTUnwrap(final.proxies.first)
        XCTAssertEqual(finalFarm.totals.accepted, stats.accepted, "accepted = what the pool accepted, no more")
        XCTAssertEqual(final.workers.first?.shares.accepted, UInt64(finalFarm.totals.accepted + finalFarm.totals.valid),
                       "the worker's accepted shares are the proxy's pool-accepted and locally valid ones")
        let records = try String(contentsOfFile: logPath, encoding: .utf8).split(separator: "\n").map { try ShareLogRecord(line: $0) }
        let minerLines = records.filter { $0.downstream != nil }
        XCTAssertEqual(minerLines.filter { $0.result == .accepted }.count, stats.accepted)
        XCTAssertEqual(minerLines.filter { $0.result == .valid }.count, finalFarm.totals.valid)
        XCTAssertTrue(minerLines.allSatisfy { $0.worker == "farm" && $0.downstream == "rig1.local" && $0.downstreamAddress == "127.0.0.1" })
        XCTAssertTrue(records.filter { $0.downstream == nil }.allSatisfy { $0.worker == "rig1" })
        for path in [statusPath, logPath] {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            XCTAssertFalse(text.contains(Self.password), "\(path) holds the upstream password")
        }
        XCTAssertFalse(PrometheusExposition.render(status: final).contains(Self.password))
    }
}
