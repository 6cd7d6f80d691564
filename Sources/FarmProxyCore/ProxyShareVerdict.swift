import StratumProtocol

/// What became of one downstream share. "Accepted" is only ever the pool's word.
public enum ProxyShareVerdict: Sendable, Hashable {
    /// Forwarded and accepted by the upstream pool.
    case acceptedByPool
    /// Valid at the downstream's difficulty, below the upstream's: answered true by the proxy.
    case validLocally
    /// Refused by the proxy (never reached the pool) or by the pool (`byPool`).
    case rejected(RejectReason, message: String, byPool: Bool)
    /// Forwarded, never answered (upstream lost, timeout): why.
    case lost(String)
}

/// One downstream share outcome, for the share log and the statistics.
public struct ProxyShareOutcome: Sendable, Hashable {
    public let downstream: DownstreamID
    /// The miner's login (its `mining.authorize` name).
    public let user: String?
    public let jobID: String
    /// The difficulty the share was judged at (the downstream's) and the one it achieved.
    public let difficulty: Double
    public let shareDifficulty: Double
    public let hash: String?
    public let forwarded: Bool
    public let verdict: ProxyShareVerdict
}
