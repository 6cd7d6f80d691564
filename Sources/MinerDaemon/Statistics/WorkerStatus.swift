import Foundation

/// What a coordinator knows about its worker's pool session and shares, at one moment.
public struct WorkerStatus: Sendable {
    public var name: String
    public var user: String
    public var poolURL: String
    /// starting, connecting, subscribing, mining, disconnected, unauthorized.
    public var poolState: PoolState
    public var connectedSince: Date?
    public var difficulty: Double
    public var jobID: String?
    public var extranonce2Size: Int?
    public var versionRollingMask: UInt32?
    public var reconnects: Int
    public var lastNotifyAt: Date?
    public var counters: ShareCounters
    public var lastShareAt: Date?
    public var latencyAverageMilliseconds: Double
    public var latencyMaxMilliseconds: Double
    /// Submit latency histogram of answered shares (for the metrics endpoint): cumulative counts,
    /// `latencyBucketCounts[i]` = shares answered within `latencyBucketBoundsMilliseconds[i]` ms.
    public var latencyBucketCounts: [UInt64]
    public var latencyCount: UInt64
    public var latencySumMilliseconds: Double

    /// Upper bounds of the submit latency histogram, in milliseconds (Prometheus' default buckets).
    public static let latencyBucketBoundsMilliseconds: [Double] = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000]

    /// Counts one answered share's submit latency in the histogram.
    public mutating func recordLatency(milliseconds: Double) {
        latencyCount += 1
        latencySumMilliseconds += milliseconds
        for (index, bound) in Self.latencyBucketBoundsMilliseconds.enumerated() where milliseconds <= bound {
            latencyBucketCounts[index] += 1
        }
    }

    public init(name: String, user: String) {
        self.name = name
        self.user = user
        poolURL = ""
        poolState = .starting
        difficulty = 1
        reconnects = 0
        counters = ShareCounters()
        latencyAverageMilliseconds = 0
        latencyMaxMilliseconds = 0
        latencyBucketCounts = Array(repeating: 0, count: Self.latencyBucketBoundsMilliseconds.count)
        latencyCount = 0
        latencySumMilliseconds = 0
    }
}
