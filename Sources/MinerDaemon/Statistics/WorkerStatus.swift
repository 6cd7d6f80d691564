import Foundation

/// What a coordinator knows about its worker's pool session and shares, at one moment.
public struct WorkerStatus: Sendable {
    public var name: String
    public var user: String
    public var poolURL: String
    /// starting, connecting, subscribing, mining, disconnected, unauthorized.
    public var poolState: String
    public var connectedSince: Date?
    public var difficulty: Double
    public var jobID: String?
    public var extranonce2Size: Int?
    public var versionRollingMask: UInt32?
    public var reconnects: Int
    public var lastNotifyAt: Date?
    public var counters: ShareCounters
    public var lastShareAt: Date?
    public var latencyAverageMilliseconds: Double
    public var latencyMaxMilliseconds: Double

    public init(name: String, user: String) {
        self.name = name
        self.user = user
        poolURL = ""
        poolState = "starting"
        difficulty = 1
        reconnects = 0
        counters = ShareCounters()
        latencyAverageMilliseconds = 0
        latencyMaxMilliseconds = 0
    }
}
