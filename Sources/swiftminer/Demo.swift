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
    /// Mine against the project's Stratum V2 pool (Noise-encrypted, standard channel) instead of v1.
    var stratumV2 = false

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
        if stratumV2 { return try await runStratumV2(difficulty: difficulty, measured: measured, logger: logger, print: print) }
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
        let counters = try await mine(url: "stratum+tcp://127.0.0.1:\(port)", kernel: measured.kernel, logger: logger)
        await pool.stop()
        poolEvents.cancel()
        let stats = pool.stats
        return Summary(poolAccepted: stats.accepted, poolRejected: stats.rejected, minerCounters: counters,
                       difficulty: difficulty)
    }

    /// The same against `SV2LocalPool`: the Noise handshake, the certificate check, a standard channel.
    private func runStratumV2(difficulty: Double, measured: Benchmark.Result, logger: Logger,
                              print: @escaping @Sendable (String) -> Void) async throws -> Summary {
        let pool = try SV2LocalPool(configuration: SV2LocalPoolConfiguration(initialDifficulty: difficulty, jobInterval: 15, nbits: 0x1d00_ffff),
                                    logger: logger)
        let port = try await pool.start()
        let url = "stratum2+tcp://127.0.0.1:\(port)/\(SV2AuthorityKey(xOnly: pool.authorityPublicKeyXOnly)!.base58)"
        print(String(format: "demo Stratum V2 pool listening on %@, difficulty %.6g (%@ measured, kernel %@)",
                     url, difficulty, HashrateFormat.string(measured.hashrate), measured.kernel.rawValue))
        let poolEvents = Task {
            for await event in pool.events {
                guard case .share(let verdict) = event else { continue }
                if let code = verdict.errorCode {
                    print("pool: REJECTED share (\(code)) on channel \(verdict.channelID), job \(verdict.jobID)")
                } else {
                    print(String(format: "pool: accepted share on channel %u, job %u, difficulty %.6g",
                                 verdict.channelID, verdict.jobID, verdict.shareDifficulty))
                }
            }
        }
        let counters = try await mine(url: url, kernel: measured.kernel, logger: logger)
        await pool.stop()
        poolEvents.cancel()
        let stats = pool.stats
        return Summary(poolAccepted: stats.accepted, poolRejected: stats.rejected, minerCounters: counters, difficulty: difficulty)
    }

    /// Runs the daemon with one worker on `url` until the timer or a signal stops it; its share counters.
    private func mine(url: String, kernel: KernelKind, logger: Logger) async throws -> ShareCounters {
        let worker = WorkerSettings(name: "demo", user: "demo.worker", password: "x", threads: threads,
                                    pools: [PoolConfiguration(url: url, difficultySuggestion: .off)])
        let settings = MinerSettings(workers: [worker], kernel: .specific(kernel), shutdownGrace: .seconds(3),
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
        return counters.value
    }

    private final class CountersBox: @unchecked Sendable {
        private let lock = NSLock()
        private var counters = ShareCounters()
        var value: ShareCounters { lock.withLock { counters } }
        func store(_ new: ShareCounters) { lock.withLock { counters = new } }
    }
}
