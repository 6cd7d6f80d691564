import StratumProtocol

/// Percentiles of a set of durations (a load generator's round trips or arrival delays), in
/// milliseconds. Nearest-rank percentiles: p99 of 100 samples is the 99th smallest.
public struct LatencySummary: Sendable, Hashable {
    public let count: Int
    public let p50Milliseconds: Double
    public let p99Milliseconds: Double
    public let maximumMilliseconds: Double
    public let meanMilliseconds: Double

    /// From durations in nanoseconds (any order); all zero when there are none.
    public init(nanoseconds samples: [UInt64]) {
        count = samples.count
        guard !samples.isEmpty else {
            p50Milliseconds = 0
            p99Milliseconds = 0
            maximumMilliseconds = 0
            meanMilliseconds = 0
            return
        }
        let sorted = samples.sorted()
        func rank(_ fraction: Double) -> Double {
            let index = max(0, Int((fraction * Double(sorted.count)).rounded(.up)) - 1)
            return Double(sorted[min(index, sorted.count - 1)]) / 1e6
        }
        p50Milliseconds = rank(0.50)
        p99Milliseconds = rank(0.99)
        maximumMilliseconds = Double(sorted[sorted.count - 1]) / 1e6
        meanMilliseconds = sorted.reduce(0.0) { $0 + Double($1) } / Double(sorted.count) / 1e6
    }

    /// `{"count", "p50_ms", "p99_ms", "max_ms", "mean_ms"}` (milliseconds to the microsecond).
    public var json: JSONValue {
        ["count": .integer(Int64(count)), "p50_ms": .double(Self.rounded(p50Milliseconds)),
         "p99_ms": .double(Self.rounded(p99Milliseconds)), "max_ms": .double(Self.rounded(maximumMilliseconds)),
         "mean_ms": .double(Self.rounded(meanMilliseconds))]
    }

    /// "p50 0.412 ms, p99 1.873 ms, max 4.020 ms (n = 60000)".
    public var text: String {
        "p50 \(Self.format(p50Milliseconds)) ms, p99 \(Self.format(p99Milliseconds)) ms, "
            + "max \(Self.format(maximumMilliseconds)) ms (n = \(count))"
    }

    static func rounded(_ milliseconds: Double) -> Double { (milliseconds * 1000).rounded() / 1000 }

    static func format(_ milliseconds: Double) -> String {
        let micro = Int((milliseconds * 1000).rounded())
        let fraction = String(micro % 1000)
        return "\(micro / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }
}
