import Configuration
import FarmProxy
import FarmProxyCore
import Foundation
import HashingEngine
import Logging
import ServiceLifecycle
import SoloMining
import StratumClient

/// One configuration at run time: per worker a work source, a hashing engine and the
/// `MiningWorker` between them (child tasks: the workers, and within their scope the sources), and
/// the observers of the workers' updates (the status reporter, the systemd watchdog, the
/// monitoring endpoints). `MinerService` builds one, runs it until shutdown or an accepted
/// reload, and it drains itself in the shutdown order.
struct ConfigurationRun: Sendable {
    /// One worker's parts.
    struct Worker: Sendable {
        let settings: WorkerSettings
        let engine: HashingEngine
        let source: any WorkSource
        let miningWorker: MiningWorker
    }

    let settings: MinerSettings
    let kernel: any NonceScanningKernel
    let workers: [Worker]
    /// The farm proxies: each a listener for miners and one upstream connection.
    let proxies: [FarmProxy]
    /// Writes the status file and the share log from the workers' updates.
    let reporter: StatusReporter
    private let updateSink: AsyncStream<WorkerUpdate>.Continuation
    /// The reporter, the watchdog and the endpoints: each stops on its own, none stops the others.
    private let observers: ServiceGroup
    private let logger: Logger

    // MARK: - Build

    init(settings: MinerSettings, kernel: any NonceScanningKernel, notifier: SystemdNotifier,
         observer: (@Sendable (ShareEvent) -> Void)?, logger: Logger) {
        let (updates, updateSink) = AsyncStream.makeStream(of: WorkerUpdate.self)
        let sampleInterval = WatchdogMonitor.requiredUpdateInterval(for: notifier)
        let workers = settings.workers.map {
            Self.makeWorker($0, settings: settings, kernel: kernel, updates: updateSink, observer: observer,
                            sampleInterval: sampleInterval, logger: logger)
        }
        let reporter = StatusReporter(
            configuration: .init(statusFile: settings.statusFile, shareLog: settings.shareLog,
                                 shareLogMaxBytes: settings.shareLogMaxBytes, shareLogKeep: settings.shareLogKeep,
                                 interval: settings.statusInterval, kernel: kernel.kind.rawValue),
            workers: workers.map(\.settings.name), proxies: settings.proxies.map(\.name), updates: updates, logger: logger)
        self.settings = settings
        self.kernel = kernel
        self.workers = workers
        proxies = settings.proxies.map { FarmProxy(configuration: $0, userAgent: settings.userAgent, logger: logger) }
        self.reporter = reporter
        self.updateSink = updateSink
        observers = Self.makeObservers(settings: settings, reporter: reporter, notifier: notifier, logger: logger)
        self.logger = logger
    }

    private static func makeWorker(_ worker: WorkerSettings, settings: MinerSettings, kernel: any NonceScanningKernel,
                                   updates: AsyncStream<WorkerUpdate>.Continuation,
                                   observer: (@Sendable (ShareEvent) -> Void)?, sampleInterval: Duration,
                                   logger: Logger) -> Worker {
        let engine = HashingEngine(threadCount: worker.threads, kernel: kernel,
                                   batchTargetNanoseconds: settings.hashingBatchTarget.map { UInt64($0 / .nanoseconds(1)) }
                                       ?? HashingEngine.defaultBatchTargetNanoseconds)
        var workerLogger = logger
        workerLogger[metadataKey: "worker"] = "\(worker.name)"
        let source: any WorkSource = worker.solo.map {
            SoloWorkSource(settings: $0, user: worker.user, password: worker.password, logger: workerLogger)
        } ?? StratumClient(configuration: worker.clientConfiguration(userAgent: settings.userAgent), logger: workerLogger)
        let miningWorker = MiningWorker(name: worker.name, user: worker.user, client: source, engine: engine,
                                        logger: logger, updates: updates, observer: observer,
                                        sampleInterval: sampleInterval, pools: worker.pools,
                                        targetShareInterval: worker.targetShareInterval)
        let origin: String = worker.solo.map { "solo against \(NodeEndpoint(url: $0.url)?.description ?? $0.url)" }
            ?? "pools \(worker.pools.map { $0.url })"
        logger.info("worker \(worker.name): \(worker.threads) hashing thread(s), \(origin)")
        return Worker(settings: worker, engine: engine, source: source, miningWorker: miningWorker)
    }

    private static func makeObservers(settings: MinerSettings, reporter: StatusReporter, notifier: SystemdNotifier,
                                      logger: Logger) -> ServiceGroup {
        let monitor = WatchdogMonitor(notifier: notifier, statusInterval: settings.statusInterval,
                                      documents: reporter.documents, logger: logger)
        // Mining matters more than watching it: the endpoints log why they cannot start, and mining goes on.
        let endpoints = MonitoringServices(settings: settings.monitoring,
                                           metricsAllowNonLoopback: settings.monitoring.metricsAllowRemote, logger: logger,
                                           statusSource: { await reporter.document })
        // The reporter ends when the workers' updates do, the watchdog when the reporter's documents
        // do, the endpoints at graceful shutdown.
        return ServiceGroup(configuration: ServiceGroupConfiguration(
            services: ([reporter, monitor, endpoints] as [any Service]).map {
                ServiceGroupConfiguration.ServiceConfiguration(
                    service: $0, successTerminationBehavior: .ignore, failureTerminationBehavior: .ignore)
            },
            logger: logger))
    }

    // MARK: - Run and drain

    /// Hashes until `end` returns, then shuts down in order: hashing stops, the pools get
    /// `shutdownGrace` to answer the shares sent, the sources close, the workers stop, the
    /// reporter writes the final status, the observers stop. Returns what `end` returned.
    func run<End: Sendable>(until end: () async -> End) async -> End {
        for worker in workers { worker.engine.start() }
        return await withTaskGroup(of: Void.self) { observing in
            observing.addTask { [observers] in try? await observers.run() }
            let result = await mine(until: end)
            // The reporter writes the final status once the updates end.
            updateSink.finish()
            await observers.triggerGracefulShutdown()
            await observing.waitForAll()
            await logFinalCounters()
            return result
        }
    }

    /// Runs the mining workers and, inside their scope, the work sources until `end` returns;
    /// returns once the sources are closed (after `drain`) and then the workers stopped.
    private func mine<End: Sendable>(until end: () async -> End) async -> End {
        await withTaskGroup(of: Void.self) { miningWorkers in
            for worker in workers {
                miningWorkers.addTask { await worker.miningWorker.run() }
            }
            let result = await withTaskGroup(of: Void.self) { sources in
                for worker in workers {
                    sources.addTask { await run(worker.source, of: worker.settings.name) }
                }
                for proxy in proxies {
                    sources.addTask { await run(proxy) }
                }
                let result = await end()
                await drain()
                sources.cancelAll()
                return result
            }
            miningWorkers.cancelAll()
            return result
        }
    }

    /// A work source until it is cancelled (it closes its connection and finishes its events).
    private func run(_ source: any WorkSource, of worker: String) async {
        do {
            try await source.run()
        } catch {
            logger.error("client stopped: \(error)", metadata: ["worker": "\(worker)"])
        }
    }

    /// A farm proxy until it is cancelled: its listener and upstream, its status every second and
    /// its miners' shares to the reporter.
    private func run(_ proxy: FarmProxy) async {
        let name = proxy.configuration.name
        do {
            _ = try await proxy.start()
        } catch {
            logger.error("proxy cannot listen on \(proxy.configuration.listen): \(error)", metadata: ["proxy": "\(name)"])
            return
        }
        let updates = updateSink
        let report = { @Sendable in updates.yield(.proxy(StatusDocument.Proxy(proxy.status, configuration: proxy.configuration))) }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                do { try await proxy.run() } catch { logger.error("proxy stopped: \(error)", metadata: ["proxy": "\(name)"]) }
            }
            group.addTask {
                for await event in proxy.events {
                    guard case .share(let outcome) = event else { continue }
                    updates.yield(.proxyShare(ShareLogRecord(proxy: name, pool: proxy.status.upstream.url ?? "", outcome: outcome)))
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    report()
                    try? await Task.sleep(for: .seconds(1))
                }
            }
            await group.waitForAll()
        }
        report()
    }

    /// The engines' last batches end and everything they found is handed over (the candidate
    /// streams finish); then the pool gets up to `shutdownGrace` to answer what was sent.
    private func drain() async {
        for worker in workers { await worker.miningWorker.stopHashing() }
        for worker in workers {
            let drained = await worker.miningWorker.waitForAnswers(timeout: settings.shutdownGrace)
            if !drained {
                logger.warning("shares still unanswered at shutdown", metadata: ["worker": "\(worker.settings.name)"])
            }
        }
    }

    /// Each worker's last words: what became of its shares.
    private func logFinalCounters() async {
        for worker in workers {
            let counters = await worker.miningWorker.shareCounters
            logger.info("stopped: accepted \(counters.accepted), rejected \(counters.rejected), stale \(counters.stale), lost \(counters.lost)",
                        metadata: ["worker": "\(worker.settings.name)"])
        }
    }
}
