import Foundation
import StratumClient

/// One pool account: its login, its hashing threads and its ordered failover pool list.
public struct WorkerSettings: Sendable {
    public var name: String
    public var user: String
    public var password: String
    public var threads: Int
    public var pools: [PoolConfiguration]
    /// Adjusts the client configuration built from these settings (timeouts, backoff, failover
    /// delays); not read from the configuration file. nil: the client defaults.
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
        clientTuning?(&configuration)
        return configuration
    }
}
