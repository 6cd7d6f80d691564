import HashingEngine
import Logging
import PoolSettings
import StratumClient

/// One worker at run time: the only place where the work source and the hashing engine meet.
/// It feeds `WorkerCore` the source's events, the engine's candidates, the pool's answers and a
/// hash sample every `sampleInterval`, and carries out what the core decides. Snapshots and share
/// outcomes flow one way, into `updates`.
public actor MiningWorker {
    public nonisolated let name: String
    private var core: WorkerCore
    private let client: any WorkSource
    private let engine: HashingEngine
    private let logger: Logger
    private let updates: AsyncStream<WorkerUpdate>.Continuation
    private let observer: (@Sendable (ShareEvent) -> Void)?
    private let sampleInterval: Duration
    /// The engine's candidate stream has ended (after `engine.stop()`) and every candidate is handled.
    private var candidatesDone = false
    private var drainWaiters: [CheckedContinuation<Void, Never>] = []

    /// - Parameters:
    ///   - updates: where snapshots and share outcomes go (the status reporter).
    ///   - observer: also told each share outcome (the share log's readers: demo's output, tests).
    ///   - pools, targetShareInterval: for the suggested difficulty (see `WorkerCore`).
    public init(name: String, user: String, client: any WorkSource, engine: HashingEngine, logger: Logger,
                updates: AsyncStream<WorkerUpdate>.Continuation, observer: (@Sendable (ShareEvent) -> Void)? = nil,
                sampleInterval: Duration = .seconds(1), pools: [PoolConfiguration] = [],
                targetShareInterval: Double = AutoSuggestedDifficulty.defaultTargetShareInterval) {
        self.name = name
        core = WorkerCore(name: name, user: user, threads: engine.threadCount, pools: pools,
                          targetShareInterval: targetShareInterval, solo: client.isSolo)
        self.client = client
        self.engine = engine
        var logger = logger
        logger[metadataKey: "worker"] = "\(name)"
        self.logger = logger
        self.updates = updates
        self.observer = observer
        self.sampleInterval = sampleInterval
    }

    /// Runs until the task is cancelled: client events, candidates, and the hash samples that
    /// are the core's clock.
    public func run() async {
        updates.yield(.snapshot(core.snapshot))
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [client] in
                for await event in await client.workEvents { await self.handle(.source(event)) }
            }
            group.addTask { [engine] in
                for await candidate in engine.candidates { await self.handle(.candidate(candidate)) }
                await self.candidatesEnded()
            }
            group.addTask { [sampleInterval] in
                while !Task.isCancelled {
                    await self.sampleHashCounts()
                    try? await Task.sleep(for: sampleInterval)
                }
            }
        }
    }

    /// For shutdown: stops the engine (its last batches end, every candidate it found is
    /// handed over and its candidate stream finishes) and records its final hash counts while the
    /// session is still up, so the share-rate check sees all the hashing.
    public func stopHashing() {
        engine.setWork(nil)
        engine.stop()
        sampleHashCounts()
    }

    /// Reads the engine's counters on the actor, so that samples reach the core in the order
    /// they were read.
    private func sampleHashCounts() {
        handle(.hashSample(counts: engine.hashCounts, hardwareErrors: engine.hardwareErrors))
        let jobSwitches = engine.takeJobSwitchLatencies()
        if !jobSwitches.isEmpty { handle(.jobSwitches(jobSwitches)) }
    }

    /// For shutdown, after `stopHashing()`: waits until every candidate the engine found is
    /// handled and every submitted share has its answer, or `timeout` passes. What is still
    /// pending then stays pending (recorded lost at exit). Returns whether nothing is pending.
    public func waitForAnswers(timeout: Duration) async -> Bool {
        if !isDrained {
            let timer = Task { [weak self] in
                try? await Task.sleep(for: timeout)
                await self?.releaseDrainWaiters()
            }
            await withCheckedContinuation { drainWaiters.append($0) }
            timer.cancel()
        }
        return core.pendingShares == 0
    }

    /// The share counters now.
    public var shareCounters: ShareCounters { core.counters }

    // MARK: -

    private var isDrained: Bool { candidatesDone && core.pendingShares == 0 }

    private func candidatesEnded() {
        candidatesDone = true
        if isDrained { releaseDrainWaiters() }
    }

    private func releaseDrainWaiters() {
        for waiter in drainWaiters { waiter.resume() }
        drainWaiters = []
    }

    private func handle(_ event: WorkerCore.Event) {
        for action in core.handle(event, at: .now) {
            switch action {
            case .setWork(let template):
                engine.setWork(template)
            case .submit(let id, let share):
                Task { [client] in
                    let result = await client.submit(share)
                    await self.handle(.submitResult(id: id, result))
                }
            case .shareOutcome(let event):
                let (level, message) = core.logLine(for: event)
                logger.log(level: level, "\(message)")
                updates.yield(.share(event))
                observer?(event)
            case .publish(let snapshot):
                updates.yield(.snapshot(snapshot))
            case .log(let level, let message):
                logger.log(level: level, "\(message)")
            case .suggestDifficulty(let value):
                client.suggestDifficulty(value)
            }
        }
        if isDrained { releaseDrainWaiters() }
    }
}
