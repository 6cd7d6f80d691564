import NIOConcurrencyHelpers

/// Job-switch latency: from the arrival of the notify behind a template (`WorkTemplate.notifiedAt`)
/// to the moment the last hashing thread starts its first batch of that template. Work published
/// without an arrival time (benchmarks, re-authorization) and work replaced before every thread
/// took it up are not measured. Touched once per template per thread, never in the hash loop.
final class JobSwitchTracker: Sendable {
    /// Latencies kept until `take()`; older ones are dropped past this many.
    static let capacity = 4096

    private struct State {
        var generation: UInt64 = 0
        var notifiedAt: ContinuousClock.Instant?
        var adopted = 0
        var latencies: [Duration] = []
    }

    private let threadCount: Int
    private let state = NIOLockedValueBox(State())

    init(threadCount: Int) {
        self.threadCount = threadCount
    }

    /// Called before `generation` becomes visible to the threads.
    func published(generation: UInt64, notifiedAt: ContinuousClock.Instant?) {
        state.withLockedValue { $0 = State(generation: generation, notifiedAt: notifiedAt, adopted: 0, latencies: $0.latencies) }
    }

    /// A thread is about to hash work of `generation`.
    func adopted(generation: UInt64) {
        state.withLockedValue { state in
            guard state.generation == generation, let notifiedAt = state.notifiedAt else { return }
            state.adopted += 1
            guard state.adopted == threadCount else { return }
            if state.latencies.count >= Self.capacity { state.latencies.removeFirst() }
            state.latencies.append(ContinuousClock.now - notifiedAt)
        }
    }

    /// The latencies measured since the last call.
    func take() -> [Duration] {
        state.withLockedValue { state in
            defer { state.latencies = [] }
            return state.latencies
        }
    }
}
