import NIOConcurrencyHelpers
import NIOCore

/// Drives a submit phase: on each event loop of the fleet a 1 ms timer writes the submits that
/// are due by then (open loop: a late tick catches up, answers are never waited for), round-robin
/// over that loop's miners, so the fleet as a whole writes `rate` per second.
enum SubmitLoad {
    /// One loop's share of the rate, and how far it got.
    private final class Pacer: Sendable {
        let miners: [SimulatedMiner]
        let rate: Double
        let startedAt: UInt64
        let duration: UInt64
        private let progress = NIOLockedValueBox((due: 0, next: 0, finished: false))

        init(miners: [SimulatedMiner], rate: Double, startedAt: UInt64, seconds: Double) {
            self.miners = miners
            self.rate = rate
            self.startedAt = startedAt
            self.duration = UInt64(seconds * 1e9)
        }

        var finished: Bool { progress.withLockedValue { $0.finished } }

        /// Writes what is due now; true once the phase's time is over.
        func tick() -> Bool {
            let elapsed = min(SimulatedMiner.now() &- startedAt, duration)
            let target = Int(Double(elapsed) / 1e9 * rate)
            let (first, count) = progress.withLockedValue { progress -> (Int, Int) in
                let count = max(0, target - progress.due)
                defer {
                    progress.due += count
                    progress.next = (progress.next + count) % max(1, miners.count)
                }
                return (progress.next, count)
            }
            for offset in 0..<count where !miners.isEmpty {
                miners[(first + offset) % miners.count].submit()
            }
            let over = elapsed >= duration
            if over { progress.withLockedValue { $0.finished = true } }
            return over
        }
    }

    /// `rate` submits per second over `miners` for `seconds`, then up to `drain` seconds for the
    /// last answers.
    static func run(shards: [SimulatedMinerFleet.Shard], rate: Double, seconds: Double,
                    drain: Double) async throws -> SubmitLoadResult {
        let miners = shards.flatMap(\.miners)
        for miner in miners { _ = miner.takeTally() }
        let startedAt = SimulatedMiner.now()
        let pacers = shards.map { shard in
            (shard.eventLoop, Pacer(miners: shard.miners, rate: rate * Double(shard.miners.count) / Double(max(1, miners.count)),
                                    startedAt: startedAt, seconds: seconds))
        }
        for (loop, pacer) in pacers {
            loop.scheduleRepeatedTask(initialDelay: .zero, delay: .milliseconds(1)) { task in
                if pacer.tick() { task.cancel() }
            }
        }
        try await Task.sleep(for: .seconds(seconds))
        let deadline = SimulatedMiner.now() + UInt64(drain * 1e9)
        while SimulatedMiner.now() < deadline {
            if pacers.allSatisfy({ $0.1.finished }) && miners.allSatisfy({ $0.pendingCount == 0 }) { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        let unanswered = miners.reduce(0) { $0 + $1.dropPending() }
        var tally = SubmitTally()
        for miner in miners { tally.add(miner.takeTally()) }
        return SubmitLoadResult(connections: miners.count, targetRate: rate, seconds: seconds, tally: tally,
                                unanswered: unanswered, startedAt: startedAt)
    }
}
