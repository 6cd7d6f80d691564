import Foundation
@testable import MinerDaemon
import StratumProtocol
import XCTest

/// A hand-made status document: two workers, one mining, one disconnected, a pool URL with
/// credentials in it (which must never show).
enum MonitoringFixtures {
    static let secret = "s3cret-pass"

    static var status: StatusDocument {
        var document = StatusDocument()
        document.version = "0.1.0"
        document.pid = 4242
        document.updatedAt = Timestamp.parse("2025-01-02T03:04:05.000Z")!
        document.startedAt = Timestamp.parse("2025-01-02T02:04:05.000Z")!
        document.uptimeSeconds = 3600
        document.statusIntervalSeconds = 5
        document.kernel = "avx2"
        document.threads = 6
        document.hashrate = .init(tenSeconds: 30_000_000.5, oneMinute: 29_000_000.25, fifteenMinutes: 28_000_000.125)
        document.bestShareDifficultyEver = 123456.789
        document.workers = [
            worker(name: "rig1", url: "stratum+tcp://alice:\(secret)@pool.example.com:3333", state: .mining,
                   rates: (20_000_000.5, 19_000_000.25, 18_000_000.125), perThread: [5e6, 5e6, 5e6, 5_000_000.5],
                   shares: (found: 107, accepted: 100, rejected: 3, stale: 2, lost: 0, pending: 2),
                   reasons: ["duplicate": 1, "low-difficulty": 2], hashes: 72_000_000_000, best: 98765.4321,
                   lastShare: "2025-01-02T03:04:00.000Z", buckets: [0, 10, 50, 90, 100, 105, 105, 105, 105, 105, 105]),
            worker(name: "rig \"two\"", url: "stratum+ssl://backup.example.org:4444", state: .disconnected,
                   rates: (10_000_000, 10_000_000, 10_000_000), perThread: [5e6, 5e6],
                   shares: (found: 17, accepted: 10, rejected: 2, stale: 2, lost: 1, pending: 0),
                   reasons: ["other": 2], hashes: 36_000_000_000, best: 4000,
                   lastShare: nil, buckets: [0, 0, 1, 2, 3, 8, 10, 12, 14, 14, 14]),
        ]
        for worker in document.workers { document.shares.add(worker.shares) }
        return document
    }

    /// `status` as the status file holds it.
    static var statusJSON: JSONValue {
        try! JSONValue.parse(try! status.encoded())
    }

    static func worker(name: String, url: String, state: PoolState, rates: (Double, Double, Double), perThread: [Double],
                       shares: (found: UInt64, accepted: UInt64, rejected: UInt64, stale: UInt64, lost: UInt64, pending: UInt64),
                       reasons: [String: UInt64], hashes: UInt64, best: Double, lastShare: String?,
                       buckets: [UInt64]) -> StatusDocument.Worker {
        let bounds: [Double] = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000]
        let count = buckets.last ?? 0
        var worker = StatusDocument.Worker()
        worker.name = name
        worker.user = "alice.\(name)"
        worker.pool.url = url
        worker.pool.protocolName = url.hasPrefix("stratum+ssl") ? "stratum-v2" : "stratum-v1"  // both kinds in one document
        worker.pool.state = state
        worker.pool.connectedSince = Timestamp.parse("2025-01-02T02:05:00.000Z")
        worker.pool.difficulty = 512
        worker.pool.suggestedDifficulty = name == "rig1" ? 0.25 : nil
        worker.pool.jobID = "6a1f"
        worker.pool.extranonce2Size = 4
        worker.pool.versionRollingMask = "1fffe000"
        worker.pool.reconnects = 3
        worker.pool.lastNotifyAt = Timestamp.parse("2025-01-02T03:04:03.500Z")
        worker.hashrate = .init(windows: .init(tenSeconds: rates.0, oneMinute: rates.1, fifteenMinutes: rates.2), perThread: perThread)
        worker.shares.found = shares.found
        worker.shares.accepted = shares.accepted
        worker.shares.rejected = shares.rejected
        worker.shares.stale = shares.stale
        worker.shares.lost = shares.lost
        worker.shares.pending = shares.pending
        worker.shares.acceptedDifficulty = Double(shares.accepted) * 512
        worker.shares.rejectReasons = reasons
        worker.shares.hardwareErrors = 1
        worker.bestShareDifficulty = best
        worker.lastShareAt = lastShare.flatMap(Timestamp.parse)
        worker.submitLatency.avg = 42.5
        worker.submitLatency.max = 900.25
        worker.submitLatency.count = count
        worker.submitLatency.sum = Double(count) * 42.5
        worker.submitLatency.buckets = zip(bounds, buckets).map { .init(le: $0, count: $1) }
        worker.hashesTotal = hashes
        worker.expectedShares = 99.5
        return worker
    }

    /// Parses Prometheus text with `prometheus_client` (a real parser, run as a subprocess).
    /// Returns (family name, type, [(sample name, labels, value)]).
    struct Family: Decodable {
        let name: String
        let type: String
        let samples: [Sample]
    }

    struct Sample: Decodable {
        let name: String
        let labels: [String: String]
        let value: Double
    }

    static let parserScript = """
        import json, math, sys
        from prometheus_client.parser import text_string_to_metric_families
        text = open(sys.argv[1], encoding="utf-8").read()
        out = []
        for family in text_string_to_metric_families(text):
            out.append({"name": family.name, "type": family.type,
                        "samples": [{"name": s.name, "labels": s.labels,
                                     "value": s.value if math.isfinite(s.value) else 0.0} for s in family.samples]})
        print(json.dumps(out))
        """

    /// Skips when python3 or prometheus_client is missing, unless SWIFTMINER_REQUIRE_PROMETHEUS_CLIENT=1 (CI).
    static func parsePrometheus(_ text: String) throws -> [Family] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftminer-metrics-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let metricsFile = directory.appendingPathComponent("metrics.txt")
        try Data(text.utf8).write(to: metricsFile)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", parserScript, metricsFile.path]
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        let required = ProcessInfo.processInfo.environment["SWIFTMINER_REQUIRE_PROMETHEUS_CLIENT"] == "1"
        do {
            try process.run()
        } catch {
            if required { throw error }
            throw XCTSkip("python3 not available: \(error)")
        }
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if process.terminationStatus != 0 {
            if errors.contains("No module named 'prometheus_client'") && !required {
                throw XCTSkip("prometheus_client not installed: python3 -m pip install prometheus_client")
            }
            XCTFail("prometheus_client refused the metrics text:\n\(errors)")
            throw NSError(domain: "prometheus", code: Int(process.terminationStatus))
        }
        return try JSONDecoder().decode([Family].self, from: output)
    }
}

extension Array where Element == MonitoringFixtures.Family {
    /// The value of the sample named `name` whose labels include `labels`.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        for family in self {
            for sample in family.samples where sample.name == name {
                if labels.allSatisfy({ sample.labels[$0.key] == $0.value }) { return sample.value }
            }
        }
        return nil
    }

    func family(_ name: String) -> MonitoringFixtures.Family? { first { $0.name == name } }
}
