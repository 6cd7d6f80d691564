/// The timers of a pool connection, with the client's defaults: how long connecting, the
/// handshake, a job and a share may take, when a silent connection is given up, how reconnects
/// are spaced, how often the primary is probed from a backup, the longest `client.reconnect`
/// wait honoured, and how often all of these are checked. One value: the configuration file's
/// `[[worker]]` timer keys fill it, the client holds it and hands it whole to each connection's
/// session.
public struct ConnectionTimers: Sendable, Hashable {
    /// How long a TCP (and TLS) connection may take to be made (`connect_timeout`, default 10 s).
    public var connectTimeout: Duration
    /// How long `mining.subscribe` and `mining.authorize` (and `mining.configure`) may take to be
    /// answered (`subscribe_timeout`, default 15 s).
    public var subscribeTimeout: Duration
    /// Close when nothing at all arrived for this long (`idle_timeout`, default 300 s).
    public var idleTimeout: Duration
    /// Authorized but no job (`mining.notify`) this long after: close and reconnect / fail over
    /// (`job_timeout`, default 120 s); nil: wait for a job forever.
    public var jobTimeout: Duration?
    /// A submit not answered in this time is resolved as lost (`submit_timeout`, default 30 s).
    public var submitTimeout: Duration
    /// Delay between reconnect attempts: from `initial` (`reconnect_backoff_min`, default 1 s)
    /// doubling to `maximum` (`reconnect_backoff_max`, default 60 s), spread by `jitter` (0.2).
    public var backoff: ReconnectBackoff
    /// While mining on a backup, how often the primary is probed on a side connection (connect,
    /// subscribe, authorize; never submit) to see whether it is back (`primary_probe_interval`,
    /// default 60 s).
    public var primaryProbeInterval: Duration
    /// The longest `client.reconnect` wait honoured; a longer one is cut to this
    /// (`max_reconnect_wait`, default 120 s).
    public var maximumReconnectWait: Duration
    /// A connection authorized at least this long counts as a success for the backoff (default
    /// 30 s; not a configuration key).
    public var stableConnectionAfter: Duration
    /// How often timeouts are checked (default 0.5 s; not a configuration key).
    public var tickInterval: Duration

    public init(connectTimeout: Duration = .seconds(10), subscribeTimeout: Duration = .seconds(15),
                idleTimeout: Duration = .seconds(300), jobTimeout: Duration? = .seconds(120),
                submitTimeout: Duration = .seconds(30), backoff: ReconnectBackoff = ReconnectBackoff(),
                primaryProbeInterval: Duration = .seconds(60), maximumReconnectWait: Duration = .seconds(120),
                stableConnectionAfter: Duration = .seconds(30), tickInterval: Duration = .milliseconds(500)) {
        self.connectTimeout = connectTimeout
        self.subscribeTimeout = subscribeTimeout
        self.idleTimeout = idleTimeout
        self.jobTimeout = jobTimeout
        self.submitTimeout = submitTimeout
        self.backoff = backoff
        self.primaryProbeInterval = primaryProbeInterval
        self.maximumReconnectWait = maximumReconnectWait
        self.stableConnectionAfter = stableConnectionAfter
        self.tickInterval = tickInterval
    }
}
