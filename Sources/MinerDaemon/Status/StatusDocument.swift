import Configuration
import Foundation

/// The status schema (Docs/ARCHITECTURE.md, "The status document"): what `status.json` holds, what `swiftminer
/// status` reads back, and what the metrics endpoint and the cgminer API render. One type for
/// all of them, so their numbers cannot disagree. snake_case keys, sorted; fields are added,
/// never removed or renamed, and a file of any earlier schema still decodes (what it lacks reads
/// as the default). `schema` 2 added `history`, and later each worker's `solo` (null unless solo)
/// and `proxies` (the farm proxies and their miners).
public struct StatusDocument: Codable, Sendable, Hashable {
    public static let currentSchema = 2

    public var schema: Int = StatusDocument.currentSchema
    public var version: String = SwiftMinerVersion.string
    public var pid: Int = 0
    public var updatedAt: Date = Date(timeIntervalSince1970: 0)
    public var startedAt: Date = Date(timeIntervalSince1970: 0)
    public var uptimeSeconds: Int = 0
    public var statusIntervalSeconds: Double = 5
    public var kernel: String = ""
    public var threads: Int = 0
    public var hashrate = HashrateWindows()
    public var shares = ShareTotals()
    public var bestShareDifficultyEver: Double = 0
    public var warnings: [String] = []
    public var workers: [Worker] = []
    /// All workers together, one bucket a minute, oldest first, at most an hour (`MinuteHistory`).
    public var history: [MinuteHistory.Bucket] = []
    /// The farm proxies (`[[proxy]]`) with their miners; empty without proxies.
    public var proxies: [Proxy] = []

    public init() {}

    enum CodingKeys: String, CodingKey {
        case schema, version, pid, kernel, threads, hashrate, shares, warnings, workers, history, proxies
        case updatedAt = "updated_at", startedAt = "started_at", uptimeSeconds = "uptime_s"
        case statusIntervalSeconds = "status_interval_s", bestShareDifficultyEver = "best_share_difficulty_ever"
    }

    /// Hashes per second over the sliding windows of `HashrateMeter`.
    public struct HashrateWindows: Codable, Sendable, Hashable {
        public var tenSeconds: Double = 0
        public var oneMinute: Double = 0
        public var fifteenMinutes: Double = 0

        public init(tenSeconds: Double = 0, oneMinute: Double = 0, fifteenMinutes: Double = 0) {
            self.tenSeconds = tenSeconds
            self.oneMinute = oneMinute
            self.fifteenMinutes = fifteenMinutes
        }

        /// ("10s", rate), ("60s", rate), ("15m", rate).
        public var byWindow: [(name: String, rate: Double)] {
            [("10s", tenSeconds), ("60s", oneMinute), ("15m", fifteenMinutes)]
        }

        static func + (a: Self, b: Self) -> Self {
            Self(tenSeconds: a.tenSeconds + b.tenSeconds, oneMinute: a.oneMinute + b.oneMinute,
                 fifteenMinutes: a.fifteenMinutes + b.fifteenMinutes)
        }

        enum CodingKeys: String, CodingKey { case tenSeconds = "10s", oneMinute = "60s", fifteenMinutes = "15m" }
    }

    /// All workers together.
    public struct ShareTotals: Codable, Sendable, Hashable {
        public var accepted: UInt64 = 0, rejected: UInt64 = 0, stale: UInt64 = 0, lost: UInt64 = 0, pending: UInt64 = 0
        /// Kernel results that failed re-verification, all workers.
        public var hardwareErrors: UInt64 = 0

        public init() {}

        mutating func add(_ shares: Worker.Shares) {
            accepted += shares.accepted
            rejected += shares.rejected
            stale += shares.stale
            lost += shares.lost
            pending += shares.pending
            hardwareErrors += shares.hardwareErrors
        }

        enum CodingKeys: String, CodingKey {
            case accepted, rejected, stale, lost, pending
            case hardwareErrors = "hardware_errors"
        }
    }

    public struct Worker: Codable, Sendable, Hashable {
        public var name = ""
        public var user = ""
        public var pool = Pool()
        public var hashrate = Hashrate()
        public var shares = Shares()
        public var bestShareDifficulty: Double = 0
        @NullEncoded public var lastShareAt: Date?
        public var blocksFound: UInt64 = 0
        public var submitLatency = SubmitLatency()
        public var hashesTotal: UInt64 = 0
        /// Shares the hashes done should have found at the pool's difficulty (the share-rate check).
        public var expectedShares: Double = 0
        @NullEncoded public var warning: String?
        /// Job-switch latency in milliseconds: from reading a notify to every hashing thread
        /// hashing its work (same JSON as `submit_latency_ms`, its own type; added in schema 2).
        public var jobSwitchLatency = JobSwitchLatency()
        // Solo mining (issue 17): the node's answers to submitblock; null for pool workers.
        @NullEncoded public var solo: Solo?

        public init() {}

        enum CodingKeys: String, CodingKey {
            case name, user, pool, hashrate, shares, warning
            case solo
            case bestShareDifficulty = "best_share_difficulty", lastShareAt = "last_share_at"
            case blocksFound = "blocks_found", submitLatency = "submit_latency_ms", hashesTotal = "hashes_total"
            case expectedShares = "expected_shares"
            case jobSwitchLatency = "job_switch_latency_ms"
        }

        public struct Pool: Codable, Sendable, Hashable {
            public var url = ""
            /// "stratum-v1", "stratum-v2" or (a solo node) "getblocktemplate".
            public var protocolName = "stratum-v1"
            public var state = PoolState.starting
            @NullEncoded public var connectedSince: Date?
            public var difficulty: Double = 1
            @NullEncoded public var jobID: String?
            @NullEncoded public var extranonce2Size: Int?
            /// Hex, as on the wire (`1fffe000`).
            @NullEncoded public var versionRollingMask: String?
            public var reconnects = 0
            @NullEncoded public var lastNotifyAt: Date?
            /// What this pool is told with `mining.suggest_difficulty`: the fixed value, or the
            /// worker's automatic one once its hash rate is measured; null when nothing is suggested.
            @NullEncoded public var suggestedDifficulty: Double?

            public init() {}

            enum CodingKeys: String, CodingKey {
                case url, state, difficulty, reconnects
                case protocolName = "protocol"
                case connectedSince = "connected_since", jobID = "job_id", extranonce2Size = "extranonce2_size"
                case versionRollingMask = "version_rolling_mask", lastNotifyAt = "last_notify_at"
                case suggestedDifficulty = "suggested_difficulty"
            }
        }

        public struct Hashrate: Codable, Sendable, Hashable {
            public var windows = HashrateWindows()
            /// Each hashing thread over the last 10 s.
            public var perThread: [Double] = []

            public init(windows: HashrateWindows = HashrateWindows(), perThread: [Double] = []) {
                self.windows = windows
                self.perThread = perThread
            }

            enum CodingKeys: String, CodingKey { case perThread = "per_thread" }

            // The windows sit beside per_thread in one object: {"10s":…,"60s":…,"15m":…,"per_thread":[…]}.
            public init(from decoder: any Decoder) throws {
                windows = try HashrateWindows(from: decoder)
                perThread = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent([Double].self, forKey: .perThread) ?? []
            }

            public func encode(to encoder: any Encoder) throws {
                try windows.encode(to: encoder)
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(perThread, forKey: .perThread)
            }
        }

        /// Invariant: found = accepted + rejected + stale + lost + pending.
        public struct Shares: Codable, Sendable, Hashable {
            public var found: UInt64 = 0
            public var accepted: UInt64 = 0
            public var rejected: UInt64 = 0
            public var stale: UInt64 = 0
            public var lost: UInt64 = 0
            public var pending: UInt64 = 0
            /// Sum of the target difficulties of accepted shares.
            public var acceptedDifficulty: Double = 0
            /// By `RejectReason` raw value.
            public var rejectReasons: [String: UInt64] = [:]
            /// Kernel results that failed re-verification (never submitted, not counted as found).
            public var hardwareErrors: UInt64 = 0

            public init() {}

            enum CodingKeys: String, CodingKey {
                case found, accepted, rejected, stale, lost, pending
                case acceptedDifficulty = "accepted_difficulty", rejectReasons = "reject_reasons"
                case hardwareErrors = "hardware_errors"
            }
        }
    }
}

// MARK: - Decoding: a missing field reads as its default

// Files written by an earlier version lack the fields added since (the schema only grows), and
// `swiftminer status` must still read them.

extension KeyedDecodingContainer {
    func value<T: Decodable>(_ key: Key, or fallback: T) throws -> T {
        try decodeIfPresent(T.self, forKey: key) ?? fallback
    }
}

extension StatusDocument {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        schema = try c.value(.schema, or: schema)
        version = try c.value(.version, or: version)
        pid = try c.value(.pid, or: pid)
        updatedAt = try c.value(.updatedAt, or: updatedAt)
        startedAt = try c.value(.startedAt, or: startedAt)
        uptimeSeconds = try c.value(.uptimeSeconds, or: uptimeSeconds)
        statusIntervalSeconds = try c.value(.statusIntervalSeconds, or: statusIntervalSeconds)
        kernel = try c.value(.kernel, or: kernel)
        threads = try c.value(.threads, or: threads)
        hashrate = try c.value(.hashrate, or: hashrate)
        shares = try c.value(.shares, or: shares)
        bestShareDifficultyEver = try c.value(.bestShareDifficultyEver, or: bestShareDifficultyEver)
        warnings = try c.value(.warnings, or: warnings)
        workers = try c.value(.workers, or: workers)
        history = try c.value(.history, or: history)
        proxies = try c.value(.proxies, or: proxies)
    }
}

extension StatusDocument.HashrateWindows {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(tenSeconds: try c.value(.tenSeconds, or: 0), oneMinute: try c.value(.oneMinute, or: 0),
                  fifteenMinutes: try c.value(.fifteenMinutes, or: 0))
    }
}

extension StatusDocument.ShareTotals {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        accepted = try c.value(.accepted, or: 0)
        rejected = try c.value(.rejected, or: 0)
        stale = try c.value(.stale, or: 0)
        lost = try c.value(.lost, or: 0)
        pending = try c.value(.pending, or: 0)
        hardwareErrors = try c.value(.hardwareErrors, or: 0)
    }
}

extension StatusDocument.Worker {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        name = try c.value(.name, or: name)
        user = try c.value(.user, or: user)
        pool = try c.value(.pool, or: pool)
        hashrate = try c.value(.hashrate, or: hashrate)
        shares = try c.value(.shares, or: shares)
        bestShareDifficulty = try c.value(.bestShareDifficulty, or: 0)
        lastShareAt = try c.decodeIfPresent(Date.self, forKey: .lastShareAt)
        blocksFound = try c.value(.blocksFound, or: 0)
        submitLatency = try c.value(.submitLatency, or: submitLatency)
        hashesTotal = try c.value(.hashesTotal, or: 0)
        expectedShares = try c.value(.expectedShares, or: 0)
        warning = try c.decodeIfPresent(String.self, forKey: .warning)
        jobSwitchLatency = try c.value(.jobSwitchLatency, or: jobSwitchLatency)
        solo = try c.decodeIfPresent(Solo.self, forKey: .solo)
    }
}

extension StatusDocument.Worker.Pool {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        url = try c.value(.url, or: url)
        protocolName = try c.value(.protocolName, or: protocolName)
        state = try c.value(.state, or: state)
        connectedSince = try c.decodeIfPresent(Date.self, forKey: .connectedSince)
        difficulty = try c.value(.difficulty, or: difficulty)
        jobID = try c.decodeIfPresent(String.self, forKey: .jobID)
        extranonce2Size = try c.decodeIfPresent(Int.self, forKey: .extranonce2Size)
        versionRollingMask = try c.decodeIfPresent(String.self, forKey: .versionRollingMask)
        reconnects = try c.value(.reconnects, or: 0)
        lastNotifyAt = try c.decodeIfPresent(Date.self, forKey: .lastNotifyAt)
        suggestedDifficulty = try c.decodeIfPresent(Double.self, forKey: .suggestedDifficulty)
    }
}

extension StatusDocument.Worker.Shares {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        found = try c.value(.found, or: 0)
        accepted = try c.value(.accepted, or: 0)
        rejected = try c.value(.rejected, or: 0)
        stale = try c.value(.stale, or: 0)
        lost = try c.value(.lost, or: 0)
        pending = try c.value(.pending, or: 0)
        acceptedDifficulty = try c.value(.acceptedDifficulty, or: 0)
        rejectReasons = try c.value(.rejectReasons, or: [:])
        hardwareErrors = try c.value(.hardwareErrors, or: 0)
    }
}

// MARK: - Reading and writing

extension StatusDocument {
    /// Compact JSON, keys sorted, timestamps ISO-8601 UTC with milliseconds (`StateFileJSON`).
    public func encoded() throws -> [UInt8] {
        Array(try StateFileJSON.encoder().encode(self))
    }

    public static func decode(_ bytes: some Collection<UInt8>) throws -> StatusDocument {
        try StateFileJSON.decoder().decode(StatusDocument.self, from: Data(bytes))
    }
}
