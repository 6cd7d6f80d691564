import FarmProxyCore
import Foundation
import Logging

/// Everything `swiftminer run` needs, after the config file and the flags are merged.
public struct MinerSettings: Sendable {
    public var workers: [WorkerSettings]
    /// The farm proxies (`[[proxy]]`): miners connect to each, which mines upstream with one login.
    public var proxies: [ProxyConfiguration]
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
    /// reporting it. nil: the engine's default (`HashingEngine.defaultBatchTargetNanoseconds`).
    package var hashingBatchTarget: Duration?

    public init(workers: [WorkerSettings], kernel: KernelChoice = .automatic, shutdownGrace: Duration = .seconds(5),
                userAgent: String = "SwiftMiner/\(SwiftMinerVersion.string)", statusFile: String? = StatePaths.statusFile(),
                shareLog: String? = StatePaths.shareLog(), statusInterval: Duration = .seconds(5),
                shareLogMaxBytes: Int? = 64 << 20, shareLogKeep: Int = 5, logLevel: Logger.Level = .info,
                monitoring: MonitoringSettings = MonitoringSettings(), proxies: [ProxyConfiguration] = []) {
        self.logLevel = logLevel
        self.proxies = proxies
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
