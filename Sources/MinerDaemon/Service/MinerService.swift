import HashingEngine
import Logging
import ServiceLifecycle
import StratumClient

/// The daemon: one Stratum client, one hashing engine and one coordinator per worker.
///
/// On graceful shutdown (SIGTERM/SIGINT through ServiceLifecycle) it stops hashing, waits up to
/// `shutdownGrace` for answers to shares already sent, closes the connections, joins the hashing
/// threads and returns.
public final class MinerService: Service, Sendable {
    public let settings: MinerSettings
    private let logger: Logger
    private let observer: (@Sendable (ShareEvent) -> Void)?
    private let kernelBox: KernelBox

    /// The kernel is chosen (and verified against the reference) when the service is created, so
    /// a forced kernel the CPU lacks fails before anything starts.
    public init(settings: MinerSettings, logger: Logger, observer: (@Sendable (ShareEvent) -> Void)? = nil) throws {
        self.settings = settings
        self.logger = logger
        self.observer = observer
        let kernel = try settings.kernel.makeKernel()
        try KernelVerification.verify(kernel)
        kernelBox = KernelBox(kernel: kernel)
    }

    public var kernel: any NonceScanningKernel { kernelBox.kernel }

    private struct KernelBox: Sendable { let kernel: any NonceScanningKernel }

    private struct Worker: Sendable {
        let settings: WorkerSettings
        let engine: HashingEngine
        let client: StratumClient
        let coordinator: MiningCoordinator
    }

    public func run() async throws {
        logger.info("SwiftMiner \(SwiftMinerVersion.string) starting", metadata: [
            "kernel": "\(kernel.kind.rawValue)", "workers": "\(settings.workers.count)",
        ])
        let (shareEvents, shareEventSink) = AsyncStream.makeStream(of: ShareEvent.self)
        let observer = self.observer
        let forward: @Sendable (ShareEvent) -> Void = { event in
            shareEventSink.yield(event)
            observer?(event)
        }
        let workers = settings.workers.map { worker in
            let engine = HashingEngine(threadCount: worker.threads, kernel: kernel)
            var workerLogger = logger
            workerLogger[metadataKey: "worker"] = "\(worker.name)"
            let client = StratumClient(configuration: worker.clientConfiguration(userAgent: settings.userAgent),
                                       logger: workerLogger)
            let coordinator = MiningCoordinator(workerName: worker.name, user: worker.user, client: client, engine: engine,
                                                logger: logger, observer: forward)
            logger.info("worker \(worker.name): \(worker.threads) hashing thread(s), pools \(worker.pools.map(\.url))")
            return Worker(settings: worker, engine: engine, client: client, coordinator: coordinator)
        }
        for worker in workers { worker.engine.start() }
        let reporter = StatusReporter(
            configuration: .init(statusFile: settings.statusFile, shareLog: settings.shareLog,
                                 shareLogMaxBytes: settings.shareLogMaxBytes, shareLogKeep: settings.shareLogKeep,
                                 interval: settings.statusInterval, kernel: kernel.kind.rawValue),
            sources: workers.map { .init(name: $0.settings.name, engine: $0.engine, coordinator: $0.coordinator) },
            events: shareEvents, logger: logger)
        let reporting = Task { await reporter.run() }

        let clients = Task {
            await withTaskGroup(of: Void.self) { group in
                for worker in workers {
                    group.addTask {
                        do { try await worker.client.run() } catch {
                            self.logger.error("client stopped: \(error)", metadata: ["worker": "\(worker.settings.name)"])
                        }
                    }
                }
            }
        }
        await withTaskGroup(of: Void.self) { group in
            for worker in workers {
                group.addTask { await worker.coordinator.run() }
            }
            group.addTask {
                // Runs until graceful shutdown is triggered (or the service is cancelled).
                try? await gracefulShutdown()
                self.logger.info("shutting down: hashing stopped, waiting up to \(self.settings.shutdownGrace) for pending shares")
                for worker in workers { worker.engine.setWork(nil) }
                for worker in workers {
                    let drained = await worker.coordinator.drainPendingShares(timeout: self.settings.shutdownGrace)
                    if !drained {
                        self.logger.warning("shares still unanswered at shutdown", metadata: ["worker": "\(worker.settings.name)"])
                    }
                }
                clients.cancel()
                await clients.value
                for worker in workers { worker.engine.stop() }
            }
        }
        shareEventSink.finish()
        reporting.cancel()
        await reporting.value
        await reporter.writeFinalStatus()
        for worker in workers {
            let counters = await worker.coordinator.shareCounters
            logger.info("stopped: accepted \(counters.accepted), rejected \(counters.rejected), stale \(counters.stale), lost \(counters.lost)",
                        metadata: ["worker": "\(worker.settings.name)"])
        }
    }
}
