/// What the client's probes of the primary pool did, since it started (counted statistics).
public struct PrimaryProbeStatistics: Sendable, Hashable {
    /// Probe connections started while mining on a backup pool.
    public var probes = 0
    /// Probes that ended without being authorized (the primary stayed down or refused us).
    public var failures = 0
    /// Switches back to the primary after an authorized probe.
    public var switches = 0

    public init(probes: Int = 0, failures: Int = 0, switches: Int = 0) {
        self.probes = probes
        self.failures = failures
        self.switches = switches
    }
}
