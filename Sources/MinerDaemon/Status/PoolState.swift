/// Where a worker's pool session stands (the status file's `pool.state`).
public enum PoolState: String, Sendable, Hashable, Codable, CaseIterable {
    case starting, connecting, subscribing, mining, disconnected, unauthorized
}
