/// A token bucket over one connection's submits: `rate` per second sustained, a burst of ten
/// seconds' worth.
struct SubmitRateLimiter {
    let rate: Double
    let burst: Double
    private var tokens: Double
    private var last: Double

    init(rate: Double, now: Double) {
        self.rate = rate
        self.burst = max(1, rate * 10)
        self.tokens = burst
        self.last = now
    }

    /// Takes one token; false when the connection is over its rate.
    mutating func admit(now: Double) -> Bool {
        tokens = min(burst, tokens + max(0, now - last) * rate)
        last = now
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
