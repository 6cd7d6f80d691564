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
