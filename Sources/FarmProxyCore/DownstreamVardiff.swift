/// Per-downstream variable difficulty: aims at one share per `interval` seconds from the shares a
/// miner found valid, retargeting after 10 shares (a miner far too fast for its difficulty) or
/// after six intervals (a slow one; one without shares has its difficulty quartered).
struct DownstreamVardiff {
    let interval: Double
    let minimum: Double
    let maximum: Double
    private(set) var windowStart: Double
    private(set) var shares = 0
    private(set) var difficultySum = 0.0

    static let sharesPerRetarget = 10
    static let intervalsPerRetarget = 6.0
    /// Changes smaller than this factor either way are not worth a new job.
    static let deadBand = 1.4

    init(interval: Double, minimum: Double, maximum: Double, now: Double) {
        self.interval = interval
        self.minimum = minimum
        self.maximum = maximum
        self.windowStart = now
    }

    func clamp(_ difficulty: Double) -> Double { min(max(difficulty, minimum), maximum) }

    /// A share valid at `difficulty` was found.
    mutating func record(difficulty: Double) {
        shares += 1
        difficultySum += difficulty
    }

    /// Restarts the measurement (after a change of difficulty made elsewhere).
    mutating func restart(now: Double) {
        windowStart = now
        shares = 0
        difficultySum = 0
    }

    /// The new difficulty when it is time to retarget and the change is worth it, else nil.
    mutating func retarget(current: Double, now: Double) -> Double? {
        let elapsed = now - windowStart
        let due = shares >= Self.sharesPerRetarget || elapsed >= Self.intervalsPerRetarget * interval
        guard due, elapsed > 0 else { return nil }
        let ideal: Double
        if shares == 0 {
            ideal = current / 4
        } else {
            // Hashes = Σ difficulty · 2^32; at one share per interval the difficulty is hashes per
            // interval / 2^32. Never down by more than 4× at once (a miner that paused).
            ideal = max(difficultySum * interval / max(elapsed, 0.05), current / 4)
        }
        restart(now: now)
        let next = clamp(ideal)
        guard next / current >= Self.deadBand || current / next >= Self.deadBand else { return nil }
        return next
    }
}
