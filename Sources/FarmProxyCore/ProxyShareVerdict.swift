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
    /// The miner's address and login (its `mining.authorize` name).
    public let address: String
    public let user: String?
    /// Our job id (the one the miner submitted) and the share's fields as the miner sent them
    /// (empty, 0 when the submit could not be read).
    public let jobID: String
    public let extranonce2: String
    public let ntime: UInt32
    public let nonce: UInt32
    public let versionBits: UInt32?
    /// The difficulty the share was judged at (the downstream's) and the one it achieved.
    public let difficulty: Double
    public let shareDifficulty: Double
    public let hash: String?
    public let forwarded: Bool
    public let verdict: ProxyShareVerdict
    /// Seconds from forwarding to the pool's answer (nil when not forwarded or not answered).
    public let upstreamLatency: Double?

    public init(downstream: DownstreamID, address: String, user: String?, jobID: String, extranonce2: String, ntime: UInt32,
                nonce: UInt32, versionBits: UInt32?, difficulty: Double, shareDifficulty: Double, hash: String?, forwarded: Bool,
                verdict: ProxyShareVerdict, upstreamLatency: Double?) {
        self.downstream = downstream
        self.address = address
        self.user = user
        self.jobID = jobID
        self.extranonce2 = extranonce2
        self.ntime = ntime
        self.nonce = nonce
        self.versionBits = versionBits
        self.difficulty = difficulty
        self.shareDifficulty = shareDifficulty
        self.hash = hash
        self.forwarded = forwarded
        self.verdict = verdict
        self.upstreamLatency = upstreamLatency
    }
}

extension ProxyShareOutcome {
    /// The same share with the pool's verdict.
    public func with(verdict: ProxyShareVerdict, upstreamLatency: Double?) -> ProxyShareOutcome {
        ProxyShareOutcome(downstream: downstream, address: address, user: user, jobID: jobID, extranonce2: extranonce2, ntime: ntime,
                          nonce: nonce, versionBits: versionBits, difficulty: difficulty, shareDifficulty: shareDifficulty,
                          hash: hash, forwarded: forwarded, verdict: verdict, upstreamLatency: upstreamLatency)
    }
}
