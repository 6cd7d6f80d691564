import Foundation
import StratumProtocol

/// The status document (`StatusReporter.statusDocument()`, the status file's contents) read into
/// typed fields, for the metrics endpoint and the cgminer API. Both render from this one snapshot,
/// so their numbers are the status file's numbers. Missing fields read as zero / empty.
///
/// No credentials are kept: the status document carries none, and pool URLs lose any
/// `user:password@` part here.
struct MonitoringSnapshot: Sendable {
    struct Worker: Sendable {
        var name = ""
        var user = ""
        var poolURL = ""
        var poolState = "starting"
        var poolDifficulty = 0.0
        var reconnects = 0.0
        var versionRollingMask: String?
        var connectedSince: Date?
        var lastNotifyAt: Date?
        /// "10s", "60s", "15m" → H/s.
        var hashrate: [String: Double] = [:]
        var perThread: [Double] = []
        var hashesTotal: Double?
        var found = 0.0, accepted = 0.0, rejected = 0.0, stale = 0.0, lost = 0.0, pending = 0.0
        var acceptedDifficulty = 0.0
        var rejectReasons: [String: Double] = [:]
        var hardwareErrors = 0.0
        var blocksFound = 0.0
        var bestShareDifficulty = 0.0
        var lastShareAt: Date?
        var latencyAverageMilliseconds = 0.0
        var latencyMaxMilliseconds = 0.0
        var latencyCount = 0.0
        var latencySumMilliseconds = 0.0
        /// Cumulative (upper bound in ms, count), ascending.
        var latencyBuckets: [(le: Double, count: Double)] = []
    }

    var version = SwiftMinerVersion.string
    var kernel = ""
    var threads = 0.0
    var uptimeSeconds = 0.0
    var statusIntervalSeconds = 5.0
    var bestShareDifficultyEver = 0.0
    var workers: [Worker] = []

    init(_ status: JSONValue) {
        version = status["version"]?.stringValue ?? version
        kernel = status["kernel"]?.stringValue ?? ""
        threads = status["threads"]?.doubleValue ?? 0
        uptimeSeconds = status["uptime_s"]?.doubleValue ?? 0
        statusIntervalSeconds = status["status_interval_s"]?.doubleValue ?? 5
        bestShareDifficultyEver = status["best_share_difficulty_ever"]?.doubleValue ?? 0
        workers = (status["workers"]?.arrayValue ?? []).map(Self.worker)
    }

    private static func worker(_ json: JSONValue) -> Worker {
        var w = Worker()
        w.name = json["name"]?.stringValue ?? ""
        w.user = json["user"]?.stringValue ?? ""
        let pool = json["pool"] ?? .null
        w.poolURL = redactedURL(pool["url"]?.stringValue ?? "")
        w.poolState = pool["state"]?.stringValue ?? "starting"
        w.poolDifficulty = pool["difficulty"]?.doubleValue ?? 0
        w.reconnects = pool["reconnects"]?.doubleValue ?? 0
        w.versionRollingMask = pool["version_rolling_mask"]?.stringValue
        w.connectedSince = pool["connected_since"]?.stringValue.flatMap(Timestamp.parse)
        w.lastNotifyAt = pool["last_notify_at"]?.stringValue.flatMap(Timestamp.parse)
        for (window, value) in json["hashrate"]?.objectValue ?? [:] {
            if let rate = value.doubleValue { w.hashrate[window] = rate }
        }
        w.perThread = (json["hashrate"]?["per_thread"]?.arrayValue ?? []).map { $0.doubleValue ?? 0 }
        w.hashesTotal = json["hashes_total"]?.doubleValue
        let shares = json["shares"] ?? .null
        func count(_ key: String) -> Double { shares[key]?.doubleValue ?? 0 }
        w.found = count("found")
        w.accepted = count("accepted")
        w.rejected = count("rejected")
        w.stale = count("stale")
        w.lost = count("lost")
        w.pending = count("pending")
        w.acceptedDifficulty = count("accepted_difficulty")
        w.hardwareErrors = count("hardware_errors")
        for (reason, value) in shares["reject_reasons"]?.objectValue ?? [:] {
            w.rejectReasons[reason] = value.doubleValue ?? 0
        }
        w.blocksFound = json["blocks_found"]?.doubleValue ?? 0
        w.bestShareDifficulty = json["best_share_difficulty"]?.doubleValue ?? 0
        w.lastShareAt = json["last_share_at"]?.stringValue.flatMap(Timestamp.parse)
        let latency = json["submit_latency_ms"] ?? .null
        w.latencyAverageMilliseconds = latency["avg"]?.doubleValue ?? 0
        w.latencyMaxMilliseconds = latency["max"]?.doubleValue ?? 0
        w.latencyCount = latency["count"]?.doubleValue ?? 0
        w.latencySumMilliseconds = latency["sum"]?.doubleValue ?? 0
        w.latencyBuckets = (latency["buckets"]?.arrayValue ?? []).compactMap { bucket in
            guard let le = bucket["le"]?.doubleValue, let count = bucket["count"]?.doubleValue else { return nil }
            return (le, count)
        }.sorted { $0.le < $1.le }
        return w
    }

    /// `stratum+tcp://user:secret@pool:3333/x` → `stratum+tcp://pool:3333/x`.
    static func redactedURL(_ url: String) -> String {
        let authorityStart: String.Index
        if let scheme = url.range(of: "://") { authorityStart = scheme.upperBound } else { authorityStart = url.startIndex }
        let authorityEnd = url[authorityStart...].firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? url.endIndex
        guard let at = url[authorityStart..<authorityEnd].lastIndex(of: "@") else { return url }
        return String(url[..<authorityStart]) + String(url[url.index(after: at)...])
    }

    /// `stratum+tcp://pool.example:3333` → `pool.example` (cgminer's "Stratum URL").
    static func host(ofURL url: String) -> String {
        var rest = Substring(url)
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        if let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") { return String(rest[...close]) }
        if let colon = rest.lastIndex(of: ":") { rest = rest[..<colon] }
        return String(rest)
    }
}
