extension StatusDocument.Worker.SubmitLatency {
    /// Upper bounds of the histogram, in milliseconds (Prometheus' default buckets).
    public static let defaultBoundsMilliseconds: [Double] = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000]

    /// No share answered yet, with these bucket bounds.
    public init(bucketBoundsMilliseconds bounds: [Double]) {
        self.init()
        buckets = bounds.map { .init(le: $0, count: 0) }
    }

    /// Counts one answered share's submit latency.
    public mutating func record(milliseconds: Double) {
        count += 1
        sum += milliseconds
        avg = sum / Double(count)
        max = Swift.max(max, milliseconds)
        for index in buckets.indices where milliseconds <= buckets[index].le { buckets[index].count += 1 }
    }
}
