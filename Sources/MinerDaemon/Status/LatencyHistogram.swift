/// What a `LatencyHistogram` measures, and the bucket bounds it starts with.
public protocol LatencyMeasurement: Sendable {
    /// Upper bounds of the histogram's buckets, in milliseconds, ascending.
    static var defaultBoundsMilliseconds: [Double] { get }
}

/// Latencies in milliseconds: count, sum, average, maximum and cumulative buckets (the metrics
/// endpoint's Prometheus histogram). `Measured` says what is timed, so one kind of latency cannot
/// be stored where another belongs; the JSON is the same for all: `avg`, `max`, `count`, `sum`,
/// `buckets` (`[{"le":…,"count":…}]`).
public struct LatencyHistogram<Measured: LatencyMeasurement>: Codable, Sendable, Hashable {
    public var avg: Double = 0
    public var max: Double = 0
    public var count: UInt64 = 0
    public var sum: Double = 0
    /// Cumulative: latencies within `le` ms.
    public var buckets: [Bucket] = []

    public init() {}

    /// Nothing recorded yet, with these bucket bounds.
    public init(bucketBoundsMilliseconds bounds: [Double]) {
        self.init()
        buckets = bounds.map { Bucket(le: $0, count: 0) }
    }

    /// The bucket bounds this kind of latency uses.
    public static var defaultBoundsMilliseconds: [Double] { Measured.defaultBoundsMilliseconds }

    /// Counts one latency.
    public mutating func record(milliseconds: Double) {
        count += 1
        sum += milliseconds
        avg = sum / Double(count)
        max = Swift.max(max, milliseconds)
        for index in buckets.indices where milliseconds <= buckets[index].le { buckets[index].count += 1 }
    }

    enum CodingKeys: String, CodingKey { case avg, max, count, sum, buckets }

    public struct Bucket: Codable, Sendable, Hashable {
        public var le: Double
        public var count: UInt64

        public init(le: Double, count: UInt64) {
            self.le = le
            self.count = count
        }
    }

    /// A missing field reads as its default (files of earlier versions).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        avg = try c.decodeIfPresent(Double.self, forKey: .avg) ?? 0
        max = try c.decodeIfPresent(Double.self, forKey: .max) ?? 0
        count = try c.decodeIfPresent(UInt64.self, forKey: .count) ?? 0
        sum = try c.decodeIfPresent(Double.self, forKey: .sum) ?? 0
        buckets = try c.decodeIfPresent([Bucket].self, forKey: .buckets) ?? []
    }
}
