import Configuration
import Logging
import MonitoringAddresses
import NIOCore
import NIOPosix
import ServiceLifecycle
import StratumProtocol

/// The metrics endpoint and the cgminer API, started from `MonitoringSettings` (`[metrics]`,
/// `[api]`), both fed by one status source (a `StatusDocument`). As a `Service`, it serves from
/// `statusSource` until graceful shutdown.
public actor MonitoringServices: Service {
    public let settings: MonitoringSettings
    /// Lets `[metrics] listen` be a non-loopback address (the configuration must say so explicitly).
    public let metricsAllowNonLoopback: Bool
    private let group: EventLoopGroup
    private let logger: Logger
    private var metrics: MonitoringListener?
    private var api: MonitoringListener?
    private let statusSource: (@Sendable () async -> StatusDocument)?

    public init(settings: MonitoringSettings, metricsAllowNonLoopback: Bool = false,
                group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton, logger: Logger,
                statusSource: (@Sendable () async -> StatusDocument)? = nil) {
        self.statusSource = statusSource
        self.settings = settings
        self.metricsAllowNonLoopback = metricsAllowNonLoopback
        self.group = group
        self.logger = logger
    }

    /// Checks the addresses without binding (for `--check-config` style validation).
    public static func validate(_ settings: MonitoringSettings, metricsAllowNonLoopback: Bool = false) throws {
        if settings.metricsEnabled {
            try ListenAddress.parse(settings.metricsListen).checkBindable(allowNonLoopback: metricsAllowNonLoopback)
        }
        if settings.apiEnabled {
            let invalid = APIAllowEntry.invalidEntries(settings.apiAllow)
            guard invalid.isEmpty else { throw CGMinerAPIServer.AllowListError(entries: invalid) }
            try CGMinerAPIServer.checkBindable(ListenAddress.parse(settings.apiListen), allow: settings.apiAllow)
        }
    }

    /// Starts what the settings enable (nothing when both are off). If one cannot start, neither runs.
    public func start(statusSource: @escaping @Sendable () async -> StatusDocument) async throws {
        do {
            if settings.metricsEnabled, metrics == nil {
                metrics = try await MetricsServer.start(
                    address: ListenAddress.parse(settings.metricsListen), allowNonLoopback: metricsAllowNonLoopback,
                    group: group, logger: logger, statusSource: statusSource)
            }
            if settings.apiEnabled, api == nil {
                api = try await CGMinerAPIServer.start(
                    address: ListenAddress.parse(settings.apiListen), allow: settings.apiAllow, group: group,
                    logger: logger, statusSource: statusSource)
            }
        } catch {
            await stop()
            throw error
        }
    }

    /// Serves `statusSource` until graceful shutdown. When the endpoints cannot start, mining goes
    /// on without them: the error is logged, not thrown.
    public func run() async {
        guard let statusSource else { return }
        do {
            try await start(statusSource: statusSource)
        } catch {
            logger.error("monitoring endpoints not started: \(error)")
            return
        }
        try? await gracefulShutdown()
        await stop()
    }

    public func stop() async {
        await metrics?.stop()
        await api?.stop()
        metrics = nil
        api = nil
    }

    /// The metrics endpoint's bound port (nil when not running).
    public var metricsPort: Int? { metrics?.port }
    /// The cgminer API's bound port (nil when not running).
    public var apiPort: Int? { api?.port }
}
