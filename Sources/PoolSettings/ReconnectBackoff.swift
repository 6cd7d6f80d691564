/// Jittered, capped exponential backoff between connection attempts.
public struct ReconnectBackoff: Sendable, Hashable {
    public var initial: Duration
    public var maximum: Duration
    /// Fraction (0…1) by which a delay is spread either way.
    public var jitter: Double

    public init(initial: Duration = .seconds(1), maximum: Duration = .seconds(60), jitter: Double = 0.2) {
        self.initial = initial
        self.maximum = maximum
        self.jitter = min(max(jitter, 0), 1)
    }

    /// The delay after `failures` consecutive failures (1 → about `initial`, doubling, never above
    /// `maximum`). `random` is a uniform value in 0..<1 supplied by the caller (pure function).
    public func delay(failures: Int, random: Double) -> Duration {
        guard failures > 0 else { return .zero }
        let initialSeconds = initial / .seconds(1)
        let maximumSeconds = maximum / .seconds(1)
        let exponent = Double(min(failures - 1, 62))
        let base = min(maximumSeconds, initialSeconds * pow2(exponent))
        let factor = 1 - jitter + 2 * jitter * min(max(random, 0), 1)
        return .seconds(max(0, min(maximumSeconds, base * factor)))
    }

    private func pow2(_ exponent: Double) -> Double {
        var value = 1.0
        var remaining = Int(exponent)
        while remaining > 0 { value *= 2; remaining -= 1 }
        return value
    }
}
