import Foundation
import PoolSettings

/// One pool account: its login, its hashing threads and its ordered failover pool list.
public struct WorkerSettings: Sendable {
    public var name: String
    public var user: String
    public var password: String
    public var threads: Int
    public var pools: [PoolConfiguration]
    /// Seconds per share the automatic suggested difficulty aims at (`target_share_interval`).
    public var targetShareInterval: Double = DifficultySuggestion.defaultTargetShareInterval
    /// The client's timeouts, backoff and probe interval (the `[[worker]]` timer keys), handed to
    /// the client whole.
    public var timers = ConnectionTimers()
    /// Solo mining against a node instead of `pools` (then `user`/`password` are the node's RPC
    /// login, unless `solo.cookieFile` is set).
    public var solo: SoloSettings?

    public init(name: String, user: String, password: String, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                pools: [PoolConfiguration]) {
        self.name = name
        self.user = user
        self.password = password
        self.threads = threads
        self.pools = pools
    }
}
