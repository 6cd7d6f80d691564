import StratumClient

/// What a work source tells its worker, in order. A Stratum pool's session events are translated
/// into these where the client meets the worker (`StratumClient.workEvents`); the worker's own
/// node (`SoloWorkSource`) speaks them directly.
public enum WorkSourceEvent: Sendable, Hashable {
    // MARK: Either source

    /// A pool connection, or a round of calls to the node, is being attempted.
    case connecting(url: String, attempt: Int)
    /// The pool's socket is open, or the node answered.
    case connected(url: String)
    /// The source cannot give work now (connection lost, node unreachable or unusable); `reason`
    /// says why and what happens next.
    case disconnected(url: String, reason: String)
    /// The share difficulty from now on.
    case difficulty(Double)
    /// New work.
    case job(JobAssignment)

    // MARK: A Stratum pool

    case subscribed(url: String, extranonce1: [UInt8], extranonce2Size: Int, resumed: Bool)
    /// The pool accepted the worker's login: its jobs are mined from now on.
    case authorized(worker: String)
    case authorizationFailed(worker: String, reason: String)
    /// The agreed mask (nil: refused). Applies at once to the current job.
    case versionRollingMask(UInt32?)
    case poolMessage(String)
    /// Shares left unanswered by the previous connection were sent again on this resumed session.
    case sharesResubmitted(count: Int)
    case protocolError(String)

    // MARK: The worker's own node

    /// The node is in sync on `chain` and the coinbase address belongs to it: its templates are
    /// mined from now on, paying `coinbaseAddress`.
    case nodeReady(chain: String, coinbaseAddress: String)
    /// The node refused the RPC credentials (`credentials`: the rpc user or the cookie file).
    case nodeRefusedCredentials(credentials: String, reason: String)
    /// The coinbase address cannot be paid on the node's chain.
    case coinbaseAddressUnusable(address: String, reason: String)
}
