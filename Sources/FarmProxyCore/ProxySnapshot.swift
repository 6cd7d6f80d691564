/// One miner as the status file, metrics and the cgminer API show it.
public struct DownstreamSnapshot: Sendable, Hashable {
    public let id: DownstreamID
    public let address: String
    /// Its `mining.authorize` login (nil before it authorized).
    public let user: String?
    public let userAgent: String?
    public let connectedSince: Double
    public let difficulty: Double
    /// Hash rate from the difficulty of its valid shares over 60 s and 15 min.
    public let hashrate60s: Double
    public let hashrate15m: Double
    public let statistics: DownstreamStatistics
}

/// The proxy as `ProxyCore` knows it (the upstream connection's own state is the client's).
public struct ProxySnapshot: Sendable, Hashable {
    public let name: String
    /// An upstream job is current and the pool is connected.
    public let upstreamUp: Bool
    /// Why the upstream session cannot be split among miners (nil: it can).
    public let upstreamRefusal: String?
    public let upstreamDifficulty: Double?
    public let upstreamExtranonce2Size: Int?
    /// What each miner gets: upstream size − prefix size.
    public let downstreamExtranonce2Size: Int?
    public let upstreamVersionMask: UInt32?
    public let downstreams: [DownstreamSnapshot]
    /// Every miner's counters since start, closed connections included.
    public let totals: DownstreamStatistics
    /// Connections refused at accept (max_downstreams) and closed for malformed lines.
    public let refusedConnections: Int
    public let closedForMisbehaviour: Int
    /// Forwarded shares waiting for the pool's verdict.
    public let pendingForwards: Int
}

extension ProxyCore {
    public func snapshot(now: Double) -> ProxySnapshot {
        var totals = closedStatistics
        let downstreamList = downstreamIDs.compactMap { id -> DownstreamSnapshot? in
            guard let session = downstreams[id] else { return nil }
            totals.add(session.statistics)
            return DownstreamSnapshot(
                id: id, address: session.address, user: session.authorizedUser, userAgent: session.userAgent,
                connectedSince: session.connectedAt, difficulty: session.difficulty,
                hashrate60s: session.rates.hashrate(seconds: 60, now: now), hashrate15m: session.rates.hashrate(seconds: 900, now: now),
                statistics: session.statistics)
        }
        return ProxySnapshot(
            name: configuration.name, upstreamUp: upstreamUp && currentJob != nil, upstreamRefusal: upstreamRefusal,
            upstreamDifficulty: currentJob?.job.difficulty, upstreamExtranonce2Size: upstreamExtranonce?.size,
            downstreamExtranonce2Size: upstreamExtranonce.map { $0.size - configuration.extranoncePrefixSize },
            upstreamVersionMask: upstreamMaskKnown ? upstreamVersionMask : nil, downstreams: downstreamList, totals: totals,
            refusedConnections: refusedConnections, closedForMisbehaviour: closedForMisbehaviour, pendingForwards: pending.count)
    }
}
