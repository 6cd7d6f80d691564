import Foundation

/// The last hour, minute by minute: hashes done and shares accepted and rejected in each
/// one-minute bucket (aligned to the UTC minute), at most `capacity` buckets, oldest first.
///
/// Pure: time is a parameter, so it is tested without sleeping. `record` adds what happened since
/// the previous record to the minute of `time` (a sample spanning a minute boundary counts wholly
/// in the later minute); `advance(to:)` rolls over to the minute of `time`, adding empty buckets
/// for minutes without records. A bucket's hash rate is its hashes over the part of its minute
/// that was observed (from `observingFrom`, up to the latest time seen).
public struct MinuteHistory: Sendable, Hashable {
    public static let capacity = 60

    public struct Bucket: Codable, Sendable, Hashable {
        /// The minute's start (UTC, seconds zero).
        public var start: Date
        /// Average hashes per second over the observed part of the minute.
        public var hashrate: Double
        public var hashes: UInt64
        public var accepted: UInt64
        public var rejected: UInt64

        public init(start: Date, hashrate: Double = 0, hashes: UInt64 = 0, accepted: UInt64 = 0, rejected: UInt64 = 0) {
            self.start = start
            self.hashrate = hashrate
            self.hashes = hashes
            self.accepted = accepted
            self.rejected = rejected
        }
    }

    public private(set) var buckets: [Bucket] = []
    private let observingFrom: Date
    private var latest: Date

    public init(observingFrom start: Date) {
        observingFrom = start
        latest = start
    }

    /// Adds the hashes and share results since the previous record to the minute of `time`.
    public mutating func record(at time: Date, hashes: UInt64, accepted: UInt64, rejected: UInt64) {
        advance(to: time)
        guard !buckets.isEmpty else { return }
        let last = buckets.count - 1
        buckets[last].hashes &+= hashes
        buckets[last].accepted &+= accepted
        buckets[last].rejected &+= rejected
        updateRate(last)
    }

    /// Rolls over to the minute of `time`. A time earlier than the newest bucket (the clock set
    /// back) changes nothing.
    public mutating func advance(to time: Date) {
        let minute = Self.minuteStart(time)
        if let newest = buckets.last?.start, minute <= newest {
            if minute == newest, time > latest { latest = time; updateRate(buckets.count - 1) }
            return
        }
        if let newest = buckets.last?.start {
            // The minute just closed is observed to its end.
            latest = max(latest, newest.addingTimeInterval(60))
            updateRate(buckets.count - 1)
            let missing = Int(minute.timeIntervalSince(newest) / 60) - 1
            for step in stride(from: max(1, missing - Self.capacity + 1), through: missing, by: 1) {
                buckets.append(Bucket(start: newest.addingTimeInterval(Double(step) * 60)))
            }
        }
        buckets.append(Bucket(start: minute))
        latest = max(latest, time)
        updateRate(buckets.count - 1)
        if buckets.count > Self.capacity { buckets.removeFirst(buckets.count - Self.capacity) }
    }

    private mutating func updateRate(_ index: Int) {
        let start = buckets[index].start
        let observed = min(start.addingTimeInterval(60), latest).timeIntervalSince(max(start, observingFrom))
        buckets[index].hashrate = observed > 0 ? (Double(buckets[index].hashes) / observed).rounded3 : 0
    }

    /// What a cumulative counter added since `old`: all of `new` when there is no `old` (counters
    /// start at zero) or when it went down (it restarted from zero).
    public static func increase(from old: UInt64?, to new: UInt64) -> UInt64 {
        guard let old, new >= old else { return new }
        return new - old
    }

    static func minuteStart(_ time: Date) -> Date {
        Date(timeIntervalSince1970: (time.timeIntervalSince1970 / 60).rounded(.down) * 60)
    }
}
