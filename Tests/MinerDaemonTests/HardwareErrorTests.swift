import Configuration
import Foundation
import HashingEngine
import LocalPool
import Logging
@testable import MinerDaemon
import PoolSettings
import ServiceLifecycle
import StratumClient
import StratumProtocol
import XCTest

/// A kernel that reports nonces that are no match: the engine's re-check refuses them, nothing
/// reaches the pool, and the status file, `/metrics` and the cgminer API all count them as
/// hardware errors (the same number, read from the one status document).
final class HardwareErrorTests: XCTestCase {
    func testALyingKernelIsCountedInTheStatusFileTheMetricsAndTheAPI() async throws {
        let lies = 3
        let directory = try temporaryDirectory()
        let statusPath = directory + "/status.json"
        let metricsPort = try freeLoopbackPort(), apiPort = try freeLoopbackPort()
        let logger = Logger(label: "hardware-errors") { _ in SwiftLogNoOpLogHandler() }
        let pool = LocalPool(configuration: LocalPoolConfiguration(initialDifficulty: EndToEndRun.difficulty, jobInterval: 0),
                             logger: logger)
        let port = try await pool.start()
        let worker = WorkerSettings(name: "rig1", user: "tester.rig1", password: "x", threads: 1,
                                    pools: [PoolConfiguration(url: "stratum+tcp://127.0.0.1:\(port)", difficultySuggestion: .off)])
        let monitoring = MonitoringSettings(metricsEnabled: true, metricsListen: "127.0.0.1:\(metricsPort)",
                                            apiEnabled: true, apiListen: "127.0.0.1:\(apiPort)")
        let settings = MinerSettings(workers: [worker], shutdownGrace: .seconds(2), statusFile: statusPath, shareLog: nil,
                                     statusInterval: .milliseconds(250), monitoring: monitoring)
        let kernel = LyingKernel(honest: KernelSelection.automatic(), lies: lies)
        let service = MinerService(settings: settings, unverifiedKernel: kernel, logger: logger)
        let group = ServiceGroup(services: [service], gracefulShutdownSignals: [], logger: logger)
        let running = Task { try await group.run() }

        func statusFile() -> StatusDocument? {
            FileManager.default.contents(atPath: statusPath).flatMap { try? StatusDocument.decode($0) }
        }
        let deadline = ContinuousClock.now + .seconds(30)
        while (statusFile()?.workers.first?.shares.hardwareErrors ?? 0) < UInt64(lies), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        let metrics = try httpGet(port: metricsPort, path: "/metrics")
        let devs = try JSONValue.parse(Array(try tcpRequest(port: apiPort, #"{"command":"devs"}"#).utf8.filter { $0 != 0 }))
        let summary = try JSONValue.parse(Array(try tcpRequest(port: apiPort, #"{"command":"summary"}"#).utf8.filter { $0 != 0 }))
        await group.triggerGracefulShutdown()
        try await running.value
        await pool.stop()

        let final = try XCTUnwrap(statusFile())
        XCTAssertEqual(final.workers.first?.shares.hardwareErrors, UInt64(lies), "status file, per worker")
        XCTAssertEqual(final.shares.hardwareErrors, UInt64(lies), "status file, all workers")
        XCTAssertTrue(metrics.contains("swiftminer_hardware_errors_total{worker=\"rig1\"} \(lies)\n"), metrics)
        XCTAssertEqual(devs["DEVS"]?.arrayValue?.first?["Hardware Errors"]?.integerValue, Int64(lies), "\(devs)")
        XCTAssertEqual(summary["SUMMARY"]?.arrayValue?.first?["Hardware Errors"]?.integerValue, Int64(lies), "\(summary)")
        XCTAssertEqual(pool.stats.rejected, 0, "no lie reached the pool")
        XCTAssertEqual(final.workers.first?.shares.found, final.workers.first.map {
            $0.shares.accepted + $0.shares.rejected + $0.shares.stale + $0.shares.lost + $0.shares.pending
        }, "hardware errors are not found shares")
    }
}
