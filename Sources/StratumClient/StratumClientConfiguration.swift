import StratumProtocol

/// One pool in the ordered failover list.
public struct PoolConfiguration: Sendable, Hashable {
    public var url: String
    /// Pin the server's leaf certificate: hex SHA-256 of its DER (colons and case ignored).
    public var tlsFingerprintSHA256: String?
    /// Accept any certificate (self-signed pools). Ignored when a fingerprint is set.
    public var allowSelfSigned: Bool
    /// Send `mining.extranonce.subscribe`. (`mining.set_extranonce` is applied whether or not we
    /// asked for it, as cpuminer-opt does.)
    public var extranonceSubscribe: Bool
    /// `mining.suggest_difficulty` after authorize: `.auto` (default), `.fixed(value)` or `.off`.
    public var difficultySuggestion: DifficultySuggestion
    /// The fixed suggested difficulty (nil for `.auto` / `.off`); setting a value makes it `.fixed`,
    /// setting nil makes it `.auto`.
    public var suggestDifficulty: Double? {
        get { difficultySuggestion.fixedValue }
        set { difficultySuggestion = newValue.map { .fixed($0) } ?? .auto }
    }
    /// Negotiate BIP 310 version rolling with `mining.configure`.
    public var versionRolling: Bool
    /// Follow `client.reconnect` to any host. Without it a redirect is followed to the configured
    /// host on any port, or to another host within the configured host's registrable domain.
    public var allowReconnectToOtherHost: Bool

    public init(url: String, tlsFingerprintSHA256: String? = nil, allowSelfSigned: Bool = false,
                extranonceSubscribe: Bool = false, suggestDifficulty: Double? = nil, versionRolling: Bool = true,
                allowReconnectToOtherHost: Bool = false, difficultySuggestion: DifficultySuggestion? = nil) {
        self.url = url
        self.tlsFingerprintSHA256 = tlsFingerprintSHA256
        self.allowSelfSigned = allowSelfSigned
        self.extranonceSubscribe = extranonceSubscribe
        self.difficultySuggestion = difficultySuggestion ?? suggestDifficulty.map { .fixed($0) } ?? .auto
        self.versionRolling = versionRolling
        self.allowReconnectToOtherHost = allowReconnectToOtherHost
    }
}

/// Everything the client needs. The password is never logged.
public struct StratumClientConfiguration: Sendable {
    /// Ordered failover list; the first is the primary.
    public var pools: [PoolConfiguration]
    /// The login sent in `mining.authorize` and as the worker in `mining.submit`.
    public var user: String
    public var password: String
    /// Sent in `mining.subscribe` and as the answer to `client.get_version`.
    public var userAgent: String
    /// Our label for this worker (logs); the pool sees `user`.
    public var workerName: String
    /// How long a TCP (and TLS) connection may take to be made (default 10 s).
    public var connectTimeout: Duration
    /// How long `mining.subscribe` and `mining.authorize` (and `mining.configure`) may take to be
    /// answered (default 15 s).
    public var subscribeTimeout: Duration
    /// Close when nothing at all arrived for this long (default 300 s).
    public var idleTimeout: Duration
    /// A submit not answered in this time is resolved as lost (default 30 s).
    public var submitTimeout: Duration
    /// Authorized but no job (`mining.notify`) this long after: close and reconnect / fail over
    /// (default 120 s).
    public var jobTimeout: Duration
    /// Delay between reconnect attempts: from `initial` (default 1 s) doubling to `maximum`
    /// (default 60 s), spread by `jitter` (default 0.2).
    public var backoff: ReconnectBackoff
    /// While mining on a backup, how often the primary is probed on a side connection (connect,
    /// subscribe, authorize; never submit) to see whether it is back (default 60 s). The client
    /// switches back only when a probe was authorized. (This replaces closing the backup blindly
    /// after a fixed time, which threw away its session, vardiff and unanswered shares.)
    public var primaryProbeInterval: Duration
    /// A connection authorized at least this long counts as a success for backoff (default 30 s).
    public var stableConnectionAfter: Duration
    /// Longest line accepted from the pool.
    public var maximumLineLength: Int
    /// How often timeouts are checked (default 0.5 s).
    public var tickInterval: Duration
    /// The version-rolling mask we ask for in `mining.configure`.
    public var versionRollingMask: UInt32
    /// Shares still unanswered when a connection is lost are sent again on the next connection
    /// to the same pool if it resumes the session (same extranonce1); otherwise they are lost.
    public var resubmitPendingOnResume: Bool
    /// An automatic `mining.suggest_difficulty` is sent again only when the worker's value differs
    /// from the last one sent by at least this factor (default 2).
    public var suggestDifficultyMinimumChange: Double
    /// The longest `client.reconnect` wait honoured (default 120 s); a longer one is cut to this.
    public var maximumReconnectWait: Duration

    public init(pools: [PoolConfiguration], user: String, password: String = "x",
                userAgent: String = "swiftminer/0.1", workerName: String = "default",
                connectTimeout: Duration = .seconds(10), subscribeTimeout: Duration = .seconds(15),
                idleTimeout: Duration = .seconds(300), submitTimeout: Duration = .seconds(30),
                backoff: ReconnectBackoff = ReconnectBackoff(),
                stableConnectionAfter: Duration = .seconds(30), maximumLineLength: Int = LineFrameDecoder.defaultMaximumLineLength,
                tickInterval: Duration = .milliseconds(500),
                versionRollingMask: UInt32 = ClientRequest.defaultVersionRollingMask,
                resubmitPendingOnResume: Bool = true, jobTimeout: Duration = .seconds(120),
                suggestDifficultyMinimumChange: Double = 2, maximumReconnectWait: Duration = .seconds(120),
                primaryProbeInterval: Duration = .seconds(60)) {
        self.primaryProbeInterval = primaryProbeInterval
        self.suggestDifficultyMinimumChange = suggestDifficultyMinimumChange
        self.maximumReconnectWait = maximumReconnectWait
        self.jobTimeout = jobTimeout
        self.resubmitPendingOnResume = resubmitPendingOnResume
        self.pools = pools
        self.user = user
        self.password = password
        self.userAgent = userAgent
        self.workerName = workerName
        self.connectTimeout = connectTimeout
        self.subscribeTimeout = subscribeTimeout
        self.idleTimeout = idleTimeout
        self.submitTimeout = submitTimeout
        self.backoff = backoff
        self.stableConnectionAfter = stableConnectionAfter
        self.maximumLineLength = maximumLineLength
        self.tickInterval = tickInterval
        self.versionRollingMask = versionRollingMask
    }
}
