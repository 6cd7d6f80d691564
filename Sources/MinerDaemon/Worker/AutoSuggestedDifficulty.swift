import MiningCore
import PoolSettings

/// The worker's own wish for `mining.suggest_difficulty` (pools set to `suggest_difficulty =
/// "auto"`): the difficulty at which its measured hash rate finds one share every
/// `targetShareInterval` seconds. A share of difficulty 1 takes 2^32 hashes on average, so
/// difficulty = hashrate × interval / 2^32.
///
/// The rate is measured over intervals of uninterrupted hashing only (time without work, while
/// disconnected or before authorize, would pull it down and a new session would be told too low
/// a value). Before the first such interval nothing is suggested and the pool's start difficulty
/// stands for a second or two: public-pool honours only the first suggestion of a connection
/// (its `usedSuggestedDifficulty` flag), so a guess made before measuring could stick.
public struct AutoSuggestedDifficulty: Sendable {
    /// Seconds per share wished for when the configuration does not say (`target_share_interval`).
    public static let defaultTargetShareInterval = DifficultySuggestion.defaultTargetShareInterval
    /// The rate is taken over about this many seconds of the latest hashing.
    static let window: Double = 10
    /// A new value is handed to the client when it differs from the last one handed over by at
    /// least this factor. The client sends it on the current session only when it differs from the
    /// last value sent by `suggestDifficultyMinimumChange` (2); a new session gets the latest one.
    static let updateFactor = 1.25

    public let targetShareInterval: Double
    /// The value last handed to the client (nil: none yet).
    public private(set) var current: Double?
    private var intervals: [(seconds: Double, hashes: Double)] = []

    public init(targetShareInterval: Double = AutoSuggestedDifficulty.defaultTargetShareInterval) {
        self.targetShareInterval = targetShareInterval
    }

    /// hashrate × interval / 2^32.
    public static func difficulty(hashrate: Double, targetShareInterval: Double) -> Double {
        hashrate * targetShareInterval / Difficulty.hashesPerDifficultyOneShare
    }

    /// The rate over the recorded intervals (nil before the first).
    public var hashrate: Double? {
        let seconds = intervals.reduce(0) { $0 + $1.seconds }
        guard seconds > 0 else { return nil }
        return intervals.reduce(0) { $0 + $1.hashes } / seconds
    }

    /// Records `hashes` done in `seconds` of uninterrupted hashing; returns the value to suggest
    /// when it is the first one or has moved by `updateFactor` since the last one.
    public mutating func record(seconds: Double, hashes: UInt64) -> Double? {
        guard seconds.isFinite, seconds > 0 else { return nil }
        intervals.append((seconds, Double(hashes)))
        while intervals.count > 1, intervals.dropFirst().reduce(0, { $0 + $1.seconds }) >= Self.window {
            intervals.removeFirst()
        }
        guard let rate = hashrate, rate > 0 else { return nil }
        let value = Self.difficulty(hashrate: rate, targetShareInterval: targetShareInterval)
        guard value.isFinite, value > 0 else { return nil }
        if let current, max(current / value, value / current) < Self.updateFactor { return nil }
        current = value
        return value
    }
}
