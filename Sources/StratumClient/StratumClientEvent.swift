import StratumProtocol

/// What the client reports, in order, through `StratumClient.events`.
public enum StratumClientEvent: Sendable, Hashable {
    case connecting(url: String, attempt: Int)
    case connected(url: String)
    case subscribed(url: String, extranonce1: [UInt8], extranonce2Size: Int, resumed: Bool)
    case authorized(worker: String)
    case authorizationFailed(worker: String, reason: String)
    /// The agreed mask (nil: refused). Applies at once to the current job.
    case versionRollingMask(UInt32?)
    case difficulty(Double)
    case job(JobAssignment)
    case disconnected(url: String, reason: String)
    case poolMessage(String)
    /// Shares left unanswered by the previous connection were sent again on this resumed session.
    case sharesResubmitted(count: Int)
    case protocolError(String)
}
