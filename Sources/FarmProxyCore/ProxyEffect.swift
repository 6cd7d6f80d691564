/// What `ProxyCore` asks the network layer to do, in order.
public enum ProxyEffect: Sendable {
    /// Write one JSON line (without its newline) to a downstream.
    case send(DownstreamID, String)
    /// The same line to several downstreams (a job broadcast: serialized once).
    case broadcast([DownstreamID], String)
    /// Close a downstream (after everything sent before); `reason` for the log.
    case close(DownstreamID, reason: String)
    /// Submit a share upstream; answer with `ProxyCore.upstreamAnswered(token:_:now:)`.
    case forward(ForwardedShare)
    case event(ProxyEvent)
}

/// What happened, for logs and the share log.
public enum ProxyEvent: Sendable, Hashable {
    case downstreamOpened(DownstreamID, address: String)
    case downstreamClosed(DownstreamID, address: String, reason: String)
    case downstreamSubscribed(DownstreamID, extranonce1: String, extranonce2Size: Int, userAgent: String?)
    case downstreamAuthorized(DownstreamID, user: String)
    case downstreamDifficulty(DownstreamID, Double)
    /// A malformed line or a refused request: counted; `address` names the miner.
    case downstreamMisbehaved(DownstreamID, address: String, reason: String)
    case share(ProxyShareOutcome)
    /// The upstream cannot be used as it is (extranonce2 too small to split): every downstream is closed.
    case upstreamRefused(String)
    /// No upstream pool for `hold_downstreams` seconds: every downstream was closed.
    case downstreamsReleased(count: Int)
    case upstreamExtranonceChanged(extranonce2Size: Int, told: Int, reconnected: Int)
}
