import Foundation
import StratumClient

/// One pool account: its login, its hashing threads and its ordered failover pool list.
public struct WorkerSettings: Sendable {
    public var name: String
    public var user: String
    public var password: String
    public var threads: Int
    public var pools: [PoolConfiguration]
    /// Seconds per share the automatic suggested difficulty aims at (`target_share_interval`).
    public var targetShareInterval: Double = AutoSuggestedDifficulty.defaultTargetShareInterval
    /// The client's timeouts, backoff and probe interval (the `[[worker]]` timer keys).
    public var timers = ClientTimers()
    /// Adjusts the client configuration built from these settings (timeouts, backoff, failover
    /// delays) after `timers`; not read from the configuration file (tests use it). nil: `timers` only.
    public var clientTuning: (@Sendable (inout StratumClientConfiguration) -> Void)?
    /// Solo mining against a node instead of `pools` (then `user`/`password` are the node's RPC
    /// login, unless `solo.cookieFile` is set).
    public var solo: SoloSettings?

    public init(name: String, user: String, password: String, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                pools: [PoolConfiguration], clientTuning: (@Sendable (inout StratumClientConfiguration) -> Void)? = nil) {
        self.clientTuning = clientTuning
        self.name = name
        self.user = user
        self.password = password
        self.threads = threads
        self.pools = pools
    }

    func clientConfiguration(userAgent: String) -> StratumClientConfiguration {
        var configuration = StratumClientConfiguration(pools: pools, user: user, password: password, userAgent: userAgent,
                                                       workerName: name)
        timers.apply(to: &configuration)
        clientTuning?(&configuration)
        return configuration
    }
}
