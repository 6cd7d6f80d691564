import Foundation
import Logging
import StratumClient

/// Everything `swiftminer run` needs, after the config file and the flags are merged.
public struct MinerSettings: Sendable {
    public var workers: [WorkerSettings]
    public var kernel: KernelChoice
    /// How long to wait at shutdown for answers to shares already sent.
    public var shutdownGrace: Duration
    public var userAgent: String
    /// nil: no status file.
    public var statusFile: String?
    /// nil: no share log.
    public var shareLog: String?
    public var statusInterval: Duration
    public var shareLogMaxBytes: Int?
    public var shareLogKeep: Int
    public var logLevel: Logger.Level
    /// The metrics endpoint and the cgminer-style API (`[metrics]`, `[api]`).
    public var monitoring: MonitoringSettings
    /// How long one engine batch should take (new work reaches the threads within one batch).
    /// Not a user setting: tests lengthen it to widen the window between finding a share and
    /// reporting it.
    package var hashingBatchTarget: Duration = .milliseconds(2)

    public init(workers: [WorkerSettings], kernel: KernelChoice = .automatic, shutdownGrace: Duration = .seconds(5),
                userAgent: String = "SwiftMiner/\(SwiftMinerVersion.string)", statusFile: String? = StatePaths.statusFile(),
                shareLog: String? = StatePaths.shareLog(), statusInterval: Duration = .seconds(5),
                shareLogMaxBytes: Int? = 64 << 20, shareLogKeep: Int = 5, logLevel: Logger.Level = .info,
                monitoring: MonitoringSettings = MonitoringSettings()) {
        self.logLevel = logLevel
        self.monitoring = monitoring
        self.workers = workers
        self.kernel = kernel
        self.shutdownGrace = shutdownGrace
        self.userAgent = userAgent
        self.statusFile = statusFile
        self.shareLog = shareLog
        self.statusInterval = statusInterval
        self.shareLogMaxBytes = shareLogMaxBytes
        self.shareLogKeep = shareLogKeep
    }
}

/// `[metrics]` (Prometheus text endpoint) and `[api]` (cgminer-style JSON API). Both are off by
/// default and listen on loopback only.
public struct MonitoringSettings: Sendable, Hashable {
    public var metricsEnabled: Bool
    /// HOST:PORT.
    public var metricsListen: String
    /// Lets `metricsListen` be a non-loopback address (off: loopback only).
    public var metricsAllowRemote: Bool
    public var apiEnabled: Bool
    /// HOST:PORT.
    public var apiListen: String
    /// cgminer `--api-allow` entries: who may connect from outside loopback (R:) and who may use
    /// write commands (W:). Empty by default: loopback clients may read, nobody may write.
    public var apiAllow: [String]

    public init(metricsEnabled: Bool = false, metricsListen: String = "127.0.0.1:9464", metricsAllowRemote: Bool = false,
                apiEnabled: Bool = false,
                apiListen: String = "127.0.0.1:4028", apiAllow: [String] = []) {
        self.metricsEnabled = metricsEnabled
        self.metricsListen = metricsListen
        self.metricsAllowRemote = metricsAllowRemote
        self.apiEnabled = apiEnabled
        self.apiListen = apiListen
        self.apiAllow = apiAllow
    }
}

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

public enum SwiftMinerVersion {
    public static let string = "0.1.0"
}
