import StratumClient

/// The Stratum client's timers a worker's configuration sets (`[[worker]]` keys
/// `connect_timeout`, `subscribe_timeout`, `idle_timeout`, `job_timeout`, `submit_timeout`,
/// `reconnect_backoff_min`, `reconnect_backoff_max`, `primary_probe_interval`,
/// `max_reconnect_wait`). Each defaults to the client's own default.
public struct ClientTimers: Sendable, Hashable {
    public var connectTimeout: Duration
    public var subscribeTimeout: Duration
    public var idleTimeout: Duration
    public var jobTimeout: Duration
    public var submitTimeout: Duration
    public var backoffMinimum: Duration
    public var backoffMaximum: Duration
    public var primaryProbeInterval: Duration
    public var maximumReconnectWait: Duration

    /// The client's defaults.
    public init() {
        let defaults = StratumClientConfiguration(pools: [], user: "")
        connectTimeout = defaults.connectTimeout
        subscribeTimeout = defaults.subscribeTimeout
        idleTimeout = defaults.idleTimeout
        jobTimeout = defaults.jobTimeout
        submitTimeout = defaults.submitTimeout
        backoffMinimum = defaults.backoff.initial
        backoffMaximum = defaults.backoff.maximum
        primaryProbeInterval = defaults.primaryProbeInterval
        maximumReconnectWait = defaults.maximumReconnectWait
    }

    /// Sets these timers in a client configuration (the backoff keeps its jitter).
    public func apply(to configuration: inout StratumClientConfiguration) {
        configuration.connectTimeout = connectTimeout
        configuration.subscribeTimeout = subscribeTimeout
        configuration.idleTimeout = idleTimeout
        configuration.jobTimeout = jobTimeout
        configuration.submitTimeout = submitTimeout
        configuration.backoff = ReconnectBackoff(initial: backoffMinimum, maximum: backoffMaximum,
                                                 jitter: configuration.backoff.jitter)
        configuration.primaryProbeInterval = primaryProbeInterval
        configuration.maximumReconnectWait = maximumReconnectWait
    }
}
