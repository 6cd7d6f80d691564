import Configuration
import Foundation
import HashingEngine
import LocalPool
import Logging
import MinerDaemon
import PoolSettings
import ServiceLifecycle
import StratumClient
import XCTest

/// A compressed soak: the real daemon (`MinerService`) against `LocalPool` with a new job every
/// second and the connection cut every few seconds, for minutes. The process's resident memory and
/// open file descriptors must stay flat once warmed up. Skipped unless `SWIFTMINER_SOAK=1`
/// (`scripts/soak.sh` runs it).
///
/// Environment: `SWIFTMINER_SOAK_SECONDS` (default 180), `SWIFTMINER_SOAK_SAMPLE_SECONDS` (10),
/// `SWIFTMINER_SOAK_RECONNECT_SECONDS` (4), `SWIFTMINER_SOAK_WARMUP_SECONDS` (60),
/// `SWIFTMINER_SOAK_MAX_RSS_GROWTH_MB` (20), `SWIFTMINER_SOAK_MAX_FD_DRIFT` (5).
final class SoakTests: XCTestCase {
    struct Sample {
        let elapsed: Int
        let rssKB: Int
        let fds: Int
        let connections: Int
        let jobs: Int
        let accepted: Int
    }

    static func environment(_ name: String, default value: Int) -> Int {
        ProcessInfo.processInfo.environment[name].flatMap { Int($0) } ?? value
    }

    /// VmRSS of this process in kB (/proc/self/status).
    static func residentKB() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? -1
        }
        return -1
    }

    /// Open file descriptors of this process (entries of /proc/self/fd, less the one listing it).
    static func openFDs() -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd"))?.count ?? 0) - 1
    }

    func testSoakReconnectsAndJobsKeepMemoryAndFDsFlat() async throws {
        try XCTSkipUnless(ProcessInfo.processInfo.environment["SWIFTMINER_SOAK"] == "1",
                          "soak test: set SWIFTMINER_SOAK=1 (scripts/soak.sh)")
        let duration = Self.environment("SWIFTMINER_SOAK_SECONDS", default: 180)
        let sampleEvery = max(1, Self.environment("SWIFTMINER_SOAK_SAMPLE_SECONDS", default: 10))
        let reconnectEvery = max(1, Self.environment("SWIFTMINER_SOAK_RECONNECT_SECONDS", default: 4))
        let warmup = min(Self.environment("SWIFTMINER_SOAK_WARMUP_SECONDS", default: 60), duration / 2)
        let maxGrowthKB = Self.environment("SWIFTMINER_SOAK_MAX_RSS_GROWTH_MB", default: 20) * 1024
        let maxFDDrift = Self.environment("SWIFTMINER_SOAK_MAX_FD_DRIFT", default: 5)

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftminer-soak-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        // A job every second; a difficulty giving about one share a second on one thread.
        let difficulty: Double = KernelSelection.automatic().kind == .swift ? 2e-6 : 2e-3
        let pool = LocalPool(configuration: LocalPoolConfiguration(initialDifficulty: difficulty, extranonce2Size: 4,
                                                                   versionRollingMask: 0x1fff_e000, jobInterval: 1,
                                                                   nbits: 0x1d00_ffff),
                             logger: Logger(label: "soak.pool") { _ in SwiftLogNoOpLogHandler() })
        let port = try await pool.start()
        // Drain the pool's events so its (bounded) buffer is not what we measure.
        let drain = Task { for await _ in pool.events {} }

        var logger = Logger(label: "soak") { _ in SwiftLogNoOpLogHandler() }
        logger.logLevel = .warning
        let worker = WorkerSettings(name: "soak", user: "soak.rig1", password: "x", threads: 1,
                                    pools: [PoolConfiguration(url: "stratum+tcp://127.0.0.1:\(port)", difficultySuggestion: .off)])
        let settings = MinerSettings(workers: [worker], shutdownGrace: .seconds(2),
                                     statusFile: directory.appendingPathComponent("status.json").path,
                                     shareLog: directory.appendingPathComponent("shares.jsonl").path,
                                     statusInterval: .seconds(1), shareLogMaxBytes: 1 << 20, shareLogKeep: 2)
        let found = ManagedAtomicCounter()
        let service = try MinerService(settings: settings, logger: logger) { _ in found.increment() }
        let group = ServiceGroup(services: [service], gracefulShutdownSignals: [], logger: logger)
        let run = Task { try await group.run() }

        var samples: [Sample] = []
        func sample(_ elapsed: Int) {
            let stats = pool.stats
            let s = Sample(elapsed: elapsed, rssKB: Self.residentKB(), fds: Self.openFDs(),
                           connections: stats.sessions.count, jobs: stats.jobsCreated, accepted: stats.accepted)
            samples.append(s)
            print(String(format: "soak t=%4ds  rss=%7.1f MB  fds=%3d  connections=%4d  jobs=%4d  accepted=%5d",
                         s.elapsed, Double(s.rssKB) / 1024, s.fds, s.connections, s.jobs, s.accepted))
        }

        // Cut the connection every `reconnectEvery` s, alternating a hard drop with a pool-requested
        // `client.reconnect` (which also resets the client's backoff, so it comes back at once
        // instead of backing off towards a minute after repeated unstable drops).
        let start = ContinuousClock.now
        var cuts = 0
        var nextCut = reconnectEvery
        var nextSample = 0
        for second in 0...duration {
            try await Task.sleep(until: start + .seconds(second), clock: .continuous)
            if second == nextCut {
                if cuts % 2 == 0 { pool.dropAllConnections() } else { pool.sendReconnect(waitSeconds: 0) }
                cuts += 1
                nextCut += reconnectEvery
            }
            if second == nextSample {
                sample(second)
                nextSample += sampleEvery
            }
        }

        await group.triggerGracefulShutdown()
        try await run.value
        await pool.stop()
        drain.cancel()

        let stats = pool.stats
        print("soak: \(duration) s, \(cuts) connection cuts, \(stats.sessions.count) connections recorded, "
              + "\(stats.jobsCreated) jobs, \(stats.accepted) accepted / \(stats.rejected) rejected, \(found.value) share events")
        let rssSeries = samples.map { String(format: "%.1f", Double($0.rssKB) / 1024) }.joined(separator: " ")
        print("soak RSS MB series (every \(sampleEvery) s): \(rssSeries)")
        print("soak fd series: \(samples.map { String($0.fds) }.joined(separator: " "))")

        // It really reconnected and mined throughout.
        XCTAssertGreaterThanOrEqual(stats.jobsCreated, duration * 8 / 10, "a job every second")
        XCTAssertGreaterThan(stats.accepted, 0)
        XCTAssertGreaterThanOrEqual(stats.sessions.count, min(cuts, 200) / 2, "reconnected after the cuts")

        guard let base = samples.first(where: { $0.elapsed >= warmup }), let last = samples.last else {
            return XCTFail("no samples after the warm-up")
        }
        let growth = last.rssKB - base.rssKB
        print("soak: RSS \(base.rssKB / 1024) MB at \(base.elapsed) s → \(last.rssKB / 1024) MB at \(last.elapsed) s "
              + "(\(growth >= 0 ? "+" : "")\(growth) kB); fds \(base.fds) → \(last.fds)")
        XCTAssertLessThan(growth, maxGrowthKB, "RSS grew \(growth) kB after the warm-up")
        for s in samples where s.elapsed >= warmup {
            XCTAssertLessThanOrEqual(abs(s.fds - base.fds), maxFDDrift, "fds at \(s.elapsed) s: \(s.fds), at warm-up \(base.fds)")
        }
    }
}

/// A counter bumped from the daemon's share observer.
private final class ManagedAtomicCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
