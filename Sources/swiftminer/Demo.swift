import Configuration
import Foundation
import LocalPool
import Logging
import MinerDaemon
import MiningCore
import PoolSettings
import ServiceLifecycle
import StratumClient

/// `swiftminer demo`: the project's own validating pool on an ephemeral loopback port, and the
/// real daemon mining against it at a difficulty that gives a few shares a second here.
struct Demo: Sendable {
    var threads: Int
    /// Stop after this long (nil: until SIGINT/SIGTERM).
    var seconds: Double?
    var kernel: KernelChoice
    /// Shares per second to aim for.
    var sharesPerSecond: Double
    var statusFile: String?
    var shareLog: String?
    /// `[metrics]` and `[api]` from `demo --config FILE`, so the endpoints can be tried with no pool.
    var monitoring: MonitoringSettings

    init(threads: Int, seconds: Double?, kernel: KernelChoice = .automatic, sharesPerSecond: Double = 3,
                statusFile: String? = StatePaths.statusFile(), shareLog: String? = StatePaths.shareLog(),
                monitoring: MonitoringSettings = MonitoringSettings()) {
        self.monitoring = monitoring
        self.threads = threads
        self.seconds = seconds
        self.kernel = kernel
        self.sharesPerSecond = sharesPerSecond
        self.statusFile = statusFile
        self.shareLog = shareLog
    }

    struct Summary: Sendable {
        let poolAccepted: Int
        let poolRejected: Int
        let minerCounters: ShareCounters
        let difficulty: Double
    }

    /// Runs the demo; `print` receives one human-readable line per pool event worth showing.
    func run(logger: Logger, print: @escaping @Sendable (String) -> Void) async throws -> Summary {
        // Measure this machine first, so the pool's difficulty gives a few shares a second.
        let measured = try await Benchmark(threads: threads, seconds: 0.5, kernel: kernel).run()
        let difficulty = max(measured.hashrate / (Difficulty.hashesPerDifficultyOneShare * sharesPerSecond), 1e-9)
        let pool = LocalPool(configuration: LocalPoolConfiguration(initialDifficulty: difficulty, jobInterval: 15, nbits: 0x1d00_ffff),
                             logger: logger)
        let port = try await pool.start()
        print(String(format: "demo pool listening on 127.0.0.1:%d, difficulty %.6g (%@ measured, kernel %@)",
                     port, difficulty, HashrateFormat.string(measured.hashrate), measured.kernel.rawValue))
        let poolEvents = Task {
            for await event in pool.events {
                switch event {
                case .shareAccepted(let share):
                    print(String(format: "pool: accepted share from %@, job %@, nonce %08x, difficulty %.6g (needs %.6g)",
                                 share.worker, share.jobID, share.nonce, share.shareDifficulty, share.difficulty))
                case .shareRejected(let rejection):
                    print("pool: REJECTED share (\(rejection.reason)): \(rejection.message)")
                default:
                    break
                }
            }
        }
        let worker = WorkerSettings(name: "demo", user: "demo.worker", password: "x", threads: threads,
                                    pools: [PoolConfiguration(url: "stratum+tcp://127.0.0.1:\(port)", difficultySuggestion: .off)])
        let settings = MinerSettings(workers: [worker], kernel: .specific(measured.kernel), shutdownGrace: .seconds(3),
                                     statusFile: statusFile, shareLog: shareLog, statusInterval: .seconds(2),
                                     monitoring: monitoring)
        let counters = CountersBox()
        let service = try MinerService(settings: settings, logger: logger) { event in counters.store(event.counters) }
        let group = ServiceGroup(services: [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        let timer = Task {
            guard let seconds else { return }
            try await Task.sleep(for: .seconds(seconds))
            await group.triggerGracefulShutdown()
        }
        defer { timer.cancel() }
        try await group.run()
        await pool.stop()
        poolEvents.cancel()
        let stats = pool.stats
        return Summary(poolAccepted: stats.accepted, poolRejected: stats.rejected, minerCounters: counters.value,
                       difficulty: difficulty)
    }

    private final class CountersBox: @unchecked Sendable {
        private let lock = NSLock()
        private var counters = ShareCounters()
        var value: ShareCounters { lock.withLock { counters } }
        func store(_ new: ShareCounters) { lock.withLock { counters = new } }
    }
}
