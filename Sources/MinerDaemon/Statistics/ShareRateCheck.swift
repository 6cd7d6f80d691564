import Foundation
import MiningCore

/// Compares the shares the pool accepted with what the hash rate predicts. Each hash meets a
/// difficulty-D target with probability 1/(D·2^32), so over H hashes the number of shares is
/// Poisson with mean λ = H/(D·2^32). Far fewer accepted shares than that means a wrong target, a
/// wrong byte order or a pool dropping shares; far more means the counters or difficulty are off.
public enum ShareRateCheck {
    public enum Verdict: Sendable, Hashable {
        /// Not enough expected shares yet to judge.
        case tooEarly
        case consistent
        /// (observed, expected)
        case tooFew(UInt64, Double)
        case tooMany(UInt64, Double)

        public var warning: String? {
            switch self {
            case .tooEarly, .consistent: nil
            case .tooFew(let observed, let expected):
                String(format: "only %llu accepted shares where the hash rate predicts %.1f: check the pool's difficulty, the share target and byte order, or whether the pool drops shares", observed, expected)
            case .tooMany(let observed, let expected):
                String(format: "%llu accepted shares where the hash rate predicts only %.1f: the difficulty or hash counters look wrong", observed, expected)
            }
        }
    }

    /// - Parameters:
    ///   - expected: λ, the predicted number of shares.
    ///   - observed: accepted shares.
    ///   - significance: the probability below which a deviation is "beyond chance".
    public static func evaluate(expected: Double, observed: UInt64, significance: Double = 1e-4, minimumExpected: Double = 10) -> Verdict {
        guard expected.isFinite, expected >= minimumExpected else { return .tooEarly }
        if Double(observed) < expected && poissonCDF(observed, mean: expected) < significance {
            return .tooFew(observed, expected)
        }
        if Double(observed) > expected && observed > 0 && 1 - poissonCDF(observed - 1, mean: expected) < significance {
            return .tooMany(observed, expected)
        }
        return .consistent
    }

    /// P(X ≤ k) for X ~ Poisson(mean), summed in log space (stable for large means).
    static func poissonCDF(_ k: UInt64, mean: Double) -> Double {
        var logTerm = -mean  // log P(X = 0)
        var total = exp(logTerm)
        if k == 0 { return total }
        for i in 1...k {
            logTerm += log(mean) - log(Double(i))
            total += exp(logTerm)
            if total >= 1 { return 1 }
        }
        return min(total, 1)
    }

    /// Shares expected from `hashes` at `difficulty`.
    public static func expectedShares(hashes: Double, difficulty: Double) -> Double {
        guard difficulty > 0, difficulty.isFinite else { return 0 }
        return hashes / (difficulty * Difficulty.hashesPerDifficultyOneShare)
    }
}
