import Foundation
@testable import MinerDaemon
import StratumProtocol
import XCTest

/// A hand-made status document in `StatusReporter.statusDocument()`'s shape: two workers, one
/// mining, one disconnected, a pool URL with credentials in it (which must never show).
enum MonitoringFixtures {
    static let secret = "s3cret-pass"

    static var status: JSONValue {
        [
            "schema": 1, "version": "0.1.0", "pid": 4242, "updated_at": "2025-01-02T03:04:05.000Z",
            "started_at": "2025-01-02T02:04:05.000Z", "uptime_s": 3600, "status_interval_s": 5, "kernel": "avx2",
            "threads": 6,
            "hashrate": ["10s": 30_000_000.5, "60s": 29_000_000.25, "15m": 28_000_000.125],
            "shares": ["accepted": 110, "rejected": 5, "stale": 4, "lost": 1, "pending": 2],
            "best_share_difficulty_ever": 123456.789,
            "warnings": [],
            "workers": [
                worker(name: "rig1", url: "stratum+tcp://alice:\(secret)@pool.example.com:3333", state: "mining",
                       rates: (20_000_000.5, 19_000_000.25, 18_000_000.125), perThread: [5e6, 5e6, 5e6, 5_000_000.5],
                       shares: (found: 107, accepted: 100, rejected: 3, stale: 2, lost: 0, pending: 2),
                       reasons: ["duplicate": 1, "low-difficulty": 2], hashes: 72_000_000_000, best: 98765.4321,
                       lastShare: "2025-01-02T03:04:00.000Z", buckets: [0, 10, 50, 90, 100, 105, 105, 105, 105, 105, 105]),
                worker(name: "rig \"two\"", url: "stratum+ssl://backup.example.org:4444", state: "disconnected",
                       rates: (10_000_000, 10_000_000, 10_000_000), perThread: [5e6, 5e6],
                       shares: (found: 17, accepted: 10, rejected: 2, stale: 2, lost: 1, pending: 0),
                       reasons: ["other": 2], hashes: 36_000_000_000, best: 4000,
                       lastShare: nil, buckets: [0, 0, 1, 2, 3, 8, 10, 12, 14, 14, 14]),
            ],
        ]
    }

    static func worker(name: String, url: String, state: String, rates: (Double, Double, Double), perThread: [Double],
                       shares: (found: Int64, accepted: Int64, rejected: Int64, stale: Int64, lost: Int64, pending: Int64),
                       reasons: [String: Int64], hashes: Int64, best: Double, lastShare: String?,
                       buckets: [Int64]) -> JSONValue {
        let bounds: [Double] = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000]
        let count = buckets.last ?? 0
        return [
            "name": .string(name), "user": .string("alice.\(name)"),
            "pool": [
                "url": .string(url), "state": .string(state), "connected_since": "2025-01-02T02:05:00.000Z",
                "difficulty": 512, "job_id": "6a1f", "extranonce2_size": 4, "version_rolling_mask": "1fffe000",
                "reconnects": 3, "last_notify_at": "2025-01-02T03:04:03.500Z",
            ],
            "hashrate": ["10s": .double(rates.0), "60s": .double(rates.1), "15m": .double(rates.2),
                         "per_thread": .array(perThread.map { .double($0) })],
            "shares": [
                "found": .integer(shares.found), "accepted": .integer(shares.accepted), "rejected": .integer(shares.rejected),
                "stale": .integer(shares.stale), "lost": .integer(shares.lost), "pending": .integer(shares.pending),
                "accepted_difficulty": .double(Double(shares.accepted) * 512),
                "reject_reasons": .object(reasons.mapValues { .integer($0) }), "hardware_errors": 1,
            ],
            "best_share_difficulty": .double(best),
            "last_share_at": lastShare.map { .string($0) } ?? .null,
            "blocks_found": 0,
            "submit_latency_ms": [
                "avg": 42.5, "max": 900.25, "count": .integer(count), "sum": .double(Double(count) * 42.5),
                "buckets": .array(zip(bounds, buckets).map { ["le": .double($0), "count": .integer($1)] }),
            ],
            "hashes_total": .integer(hashes),
            "expected_shares": 99.5, "warning": .null,
        ]
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
