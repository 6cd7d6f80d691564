import FarmProxyCore
import StratumClient

/// The proxy's upstream connection as its client reported it: the pool it is on, how far the
/// session got, since when, and the last problem.
public struct UpstreamStatus: Sendable, Hashable {
    public enum Stage: String, Sendable {
        case connecting, connected, subscribed, authorized, disconnected
    }

    public var url: String?
    public var stage: Stage = .connecting
    public var since: Double?
    public var lastError: String?
    public var difficulty: Double?
    public var reconnects = 0

    mutating func apply(_ event: StratumClientEvent, now: Double) {
        switch event {
        case .connecting(let url, _):
            self.url = url
            stage = .connecting
        case .connected(let url):
            self.url = url
            stage = .connected
            since = now
        case .subscribed(let url, _, _, _):
            self.url = url
            stage = .subscribed
        case .authorized:
            stage = .authorized
        case .authorizationFailed(_, let reason):
            lastError = "authorization failed: \(reason)"
        case .difficulty(let value):
            difficulty = value
        case .disconnected(_, let reason):
            stage = .disconnected
            since = now
            lastError = reason
            reconnects += 1
        case .protocolError(let text):
            lastError = text
        case .job, .versionRollingMask, .poolMessage, .sharesResubmitted:
            break
        }
    }
}

/// The proxy's whole status: its core (miners, totals) and its upstream connection.
public struct FarmProxyStatus: Sendable, Hashable {
    public let core: ProxySnapshot
    public let upstream: UpstreamStatus
}
