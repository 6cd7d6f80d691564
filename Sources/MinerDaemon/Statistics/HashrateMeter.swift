/// Hash rates over sliding windows (10 s, 60 s, 15 min), total and per thread, computed from the
/// engine's cumulative per-thread hash counters (not from shares), sampled about once a second.
///
/// Pure: the caller passes the time, so tests drive it with a mock clock.
public struct HashrateMeter: Sendable {
    private struct Sample: Sendable {
        let time: Double
        let counts: [UInt64]
    }

    private var samples: [Sample] = []
    private var head = 0  // ring buffer start once full
    private let capacity: Int
    private let minimumSpacing: Double

    /// - Parameters:
    ///   - horizon: the longest window kept, in seconds.
    ///   - spacing: samples closer than this to the previous one are ignored.
    public init(horizon: Double = 900, spacing: Double = 1) {
        minimumSpacing = spacing
        capacity = Int(horizon / spacing) + 2
    }

    /// Records the cumulative counters at `time` (seconds on any monotonic clock).
    public mutating func record(time: Double, counts: [UInt64]) {
        if let last = newest, time - last.time < minimumSpacing, last.counts.count == counts.count { return }
        if let last = newest, last.counts.count != counts.count {
            // The thread count changed (reload): start over.
            samples.removeAll()
            head = 0
        }
        let sample = Sample(time: time, counts: counts)
        if samples.count < capacity {
            samples.append(sample)
        } else {
            samples[head] = sample
            head = (head + 1) % capacity
        }
    }

    private var newest: Sample? {
        samples.isEmpty ? nil : samples[(head + samples.count - 1) % samples.count]
    }

    /// The oldest sample no older than `seconds` before the newest (or the oldest one there is).
    private func baseline(for seconds: Double) -> Sample? {
        guard let newest else { return nil }
        var chosen: Sample? = nil
        for offset in 0..<samples.count {
            let sample = samples[(head + offset) % samples.count]
            if newest.time - sample.time <= seconds {
                chosen = sample
                break
            }
        }
        return chosen
    }

    /// Hashes per second of each thread over the last `seconds` (0 with fewer than two samples).
    public func perThread(over seconds: Double) -> [Double] {
        guard let newest, let base = baseline(for: seconds), newest.time > base.time else {
            return newest.map { Array(repeating: 0, count: $0.counts.count) } ?? []
        }
        let elapsed = newest.time - base.time
        return zip(newest.counts, base.counts).map { Double($0 &- $1) / elapsed }
    }

    /// Hashes per second of all threads over the last `seconds`.
    public func total(over seconds: Double) -> Double { perThread(over: seconds).reduce(0, +) }
}

extension HashrateMeter {
    /// The rates over the status file's windows.
    public var windows: StatusDocument.HashrateWindows {
        .init(tenSeconds: total(over: 10), oneMinute: total(over: 60), fifteenMinutes: total(over: 900))
    }
}

extension StatusDocument.HashrateWindows {
    var rounded3: Self { .init(tenSeconds: tenSeconds.rounded3, oneMinute: oneMinute.rounded3, fifteenMinutes: fifteenMinutes.rounded3) }
}
