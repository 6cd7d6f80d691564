import Configuration
import Foundation
import HashingEngine
import Logging
import NodeRPCClient
import ServiceLifecycle
import SoloMining
import StratumClient
import UnixSignals

/// The daemon: one Stratum client, one hashing engine and one `MiningWorker` between them per worker.
///
/// On graceful shutdown (SIGTERM/SIGINT through ServiceLifecycle) it tells systemd `STOPPING=1`,
/// stops hashing, waits up to `shutdownGrace` for answers to shares already sent, closes the
/// connections, joins the hashing threads, writes the final status and returns.
///
/// On SIGHUP it reopens the share log and asks `reload` for new settings: a bad new configuration
/// is logged and the running one keeps going; a good one replaces the running workers (pools,
/// users, threads, paths, kernel) after their pending shares are answered. systemd hears
/// `RELOADING=1`, then `READY=1` once the new configuration hashes again.
public final class MinerService: Service, Sendable {
    /// The settings it started with.
    public let settings: MinerSettings
    private let logger: Logger
    private let observer: (@Sendable (ShareEvent) -> Void)?
    private let kernelBox: KernelBox
    private let notifier: SystemdNotifier
    private let reload: (@Sendable () throws -> MinerSettings)?
    private let handleSIGHUP: Bool

    /// The kernel is chosen (and verified against the reference) when the service is created, so
    /// a forced kernel the CPU lacks fails before anything starts.
    /// - Parameters:
    ///   - notifier: the systemd notify channel (does nothing outside systemd).
    ///   - reload: reads the configuration again (SIGHUP); nil: SIGHUP only reopens the share log.
    ///   - handleSIGHUP: install the SIGHUP handler (tests running in-process may not want it).
    public convenience init(settings: MinerSettings, logger: Logger, observer: (@Sendable (ShareEvent) -> Void)? = nil,
                            notifier: SystemdNotifier = SystemdNotifier(), handleSIGHUP: Bool = false,
                            reload: (@Sendable () throws -> MinerSettings)? = nil) throws {
        let kernel = try settings.kernel.makeKernel()
        try KernelVerification.verify(kernel)
        self.init(settings: settings, unverifiedKernel: kernel, logger: logger, observer: observer, notifier: notifier,
                  handleSIGHUP: handleSIGHUP, reload: reload)
    }

    /// With a kernel as it is, unchecked: tests give it one that lies, to see the re-verification catch it.
    package init(settings: MinerSettings, unverifiedKernel kernel: any NonceScanningKernel, logger: Logger,
                 observer: (@Sendable (ShareEvent) -> Void)? = nil, notifier: SystemdNotifier = SystemdNotifier(),
                 handleSIGHUP: Bool = false, reload: (@Sendable () throws -> MinerSettings)? = nil) {
        self.settings = settings
        self.logger = logger
        self.observer = observer
        self.notifier = notifier
        self.reload = reload
        self.handleSIGHUP = handleSIGHUP
        kernelBox = KernelBox(kernel: kernel)
    }

    public var kernel: any NonceScanningKernel { kernelBox.kernel }

    private struct KernelBox: Sendable { let kernel: any NonceScanningKernel }

    private struct Worker: Sendable {
        let settings: WorkerSettings
        let engine: HashingEngine
        let client: any WorkSource
        let miningWorker: MiningWorker
    }

    private enum Control: Sendable { case shutdown, reload }
    private enum End { case shutdown, reload(MinerSettings, any NonceScanningKernel) }

    public func run() async throws {
        logger.info("SwiftMiner \(SwiftMinerVersion.string) starting", metadata: [
            "kernel": "\(kernel.kind.rawValue)", "workers": "\(settings.workers.count)",
        ])
        let (control, controlSink) = AsyncStream.makeStream(of: Control.self)
        // Trapped before anything starts, so a SIGHUP from now on is a reload.
        let hangups = handleSIGHUP ? await UnixSignalsSequence(trapping: .sighup) : nil
        await withTaskGroup(of: Void.self) { group in
            if let hangups {
                group.addTask {
                    for await _ in hangups { controlSink.yield(.reload) }
                }
            }
            group.addTask {
                // Until graceful shutdown is triggered (or the service is cancelled).
                try? await gracefulShutdown()
                controlSink.yield(.shutdown)
            }
            var events = control.makeAsyncIterator()
            var current = settings
            var kernel = self.kernel
            while true {
                switch await runConfiguration(current, kernel: kernel, control: &events) {
                case .shutdown:
                    group.cancelAll()
                    return
                case .reload(let next, let nextKernel):
                    current = next
                    kernel = nextKernel
                }
            }
        }
    }

    /// Runs one configuration until shutdown or an accepted reload.
    private func runConfiguration(_ settings: MinerSettings, kernel: any NonceScanningKernel,
                                  control: inout AsyncStream<Control>.Iterator) async -> End {
        let (updates, updateSink) = AsyncStream.makeStream(of: WorkerUpdate.self)
        let workers = settings.workers.map { worker in
            let engine = HashingEngine(threadCount: worker.threads, kernel: kernel,
                                       batchTargetNanoseconds: settings.hashingBatchTarget.map { UInt64($0 / .nanoseconds(1)) }
                                           ?? HashingEngine.defaultBatchTargetNanoseconds)
            var workerLogger = logger
            workerLogger[metadataKey: "worker"] = "\(worker.name)"
            let client: any WorkSource = worker.solo.map {
                SoloWorkSource(settings: $0, user: worker.user, password: worker.password, logger: workerLogger)
            } ?? StratumClient(configuration: worker.clientConfiguration(userAgent: settings.userAgent), logger: workerLogger)
            let miningWorker = MiningWorker(name: worker.name, user: worker.user, client: client, engine: engine,
                                            logger: logger, updates: updateSink, observer: observer,
                                            sampleInterval: WatchdogMonitor.requiredUpdateInterval(for: notifier),
                                            pools: worker.pools, targetShareInterval: worker.targetShareInterval)
            let source: String = worker.solo.map { "solo against \(NodeEndpoint(url: $0.url)?.description ?? $0.url)" }
                ?? "pools \(worker.pools.map { $0.url })"
            logger.info("worker \(worker.name): \(worker.threads) hashing thread(s), \(source)")
            return Worker(settings: worker, engine: engine, client: client, miningWorker: miningWorker)
        }
        for worker in workers { worker.engine.start() }
        let reporter = StatusReporter(
            configuration: .init(statusFile: settings.statusFile, shareLog: settings.shareLog,
                                 shareLogMaxBytes: settings.shareLogMaxBytes, shareLogKeep: settings.shareLogKeep,
                                 interval: settings.statusInterval, kernel: kernel.kind.rawValue),
            workers: workers.map(\.settings.name), updates: updates, logger: logger)
        let monitor = WatchdogMonitor(notifier: notifier, statusInterval: settings.statusInterval,
                                      documents: reporter.documents, logger: logger)
        // Mining matters more than watching it: the endpoints log why they cannot start, and mining goes on.
        let endpoints = MonitoringServices(settings: settings.monitoring,
                                           metricsAllowNonLoopback: settings.monitoring.metricsAllowRemote, logger: logger,
                                           statusSource: { await reporter.document })
        // The reporter ends when the workers' updates do, the watchdog when the reporter's documents
        // do, the endpoints at graceful shutdown: each stops on its own, none stops the others.
        let services: [any Service] = [reporter, monitor, endpoints]
        let observers = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services.map {
                ServiceGroupConfiguration.ServiceConfiguration(
                    service: $0, successTerminationBehavior: .ignore, failureTerminationBehavior: .ignore)
            },
            logger: logger))
        let observing = Task { try? await observers.run() }

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
        let miningWorkers = Task {
            await withTaskGroup(of: Void.self) { group in
                for worker in workers {
                    group.addTask { await worker.miningWorker.run() }
                }
            }
        }

        var end: End = .shutdown
        waiting: while true {
            switch await control.next() {
            case .shutdown?, nil:
                notifier.stopping()
                logger.info("shutting down: hashing stopped, waiting up to \(settings.shutdownGrace) for pending shares")
                end = .shutdown
                break waiting
            case .reload?:
                notifier.reloading()
                logger.notice("SIGHUP: reopening the share log and reloading the configuration")
                await reporter.reopenShareLog()
                guard let reload else {
                    notifier.ready()
                    continue waiting
                }
                do {
                    let next = try reload()
                    var nextKernel = kernel
                    if next.kernel != settings.kernel {
                        nextKernel = try next.kernel.makeKernel()
                        try KernelVerification.verify(nextKernel)
                    }
                    logger.notice("new configuration accepted: \(next.workers.count) worker(s); restarting the workers")
                    end = .reload(next, nextKernel)
                    break waiting
                } catch {
                    logger.error("new configuration rejected, the running one stays: \(error)")
                    notifier.ready()
                }
            }
        }

        // The engines' last batches end and everything they found is handed over (the candidate
        // streams finish); then the pool gets up to `shutdownGrace` to answer what was sent.
        for worker in workers { await worker.miningWorker.stopHashing() }
        for worker in workers {
            let drained = await worker.miningWorker.waitForAnswers(timeout: settings.shutdownGrace)
            if !drained {
                logger.warning("shares still unanswered at shutdown", metadata: ["worker": "\(worker.settings.name)"])
            }
        }
        clients.cancel()
        await clients.value
        miningWorkers.cancel()
        await miningWorkers.value
        updateSink.finish()
        await observers.triggerGracefulShutdown()
        await observing.value
        for worker in workers {
            let counters = await worker.miningWorker.shareCounters
            logger.info("stopped: accepted \(counters.accepted), rejected \(counters.rejected), stale \(counters.stale), lost \(counters.lost)",
                        metadata: ["worker": "\(worker.settings.name)"])
        }
        return end
    }
}
