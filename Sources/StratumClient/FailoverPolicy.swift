import PoolSettings

/// How a connection ended, as the failover policy sees it.
public enum ConnectionEnd: Sendable, Hashable {
    /// The TCP/TLS connection could not be made.
    case connectFailed
    /// The connection closed; `authorizedFor` is how long it was authorized (nil: never).
    case closed(authorizedFor: Duration?)
    /// The pool refused our credentials.
    case authorizationFailed
    /// `client.reconnect`: host/port only when the pool configuration allows moving.
    case reconnectRequested(after: Duration, host: String?, port: Int?)
    /// A probe of the primary was authorized while on a backup: the client switched to that
    /// connection, and the backup closed after its shares were answered.
    case returnToPrimary
}

/// The ordered failover list: which pool to try next and after how long. Pure.
///
/// - A failure (connect failed, or closed before being stable) moves to the next pool and grows
///   the backoff.
/// - An authorization failure moves on too, after the maximum backoff (never hammer a pool that
///   refuses us).
/// - A stable connection that drops is retried on the same pool after the initial delay.
/// - `client.reconnect` stays on the pool (optionally at another host) after its wait time.
/// - `returnToPrimary` goes to pool 0 at once (its probe connection is already authorized).
public struct FailoverState: Sendable, Hashable {
    public struct Decision: Sendable, Hashable {
        public var poolIndex: Int
        public var delay: Duration
        /// Host/port to use for this one attempt instead of the configured URL.
        public var host: String?
        public var port: Int?

        public init(poolIndex: Int, delay: Duration, host: String? = nil, port: Int? = nil) {
            self.poolIndex = poolIndex
            self.delay = delay
            self.host = host
            self.port = port
        }
    }

    public let poolCount: Int
    public private(set) var currentIndex = 0
    public private(set) var consecutiveFailures = 0

    public init(poolCount: Int) {
        precondition(poolCount > 0)
        self.poolCount = poolCount
    }

    public mutating func next(after end: ConnectionEnd, backoff: ReconnectBackoff, stableAfter: Duration,
                              random: Double) -> Decision {
        switch end {
        case .connectFailed:
            return fail(backoff: backoff, random: random)
        case .closed(let authorizedFor):
            if let authorizedFor, authorizedFor >= stableAfter {
                consecutiveFailures = 0
                return Decision(poolIndex: currentIndex, delay: backoff.delay(failures: 1, random: random))
            }
            return fail(backoff: backoff, random: random)
        case .authorizationFailed:
            consecutiveFailures += 1
            currentIndex = (currentIndex + 1) % poolCount
            return Decision(poolIndex: currentIndex, delay: backoff.maximum)
        case .reconnectRequested(let after, let host, let port):
            consecutiveFailures = 0
            return Decision(poolIndex: currentIndex, delay: after, host: host, port: port)
        case .returnToPrimary:
            consecutiveFailures = 0
            currentIndex = 0
            return Decision(poolIndex: 0, delay: .zero)
        }
    }

    private mutating func fail(backoff: ReconnectBackoff, random: Double) -> Decision {
        consecutiveFailures += 1
        currentIndex = (currentIndex + 1) % poolCount
        return Decision(poolIndex: currentIndex, delay: backoff.delay(failures: consecutiveFailures, random: random))
    }
}
