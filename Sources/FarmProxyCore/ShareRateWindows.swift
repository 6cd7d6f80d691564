/// The difficulty a miner's valid shares added up to, in 10-second buckets over the last 15
/// minutes: its hash rate over 60 s and 15 min (Σ difficulty · 2^32 / window).
struct ShareRateWindows {
    static let bucketSeconds = 10.0
    static let bucketCount = 90
    private var buckets = [Double](repeating: 0, count: bucketCount)
    private var newestBucket: Int64 = 0

    private static func bucket(_ now: Double) -> Int64 { Int64((now / bucketSeconds).rounded(.down)) }

    mutating func add(difficulty: Double, now: Double) {
        advance(to: now)
        buckets[Int(newestBucket % Int64(Self.bucketCount))] += difficulty
    }

    private mutating func advance(to now: Double) {
        let target = Self.bucket(now)
        guard target > newestBucket else { return }
        let steps = min(target - newestBucket, Int64(Self.bucketCount))
        for step in 1...steps { buckets[Int((newestBucket + step) % Int64(Self.bucketCount))] = 0 }
        newestBucket = target
    }

    /// Hashes per second over the last `seconds` (rounded up to whole buckets; 60 or 900).
    func hashrate(seconds: Double, now: Double) -> Double {
        let target = Self.bucket(now)
        let count = min(Int((seconds / Self.bucketSeconds).rounded(.up)), Self.bucketCount)
        var sum = 0.0
        for back in 0..<count {
            let index = target - Int64(back)
            guard index <= newestBucket, index > newestBucket - Int64(Self.bucketCount) else { continue }
            sum += buckets[Int(((index % Int64(Self.bucketCount)) + Int64(Self.bucketCount)) % Int64(Self.bucketCount))]
        }
        return sum * 4_294_967_296 / (Double(count) * Self.bucketSeconds)
    }
}
