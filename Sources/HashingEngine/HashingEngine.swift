import Atomics
import MiningCore
import NIOConcurrencyHelpers

/// N dedicated OS threads scanning nonces for the current work template.
///
/// Work is handed over through a lock-protected slot plus an atomic generation number that every
/// thread checks once per batch of nonces, so a new template reaches all threads within one batch
/// (batches are sized to take about `batchTargetNanoseconds`). The kernel loop allocates nothing
/// and takes no lock. Candidates are verified once more against the job (rebuilding the header
/// from scratch with the reference SHA-256) before they are reported; a kernel result that fails
/// that check is counted in `hardwareErrors` and dropped.
public final class HashingEngine: Sendable {
    public let threadCount: Int
    public let kernel: any NonceScanningKernel
    /// Candidates in the order found. Finishes after `stop()`.
    public let candidates: AsyncStream<ShareCandidate>

    private let continuation: AsyncStream<ShareCandidate>.Continuation
    private let generation = ManagedAtomic<UInt64>(0)
    private let running = ManagedAtomic<Bool>(false)
    // pthread-backed locks (NIOLockedValueBox) rather than Synchronization.Mutex: on Linux the
    // latter's contended futex hand-off is invisible to ThreadSanitizer, which then reports false
    // races on everything it guards. They are taken once per new template, never in the hash loop.
    private let slot = NIOLockedValueBox<(generation: UInt64, template: WorkTemplate?)>((0, nil))
    private let counters: HashCounters
    private let hardwareErrorCount = ManagedAtomic<UInt64>(0)
    private let threads = NIOLockedValueBox<[OSThread]>([])
    private let workSignal = WorkSignal()
    private let jobSwitches: JobSwitchTracker
    private let batchTargetNanoseconds: UInt64

    /// How long a batch takes by default: 1 ms. Against localpool with a job every 250 ms (2 threads,
    /// AVX-512, AMD EPYC Zen 4) 238 of 239 job switches took ≤ 5 ms (2 ms batches: 116 of 119, the
    /// longest 6.8 ms), and `bench` stayed within noise (33.7 MH/s on one thread, 67.4 on two).
    public static let defaultBatchTargetNanoseconds: UInt64 = 1_000_000

    /// - Parameters:
    ///   - threadCount: hashing threads (at least 1).
    ///   - batchTargetNanoseconds: how long one batch should take; new work waits at most this long.
    public init(threadCount: Int, kernel: any NonceScanningKernel,
                batchTargetNanoseconds: UInt64 = HashingEngine.defaultBatchTargetNanoseconds) {
        self.threadCount = max(1, threadCount)
        self.kernel = kernel
        self.batchTargetNanoseconds = batchTargetNanoseconds
        counters = HashCounters(count: max(1, threadCount))
        jobSwitches = JobSwitchTracker(threadCount: max(1, threadCount))
        (candidates, continuation) = AsyncStream.makeStream(of: ShareCandidate.self, bufferingPolicy: .bufferingNewest(4096))
    }

    deinit { stop() }

    /// Starts the threads (idle until `setWork`). Calling it twice does nothing.
    public func start() {
        guard running.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        let started = (0..<threadCount).map { index in
            OSThread { [self] in self.workerLoop(index: index) }
        }
        threads.withLockedValue { $0 = started }
    }

    /// Publishes a new template (nil: stop hashing and idle). Returns its generation.
    @discardableResult
    public func setWork(_ template: WorkTemplate?) -> UInt64 {
        let published = slot.withLockedValue { slot in
            let next = slot.generation + 1
            slot = (next, template)
            jobSwitches.published(generation: next, notifiedAt: template?.notifiedAt)
            generation.store(next, ordering: .releasing)
            return next
        }
        workSignal.broadcast()
        return published
    }

    /// Stops and joins every thread (each finishes its batch and reports what it found), then
    /// finishes `candidates`.
    public func stop() {
        running.store(false, ordering: .releasing)
        workSignal.broadcast()
        let joining = threads.withLockedValue { threads -> [OSThread] in
            defer { threads = [] }
            return threads
        }
        for thread in joining { thread.join() }
        continuation.finish()
    }

    /// Cumulative hashes per thread.
    public var hashCounts: [UInt64] { counters.values }
    public var totalHashes: UInt64 { hashCounts.reduce(0, &+) }
    /// Kernel results that failed the independent re-check (should stay 0).
    public var hardwareErrors: UInt64 { hardwareErrorCount.load(ordering: .relaxed) }
    /// Job-switch latencies measured since the last call: for each template published with a
    /// `notifiedAt`, the time from then until the last thread started hashing it.
    public func takeJobSwitchLatencies() -> [Duration] { jobSwitches.take() }

    // MARK: - Worker

    private func workerLoop(index: Int) {
        let capacity = 64
        let found = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: capacity)
        defer { found.deallocate() }
        var seenGeneration: UInt64 = 0
        var units: WorkUnitSequence? = nil
        var unit: WorkUnit? = nil
        var nextNonce: UInt64 = 0
        var batch: UInt64 = 4096

        while running.load(ordering: .relaxed) {
            let current = generation.load(ordering: .acquiring)
            if current != seenGeneration {
                let (publishedGeneration, template) = slot.withLockedValue { ($0.generation, $0.template) }
                seenGeneration = publishedGeneration
                if let template, let current = unit, let continued = units?.carryOn(with: template, unit: current) {
                    // The same headers at a new target (a vardiff re-send): go on from here
                    // rather than scanning the same extranonce2 values again from 0.
                    unit = continued
                } else {
                    units = template.map { WorkUnitSequence(template: $0, threadIndex: index, threadCount: threadCount) }
                    unit = units?.next()
                    nextNonce = 0
                }
                if unit != nil { jobSwitches.adopted(generation: publishedGeneration) }
            }
            guard let work = unit, let template = units?.template else {
                // Nothing to hash: block until new work is published or the engine stops.
                workSignal.wait { generation.load(ordering: .acquiring) != seenGeneration || !running.load(ordering: .acquiring) }
                continue
            }
            if nextNonce >= work.nonceCount {
                unit = units?.next()
                nextNonce = 0
                continue
            }
            let count = UInt32(min(batch, work.nonceCount - nextNonce))
            let first = work.firstNonce &+ UInt32(truncatingIfNeeded: nextNonce)
            let started = monotonicNanoseconds()
            let matches = kernel.scan(work.work, firstNonce: first, count: count, found: found)
            let elapsed = monotonicNanoseconds() &- started
            counters.add(UInt64(count), thread: index)
            nextNonce += UInt64(count)
            if matches > 0 {
                report(found: UnsafeBufferPointer(rebasing: found[0..<min(matches, capacity)]), unit: work,
                       template: template, generation: seenGeneration)
            }
            batch = Self.adjustedBatch(batch, count: UInt64(count), elapsed: elapsed, target: batchTargetNanoseconds)
        }
    }

    /// Re-checks each found nonce outside the kernel and reports the good ones.
    private func report(found: UnsafeBufferPointer<UInt32>, unit: WorkUnit, template: WorkTemplate, generation: UInt64) {
        let job = template.job
        for nonce in found {
            let evaluation = job.evaluate(extranonce2: unit.extranonce2, ntime: unit.ntime, nonce: nonce,
                                          versionBits: unit.versionBits)
            guard evaluation.meetsShareTarget else {
                hardwareErrorCount.wrappingIncrement(ordering: .relaxed)
                continue
            }
            continuation.yield(ShareCandidate(
                jobID: job.jobID, epoch: template.epoch, extranonce1: job.extranonce1, extranonce2: unit.extranonce2,
                ntime: unit.ntime, nonce: nonce, versionBits: unit.versionBits, generation: generation,
                targetDifficulty: job.difficulty, evaluation: evaluation))
        }
    }

    /// Grows or shrinks the batch so one takes about `target` nanoseconds.
    package static func adjustedBatch(_ batch: UInt64, count: UInt64, elapsed: UInt64, target: UInt64) -> UInt64 {
        guard count == batch, elapsed > 0 else { return batch }
        let ideal = batch * target / elapsed
        let next = min(max(ideal, batch / 2), batch * 2)  // change gradually
        return min(max(next, 256), 1 << 24)
    }
}
