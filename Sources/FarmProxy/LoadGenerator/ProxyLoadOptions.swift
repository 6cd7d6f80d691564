/// What the farm proxy load test does (`swiftminer proxy-bench`), with the figures as
/// defaults: 1,000 miners, 20 job broadcasts, 10 s of submits at 6,000 per second.
public struct ProxyLoadOptions: Sendable, Hashable {
    /// Simulated miners (one connection each).
    public var connections: Int
    /// Clean jobs broadcast upstream, one at a time.
    public var rounds: Int
    /// Seconds after every miner had a round's notify before the next round.
    public var roundPause: Double
    /// Seconds a round waits for the notify to reach every miner (those still without: missing).
    public var roundTimeout: Double
    /// The submit phase: seconds, and submits per second for all miners together.
    public var submitSeconds: Double
    public var submitRate: Double
    /// Seconds after the last submit was written in which its answers still count.
    public var drainSeconds: Double
    /// Seconds for every miner to be subscribed, authorized and given a job.
    public var readyTimeout: Double
    /// The light sample (proxy and the pool directly, the same load each): miners, rate, seconds
    /// (0 connections: none).
    public var sampleConnections: Int
    public var sampleRate: Double
    public var sampleSeconds: Double
    /// The difficulty the miners suggest and the proxy is held at: at 2^-40 every hash is a share.
    public var difficulty: Double
    /// Where the proxy (and the pool for the sample) listen.
    public var host: String

    public init(connections: Int = 1000, rounds: Int = 20, roundPause: Double = 0.1, roundTimeout: Double = 5,
                submitSeconds: Double = 10, submitRate: Double = 6000, drainSeconds: Double = 5, readyTimeout: Double = 60,
                sampleConnections: Int = 100, sampleRate: Double = 500, sampleSeconds: Double = 3,
                difficulty: Double = 0x1p-40, host: String = "127.0.0.1") {
        self.connections = connections
        self.rounds = rounds
        self.roundPause = roundPause
        self.roundTimeout = roundTimeout
        self.submitSeconds = submitSeconds
        self.submitRate = submitRate
        self.drainSeconds = drainSeconds
        self.readyTimeout = readyTimeout
        self.sampleConnections = sampleConnections
        self.sampleRate = sampleRate
        self.sampleSeconds = sampleSeconds
        self.difficulty = difficulty
        self.host = host
    }

    /// Values that cannot run, in words (empty: usable).
    public var problems: [String] {
        var found: [String] = []
        if !(1...60_000).contains(connections) { found.append("connections must be 1 to 60000") }
        if rounds < 0 { found.append("rounds must not be negative") }
        if !(submitSeconds >= 0 && submitSeconds <= 3600) { found.append("submit seconds must be 0 to 3600") }
        if !(submitRate > 0 && submitRate.isFinite) { found.append("submit rate must be positive") }
        if sampleConnections < 0 { found.append("sample connections must not be negative") }
        if sampleConnections > 0 && !(sampleRate > 0 && sampleRate.isFinite && sampleSeconds > 0 && sampleSeconds <= 3600) {
            found.append("the sample needs a positive rate and 0 to 3600 seconds")
        }
        if !(roundPause >= 0 && roundTimeout > 0 && drainSeconds >= 0 && readyTimeout > 0) {
            found.append("pause, timeouts and drain must be positive")
        }
        return found
    }
}
