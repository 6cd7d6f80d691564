import Configuration
import Foundation
import HashingEngine
import LocalPool
import Logging
import PoolSettings
import ServiceLifecycle
import StratumClient
@testable import MinerDaemon
import StratumProtocol
import XCTest

/// The `/metrics` text: valid for a real Prometheus parser, named by Prometheus conventions, and
/// every number the status document's.
final class MonitoringPrometheusTests: XCTestCase {
    func testMetricsParseAndMatchTheStatusDocument() throws {
        let status = MonitoringFixtures.statusJSON
        let text = PrometheusExposition.render(status: MonitoringFixtures.status)
        let families = try MonitoringFixtures.parsePrometheus(text)

        XCTAssertFalse(text.contains(MonitoringFixtures.secret), "no password in the metrics")
        XCTAssertFalse(text.contains("alice:"), "no pool credentials in the metrics")
        for family in families {
            XCTAssertTrue(family.name.hasPrefix("swiftminer_"), family.name)
            XCTAssertNotNil(family.name.range(of: "^[a-z_][a-z0-9_]*$", options: .regularExpression), family.name)
            if family.type == "counter" {
                XCTAssertTrue(family.samples.allSatisfy { $0.name.hasSuffix("_total") }, "counter \(family.name) ends in _total")
            }
        }
        XCTAssertEqual(families.family("swiftminer_shares")?.type, "counter")
        XCTAssertEqual(families.family("swiftminer_share_submit_latency_seconds")?.type, "histogram")
        XCTAssertEqual(families.family("swiftminer_hashrate_hashes_per_second")?.type, "gauge")

        XCTAssertEqual(families.value("swiftminer_build_info", ["version": "0.1.0", "kernel": "avx2"]), 1)
        XCTAssertEqual(families.value("swiftminer_hashing_threads"), 6)
        XCTAssertEqual(families.value("swiftminer_uptime_seconds"), 3600)
        XCTAssertEqual(families.value("swiftminer_best_share_difficulty_ever"), 123456.789)

        for worker in status["workers"]!.arrayValue! {
            let name = worker["name"]!.stringValue!
            let w = ["worker": name]
            for window in ["10s", "60s", "15m"] {
                XCTAssertEqual(families.value("swiftminer_hashrate_hashes_per_second", ["worker": name, "window": window]),
                               worker["hashrate"]![window]!.doubleValue!, "\(name) \(window)")
            }
            for (index, rate) in worker["hashrate"]!["per_thread"]!.arrayValue!.enumerated() {
                XCTAssertEqual(families.value("swiftminer_thread_hashrate_hashes_per_second", ["worker": name, "thread": "\(index)"]),
                               rate.doubleValue!)
            }
            let shares = worker["shares"]!
            for result in ["accepted", "rejected", "stale", "lost"] {
                XCTAssertEqual(families.value("swiftminer_shares_total", ["worker": name, "result": result]),
                               shares[result]!.doubleValue!, "\(name) \(result)")
            }
            for (reason, count) in shares["reject_reasons"]!.objectValue! {
                XCTAssertEqual(families.value("swiftminer_shares_rejected_total", ["worker": name, "reason": reason]), count.doubleValue!)
            }
            XCTAssertEqual(families.value("swiftminer_shares_rejected_total", ["worker": name, "reason": "unauthorized"]) ?? -1,
                           shares["reject_reasons"]!["unauthorized"]?.doubleValue ?? 0, "known reasons always present")
            XCTAssertEqual(families.value("swiftminer_shares_found_total", w), shares["found"]!.doubleValue!)
            XCTAssertEqual(families.value("swiftminer_shares_pending", w), shares["pending"]!.doubleValue!)
            XCTAssertEqual(families.value("swiftminer_shares_accepted_difficulty_total", w), shares["accepted_difficulty"]!.doubleValue!)
            XCTAssertEqual(families.value("swiftminer_hardware_errors_total", w), shares["hardware_errors"]!.doubleValue!)
            XCTAssertEqual(families.value("swiftminer_hashes_total", w), worker["hashes_total"]!.doubleValue!)
            XCTAssertEqual(families.value("swiftminer_best_share_difficulty", w), worker["best_share_difficulty"]!.doubleValue!)
            XCTAssertEqual(families.value("swiftminer_blocks_found_total", w), 0)
            let pool = worker["pool"]!
            let poolLabel = PoolURLText.redacted(pool["url"]!.stringValue!)
            XCTAssertEqual(families.value("swiftminer_pool_difficulty", ["worker": name, "pool": poolLabel]), pool["difficulty"]!.doubleValue!)
            XCTAssertEqual(families.value("swiftminer_suggested_difficulty", ["worker": name, "pool": poolLabel]),
                           pool["suggested_difficulty"]?.doubleValue, "present exactly when status.json has a value")
            XCTAssertEqual(families.value("swiftminer_pool_reconnects_total", w), pool["reconnects"]!.doubleValue!)
            let protocolName = try XCTUnwrap(pool["protocol"]?.stringValue)
            XCTAssertEqual(families.value("swiftminer_pool_protocol", ["worker": name, "pool": poolLabel, "protocol": protocolName]), 1)
            XCTAssertEqual(families.family("swiftminer_pool_protocol")?.samples.filter { $0.labels["worker"] == name }.count, 1)
            let state = pool["state"]!.stringValue!
            XCTAssertEqual(families.value("swiftminer_pool_connected", w), state == "mining" ? 1 : 0)
            for candidate in PoolState.allCases.map(\.rawValue) {
                XCTAssertEqual(families.value("swiftminer_pool_state", ["worker": name, "state": candidate]), candidate == state ? 1 : 0)
            }
            // The histogram: cumulative buckets in seconds, +Inf = count, sum in seconds.
            let latency = worker["submit_latency_ms"]!
            for bucket in latency["buckets"]!.arrayValue! {
                let le = PrometheusExposition.number(bucket["le"]!.doubleValue! / 1000)
                XCTAssertEqual(families.value("swiftminer_share_submit_latency_seconds_bucket", ["worker": name, "le": le]),
                               bucket["count"]!.doubleValue!, "\(name) le=\(le)")
            }
            XCTAssertEqual(families.value("swiftminer_share_submit_latency_seconds_bucket", ["worker": name, "le": "+Inf"]),
                           latency["count"]!.doubleValue!)
            XCTAssertEqual(families.value("swiftminer_share_submit_latency_seconds_count", w), latency["count"]!.doubleValue!)
            XCTAssertEqual(try XCTUnwrap(families.value("swiftminer_share_submit_latency_seconds_sum", w)),
                           latency["sum"]!.doubleValue! / 1000, accuracy: 1e-9)
        }
        XCTAssertTrue(text.contains("pool=\"stratum+tcp://pool.example.com:3333\""))
        XCTAssertTrue(text.contains("worker=\"rig \\\"two\\\"\""), "label values escaped")
    }

    func testAnEmptyStatusDocumentStillRendersValidText() throws {
        let text = PrometheusExposition.render(status: StatusDocument())
        let families = try MonitoringFixtures.parsePrometheus(text)
        XCTAssertEqual(families.value("swiftminer_hashing_threads"), 0)
        XCTAssertTrue(text.hasSuffix("\n"))
    }

    func testNumbersAreWrittenAsPrometheusDoes() {
        XCTAssertEqual(PrometheusExposition.number(3), "3")
        XCTAssertEqual(PrometheusExposition.number(0.005), "0.005")
        XCTAssertEqual(PrometheusExposition.number(.infinity), "+Inf")
        XCTAssertEqual(PrometheusExposition.number(-.infinity), "-Inf")
        XCTAssertEqual(PrometheusExposition.number(.nan), "NaN")
        XCTAssertEqual(Double(PrometheusExposition.number(1.5e20)), 1.5e20)
    }

    func testCredentialsAreRemovedFromPoolURLs() {
        XCTAssertEqual(PoolURLText.redacted("stratum+tcp://u:p@pool:3333/x"), "stratum+tcp://pool:3333/x")
        XCTAssertEqual(PoolURLText.redacted("stratum+tcp://pool:3333"), "stratum+tcp://pool:3333")
        XCTAssertEqual(PoolURLText.redacted("user@pool:3333"), "pool:3333")
        XCTAssertEqual(PoolURLText.host(ofURL: "stratum+ssl://pool.example:4444"), "pool.example")
        XCTAssertEqual(PoolURLText.host(ofURL: "stratum+tcp://[::1]:3333"), "[::1]")
    }

    func testSubmitLatencyHistogram() {
        var latency = StatusDocument.Worker.SubmitLatency(
            bucketBoundsMilliseconds: StatusDocument.Worker.SubmitLatency.defaultBoundsMilliseconds)
        latency.record(milliseconds: 3)
        latency.record(milliseconds: 30)
        latency.record(milliseconds: 20_000)
        XCTAssertEqual(latency.count, 3)
        XCTAssertEqual(latency.sum, 20_033)
        XCTAssertEqual(latency.max, 20_000)
        XCTAssertEqual(latency.avg, 20_033 / 3)
        XCTAssertEqual(latency.buckets.map(\.count), [1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2], "cumulative; 20 s only in +Inf")
    }

    /// The whole path: the daemon mines against LocalPool, writes its status file; the metrics
    /// rendered from that file parse and carry its numbers (including the new latency histogram).
    func testMetricsFromARealStatusFile() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftminer-mon-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let statusPath = directory + "/status.json"
        try await Self.mine(seconds: 2, statusFile: statusPath)
        let file = try XCTUnwrap(FileManager.default.contents(atPath: statusPath))
        let status = try JSONValue.parse(Array(file))
        let worker = try XCTUnwrap(status["workers"]?.arrayValue?.first)
        let latency = try XCTUnwrap(worker["submit_latency_ms"])
        let shares = try XCTUnwrap(worker["shares"])
        let answered = ["accepted", "rejected", "stale"].compactMap { shares[$0]?.integerValue }.reduce(0, +)
        XCTAssertGreaterThan(answered, 0)
        XCTAssertLessThanOrEqual(latency["count"]?.integerValue ?? -1, answered, "one latency per answered share")
        XCTAssertGreaterThan(worker["hashes_total"]?.integerValue ?? 0, 0)

        let text = PrometheusExposition.render(status: try StatusDocument.decode(file))
        XCTAssertFalse(text.contains(Self.password))
        let families = try MonitoringFixtures.parsePrometheus(text)
        XCTAssertEqual(families.value("swiftminer_shares_total", ["worker": "rig1", "result": "accepted"]),
                       shares["accepted"]?.doubleValue)
        XCTAssertEqual(families.value("swiftminer_share_submit_latency_seconds_count", ["worker": "rig1"]), latency["count"]?.doubleValue)
        XCTAssertEqual(families.value("swiftminer_hashes_total", ["worker": "rig1"]), worker["hashes_total"]?.doubleValue)
    }

    static let password = "monitoring-secret-do-not-leak"

    /// The daemon against a fresh LocalPool for `seconds`, writing `statusFile`.
    static func mine(seconds: Double, statusFile: String) async throws {
        var logger = Logger(label: "monitoring-test")
        logger.logLevel = .warning
        let difficulty = KernelSelection.automatic().kind == .swift ? 1e-6 : 2e-4
        let pool = LocalPool(configuration: LocalPoolConfiguration(initialDifficulty: difficulty, jobInterval: 0), logger: logger)
        let port = try await pool.start()
        let worker = WorkerSettings(name: "rig1", user: "tester.rig1", password: password, threads: 1,
                                    pools: [PoolConfiguration(url: "stratum+tcp://127.0.0.1:\(port)", difficultySuggestion: .off)])
        let settings = MinerSettings(workers: [worker], shutdownGrace: .seconds(3), statusFile: statusFile,
                                     shareLog: nil, statusInterval: .seconds(1))
        let service = try MinerService(settings: settings, logger: logger)
        let group = ServiceGroup(services: [service], gracefulShutdownSignals: [], logger: logger)
        let stopper = Task {
            try await Task.sleep(for: .seconds(seconds))
            await group.triggerGracefulShutdown()
        }
        try await group.run()
        _ = await stopper.result
        await pool.stop()
    }
}
