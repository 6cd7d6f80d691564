import FarmProxy
import FarmProxyCore
import Foundation
import PoolSettings
import StratumProtocol

extension StatusDocument {
    /// One farm proxy (`proxies` in the status document): its upstream pool state (as a worker's),
    /// every miner connected to it, and the counters of all its miners since start.
    public struct Proxy: Codable, Sendable, Hashable {
        public var name = ""
        public var listen = ""
        /// The upstream login.
        public var user = ""
        public var upstream = Worker.Pool()
        /// Why the upstream session cannot be split among miners; null when it can.
        @NullEncoded public var upstreamRefusal: String?
        @NullEncoded public var downstreamExtranonce2Size: Int?
        public var downstreams: [Downstream] = []
        public var totals = Counts()
        /// Connections refused (max_downstreams) and closed for malformed lines.
        public var refusedConnections = 0
        public var closedForMisbehaviour = 0

        public init() {}

        enum CodingKeys: String, CodingKey {
            case name, listen, user, upstream, downstreams, totals
            case upstreamRefusal = "upstream_refusal", downstreamExtranonce2Size = "downstream_extranonce2_size"
            case refusedConnections = "refused_connections", closedForMisbehaviour = "closed_for_misbehaviour"
        }

        /// A miner's (or all miners') share counters. `accepted` is the pool's word only;
        /// `valid` counts shares below the pool's difficulty that the proxy judged valid.
        public struct Counts: Codable, Sendable, Hashable {
            public var accepted = 0
            public var valid = 0
            public var rejected = 0
            public var rejectedByPool = 0
            public var stale = 0
            public var lost = 0
            public var rateLimited = 0
            public var invalidLines = 0
            /// By `RejectReason` raw value, the proxy's refusals and the pool's together.
            public var rejectReasons: [String: Int] = [:]

            public init() {}

            enum CodingKeys: String, CodingKey {
                case accepted, valid, rejected, stale, lost
                case rejectedByPool = "rejected_by_pool", rateLimited = "rate_limited", invalidLines = "invalid_lines"
                case rejectReasons = "reject_reasons"
            }

            init(_ statistics: DownstreamStatistics) {
                accepted = statistics.acceptedByPool
                valid = statistics.validLocally
                rejected = statistics.rejected
                rejectedByPool = statistics.rejectedByPool
                stale = statistics.stale
                lost = statistics.lost
                rateLimited = statistics.rateLimited
                invalidLines = statistics.invalidLines
                rejectReasons = Dictionary(uniqueKeysWithValues: statistics.rejectedByReason.map { ($0.key.rawValue, $0.value) })
            }
        }

        public struct Downstream: Codable, Sendable, Hashable {
            public var id: UInt64 = 0
            public var address = ""
            @NullEncoded public var user: String?
            @NullEncoded public var userAgent: String?
            public var connectedSince = Date(timeIntervalSince1970: 0)
            public var difficulty: Double = 0
            /// From the difficulty of its valid shares: hashes per second over 60 s and 15 min.
            public var hashrate = Hashrate()
            public var shares = Counts()
            @NullEncoded public var lastShareAt: Date?

            public init() {}

            enum CodingKeys: String, CodingKey {
                case id, address, user, difficulty, hashrate, shares
                case userAgent = "user_agent", connectedSince = "connected_since", lastShareAt = "last_share_at"
            }

            public struct Hashrate: Codable, Sendable, Hashable {
                public var oneMinute: Double = 0
                public var fifteenMinutes: Double = 0

                public init() {}

                enum CodingKeys: String, CodingKey { case oneMinute = "60s", fifteenMinutes = "15m" }
            }
        }
    }
}

extension StatusDocument.Proxy {
    /// The status section of a running proxy.
    init(_ status: FarmProxyStatus, configuration: ProxyConfiguration) {
        self.init()
        name = configuration.name
        listen = configuration.listen.description
        user = configuration.user
        upstream = Self.pool(status)
        upstreamRefusal = status.core.upstreamRefusal
        downstreamExtranonce2Size = status.core.downstreamExtranonce2Size
        totals = Counts(status.core.totals)
        refusedConnections = status.core.refusedConnections
        closedForMisbehaviour = status.core.closedForMisbehaviour
        downstreams = status.core.downstreams.map { miner in
            var downstream = Downstream()
            downstream.id = miner.id
            downstream.address = miner.address
            downstream.user = miner.user
            downstream.userAgent = miner.userAgent
            downstream.connectedSince = Date(timeIntervalSince1970: miner.connectedSince)
            downstream.difficulty = miner.difficulty
            downstream.hashrate.oneMinute = miner.hashrate60s.rounded3
            downstream.hashrate.fifteenMinutes = miner.hashrate15m.rounded3
            downstream.shares = Counts(miner.statistics)
            downstream.lastShareAt = miner.statistics.lastShareAt.map { Date(timeIntervalSince1970: $0) }
            return downstream
        }
    }

    private static func pool(_ status: FarmProxyStatus) -> StatusDocument.Worker.Pool {
        var pool = StatusDocument.Worker.Pool()
        pool.url = status.upstream.url.map(PoolURLText.redacted) ?? ""
        pool.protocolName = status.upstream.url.map { PoolEndpoint.protocolName(url: $0) } ?? "stratum-v1"
        switch status.upstream.stage {
        case .connecting: pool.state = .connecting
        case .connected, .subscribed: pool.state = .subscribing
        case .authorized: pool.state = status.core.upstreamUp ? .mining : .subscribing
        case .disconnected: pool.state = .disconnected
        }
        if status.upstream.lastError?.hasPrefix("authorization failed") == true && status.upstream.stage != .authorized {
            pool.state = .unauthorized
        }
        pool.connectedSince = status.upstream.stage == .disconnected ? nil : status.upstream.since.map { Date(timeIntervalSince1970: $0) }
        pool.difficulty = status.core.upstreamDifficulty ?? status.upstream.difficulty ?? 1
        pool.extranonce2Size = status.core.upstreamExtranonce2Size
        pool.versionRollingMask = status.core.upstreamVersionMask.map { WireEncoding.hex($0) }
        pool.reconnects = status.upstream.reconnects
        return pool
    }
}

// A missing key reads as its default, as everywhere in the status document (`value(_:or:)`).

extension StatusDocument.Proxy {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        name = try c.value(.name, or: name)
        listen = try c.value(.listen, or: listen)
        user = try c.value(.user, or: user)
        upstream = try c.value(.upstream, or: upstream)
        upstreamRefusal = try c.decodeIfPresent(String.self, forKey: .upstreamRefusal)
        downstreamExtranonce2Size = try c.decodeIfPresent(Int.self, forKey: .downstreamExtranonce2Size)
        downstreams = try c.value(.downstreams, or: downstreams)
        totals = try c.value(.totals, or: totals)
        refusedConnections = try c.value(.refusedConnections, or: 0)
        closedForMisbehaviour = try c.value(.closedForMisbehaviour, or: 0)
    }
}

extension StatusDocument.Proxy.Downstream {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        id = try c.value(.id, or: 0)
        address = try c.value(.address, or: address)
        user = try c.decodeIfPresent(String.self, forKey: .user)
        userAgent = try c.decodeIfPresent(String.self, forKey: .userAgent)
        connectedSince = try c.value(.connectedSince, or: connectedSince)
        difficulty = try c.value(.difficulty, or: 0)
        hashrate = try c.value(.hashrate, or: hashrate)
        shares = try c.value(.shares, or: shares)
        lastShareAt = try c.decodeIfPresent(Date.self, forKey: .lastShareAt)
    }
}
