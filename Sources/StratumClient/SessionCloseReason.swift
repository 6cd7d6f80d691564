import StratumProtocol

/// Why a session ended (the failover policy looks at it).
public enum SessionCloseReason: Sendable, Hashable, CustomStringConvertible {
    /// The transport closed or failed under us.
    case connectionLost(String)
    /// `mining.subscribe` / `mining.authorize` was not answered in time.
    case requestTimeout(method: String)
    /// Nothing arrived for the idle timeout.
    case idleTimeout
    /// Authorized, but no `mining.notify` arrived within the job timeout (notify starvation).
    case noJob(after: Duration)
    case subscribeFailed(String)
    case authorizationFailed(String)
    /// The pool sent `client.reconnect`.
    case reconnectRequested
    /// A non-primary pool was stable long enough: go back to the primary.
    case returnToPrimary
    /// The pool broke the protocol beyond repair (for example an over-long line).
    case protocolViolation(String)
    /// We were asked to stop.
    case shutdown

    /// Whether shares still unanswered when the session ends this way may be sent again on the
    /// next session (if it resumes): not when we chose to leave the pool or it refused us.
    public var allowsResubmission: Bool {
        switch self {
        case .connectionLost, .requestTimeout, .idleTimeout, .noJob, .reconnectRequested, .protocolViolation: true
        case .subscribeFailed, .authorizationFailed, .returnToPrimary, .shutdown: false
        }
    }

    public var description: String {
        switch self {
        case .connectionLost(let why): "connection lost: \(why)"
        case .requestTimeout(let method): "no answer to \(method) in time"
        case .idleTimeout: "idle timeout"
        case .noJob(let after): "no mining.notify within \(after) of authorization"
        case .subscribeFailed(let why): "subscribe failed: \(why)"
        case .authorizationFailed(let why): "authorization failed: \(why)"
        case .reconnectRequested: "pool requested reconnect"
        case .returnToPrimary: "returning to the primary pool"
        case .protocolViolation(let why): "protocol violation: \(why)"
        case .shutdown: "shutdown"
        }
    }
}
