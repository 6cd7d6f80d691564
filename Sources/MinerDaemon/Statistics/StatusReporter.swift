import Foundation
import HashingEngine
import Logging
import StratumProtocol

/// Keeps the files users watch: `status.json` (rewritten atomically every `interval` and within a
/// second after each share result, coalesced) and `shares.jsonl` (one line per share outcome).
///
/// Fed one way: share outcomes arrive through `observe(_:)` (an AsyncStream), hash counters and
/// worker status are sampled once a second through the engine's and coordinator's public API.
/// When a file cannot be written, mining goes on, counters stay right, one warning a minute is
/// logged, and writing resumes when it can.
public actor StatusReporter {
    public struct Configuration: Sendable {
        public var statusFile: String?
        public var shareLog: String?
        public var shareLogMaxBytes: Int?
        public var shareLogKeep: Int
        public var interval: Duration
        public var kernel: String

        public init(statusFile: String?, shareLog: String?, shareLogMaxBytes: Int? = 64 << 20, shareLogKeep: Int = 5,
                    interval: Duration = .seconds(5), kernel: String) {
            self.statusFile = statusFile
            self.shareLog = shareLog
            self.shareLogMaxBytes = shareLogMaxBytes
            self.shareLogKeep = shareLogKeep
            self.interval = interval
            self.kernel = kernel
        }
    }

    /// One worker as the reporter sees it.
    public struct Source: Sendable {
        public let name: String
        public let engine: HashingEngine
        public let coordinator: MiningCoordinator

        public init(name: String, engine: HashingEngine, coordinator: MiningCoordinator) {
            self.name = name
            self.engine = engine
            self.coordinator = coordinator
        }
    }

    public let configuration: Configuration
    private let sources: [Source]
    private let logger: Logger
    private let shareLog: ShareLog?
    private let startedAt = Date()
    private let clockOrigin = ContinuousClock.now
    private let events: AsyncStream<ShareEvent>

    private var meters: [String: HashrateMeter] = [:]
    private var lastHashTotals: [String: UInt64] = [:]
    private var expectedShares: [String: Double] = [:]
    private var bestEver: Double
    private var bestEverSaved: Double
    private var statusDirty = false
    private var lastStatusWrite = ContinuousClock.now - .seconds(3600)
    private var lastWarnings: [String: ContinuousClock.Instant] = [:]
    private var healthWarnings: [String: String] = [:]
    public private(set) var statusWriteFailures = 0
    public private(set) var statusWrites = 0

    /// - Parameter events: share outcomes, in order (the coordinators' observer feeds it).
    public init(configuration: Configuration, sources: [Source], events: AsyncStream<ShareEvent>, logger: Logger) {
        self.configuration = configuration
        self.sources = sources
        self.logger = logger
        shareLog = configuration.shareLog.map {
            ShareLog(path: $0, maxBytes: configuration.shareLogMaxBytes, keep: configuration.shareLogKeep)
        }
        self.events = events
        let saved = configuration.statusFile.flatMap { Self.loadBestEver(StatePaths.bestShareFile(forStatusFile: $0)) } ?? 0
        bestEver = saved
        bestEverSaved = saved
    }

    /// Runs until cancelled: records share outcomes as they come, samples about once a second,
    /// writes the status file on schedule.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [events] in
                for await event in events { await self.record(event) }
            }
            while !Task.isCancelled {
                await tick()
                try? await Task.sleep(for: .milliseconds(250))
            }
            group.cancelAll()
        }
    }

    /// Closes the share log so the next line opens it anew (SIGHUP, after logrotate moved it).
    public func reopenShareLog() {
        shareLog?.reopen()
    }

    /// The last write, at shutdown: everything recorded so far.
    public func writeFinalStatus() async {
        while shareLog?.pendingLines ?? 0 > 0, shareLog?.flush() != nil { break }
        await sample()
        await writeStatus()
    }

    // MARK: -

    func record(_ event: ShareEvent) {
        if let shareLog, let error = shareLog.append(ShareLogRecord.json(for: event).serialized) {
            warnRateLimited("share-log", "cannot write the share log (\(shareLog.pendingLines) line(s) kept in memory): \(error)")
        }
        bestEver = max(bestEver, event.candidate.shareDifficulty)
        statusDirty = true
    }

    private func tick() async {
        await sample()
        let now = ContinuousClock.now
        let sinceWrite = now - lastStatusWrite
        // Soon after a share result (coalesced: at most every 0.5 s), and every interval regardless.
        if (statusDirty && sinceWrite >= .milliseconds(500)) || sinceWrite >= configuration.interval {
            await writeStatus()
        }
        if let shareLog, shareLog.pendingLines > 0, let error = shareLog.flush() {
            warnRateLimited("share-log", "cannot write the share log (\(shareLog.pendingLines) line(s) kept in memory): \(error)")
        }
    }

    private func sample() async {
        let seconds = (ContinuousClock.now - clockOrigin) / .seconds(1)
        for source in sources {
            let counts = source.engine.hashCounts
            meters[source.name, default: HashrateMeter()].record(time: seconds, counts: counts)
            let total = counts.reduce(0, &+)
            let status = await source.coordinator.workerStatus
            if let last = lastHashTotals[source.name], status.poolState == "mining" {
                expectedShares[source.name, default: 0] += ShareRateCheck.expectedShares(
                    hashes: Double(total &- last), difficulty: status.difficulty)
            }
            lastHashTotals[source.name] = total
            let verdict = ShareRateCheck.evaluate(expected: expectedShares[source.name] ?? 0, observed: status.counters.accepted)
            if let warning = verdict.warning {
                if healthWarnings[source.name] == nil { logger.warning("\(source.name): \(warning)") }
                healthWarnings[source.name] = warning
            } else {
                healthWarnings[source.name] = nil
            }
        }
    }

    private func writeStatus() async {
        guard let path = configuration.statusFile else { return }
        let document = await statusDocument()
        lastStatusWrite = ContinuousClock.now
        do {
            try AtomicFileWriter.write(Array((document.serialized + "\n").utf8), to: path)
            statusDirty = false
            statusWrites += 1
        } catch {
            statusWriteFailures += 1
            warnRateLimited("status", "cannot write the status file: \(error)")
        }
        if bestEver > bestEverSaved {
            let bestPath = StatePaths.bestShareFile(forStatusFile: path)
            let json: JSONValue = ["best_share_difficulty": .double(bestEver), "updated_at": .string(Timestamp.iso8601(Date()))]
            if (try? AtomicFileWriter.write(Array(json.serialized.utf8), to: bestPath)) != nil { bestEverSaved = bestEver }
        }
    }

    /// The status file's contents (DESIGN.md, "Status file").
    public func statusDocument() async -> JSONValue {
        var workers: [JSONValue] = []
        var totals = ShareCounters.Totals()
        var windowTotals: [String: Double] = [:]
        var threads = 0
        for source in sources {
            let status = await source.coordinator.workerStatus
            let meter = meters[source.name] ?? HashrateMeter()
            threads += source.engine.threadCount
            totals.add(status.counters)
            var hashrate: [String: JSONValue] = [:]
            for window in HashrateMeter.windows {
                let rate = meter.total(over: window.seconds)
                hashrate[window.name] = .double(rate.rounded3)
                windowTotals[window.name, default: 0] += rate
            }
            hashrate["per_thread"] = .array(meter.perThread(over: 10).map { .double($0.rounded3) })
            let counters = status.counters
            var reasons: [String: JSONValue] = [:]
            for (reason, count) in counters.rejectReasons { reasons[reason.rawValue] = .integer(Int64(count)) }
            workers.append([
                "name": .string(status.name),
                "user": .string(status.user),
                "pool": [
                    "url": .string(status.poolURL),
                    "state": .string(status.poolState),
                    "connected_since": status.connectedSince.map { .string(Timestamp.iso8601($0)) } ?? .null,
                    "difficulty": .double(status.difficulty),
                    "job_id": status.jobID.map { .string($0) } ?? .null,
                    "extranonce2_size": status.extranonce2Size.map { .integer(Int64($0)) } ?? .null,
                    "version_rolling_mask": status.versionRollingMask.map { .string(WireEncoding.hex($0)) } ?? .null,
                    "reconnects": .integer(Int64(status.reconnects)),
                    "last_notify_at": status.lastNotifyAt.map { .string(Timestamp.iso8601($0)) } ?? .null,
                ],
                "hashrate": .object(hashrate),
                "shares": [
                    "found": .integer(Int64(counters.found)),
                    "accepted": .integer(Int64(counters.accepted)),
                    "rejected": .integer(Int64(counters.rejected)),
                    "stale": .integer(Int64(counters.stale)),
                    "lost": .integer(Int64(counters.lost)),
                    "pending": .integer(Int64(counters.pending)),
                    "accepted_difficulty": .double(counters.acceptedDifficulty),
                    "reject_reasons": .object(reasons),
                    "hardware_errors": .integer(Int64(counters.hardwareErrors)),
                ],
                "best_share_difficulty": .double(counters.bestShareDifficulty),
                "last_share_at": status.lastShareAt.map { .string(Timestamp.iso8601($0)) } ?? .null,
                "blocks_found": .integer(Int64(counters.blocksFound)),
                "submit_latency_ms": [
                    "avg": .double(status.latencyAverageMilliseconds.rounded3),
                    "max": .double(status.latencyMaxMilliseconds.rounded3),
                    "count": .integer(Int64(status.latencyCount)),
                    "sum": .double(status.latencySumMilliseconds.rounded3),
                    // Cumulative: shares answered within `le` ms (the metrics endpoint's histogram).
                    "buckets": .array(zip(WorkerStatus.latencyBucketBoundsMilliseconds, status.latencyBucketCounts).map {
                        ["le": .double($0), "count": .integer(Int64($1))]
                    }),
                ],
                "hashes_total": .integer(Int64(clamping: source.engine.totalHashes)),
                "expected_shares": .double((expectedShares[source.name] ?? 0).rounded3),
                "warning": healthWarnings[source.name].map { .string($0) } ?? .null,
            ])
        }
        let now = Date()
        return [
            "schema": 1,
            "version": .string(SwiftMinerVersion.string),
            "pid": .integer(Int64(ProcessInfo.processInfo.processIdentifier)),
            "updated_at": .string(Timestamp.iso8601(now)),
            "started_at": .string(Timestamp.iso8601(startedAt)),
            "uptime_s": .integer(Int64(now.timeIntervalSince(startedAt))),
            "status_interval_s": .double(configuration.interval / .seconds(1)),
            "kernel": .string(configuration.kernel),
            "threads": .integer(Int64(threads)),
            "hashrate": .object(windowTotals.mapValues { .double($0.rounded3) }),
            "shares": [
                "accepted": .integer(Int64(totals.accepted)), "rejected": .integer(Int64(totals.rejected)),
                "stale": .integer(Int64(totals.stale)), "lost": .integer(Int64(totals.lost)),
                "pending": .integer(Int64(totals.pending)),
            ],
            "best_share_difficulty_ever": .double(bestEver),
            "warnings": .array(healthWarnings.keys.sorted().map { .string("\($0): \(healthWarnings[$0]!)") }),
            "workers": .array(workers),
        ]
    }

    private func warnRateLimited(_ key: String, _ message: String) {
        let now = ContinuousClock.now
        if let last = lastWarnings[key], now - last < .seconds(60) { return }
        lastWarnings[key] = now
        logger.warning("\(message) (mining continues; repeated at most once a minute)")
    }

    static func loadBestEver(_ path: String) -> Double? {
        guard let data = FileManager.default.contents(atPath: path),
              let value = try? JSONValue.parse(Array(data))["best_share_difficulty"]?.doubleValue,
              value.isFinite, value >= 0 else { return nil }
        return value
    }
}

extension ShareCounters {
    /// Sums over workers.
    struct Totals {
        var accepted: UInt64 = 0, rejected: UInt64 = 0, stale: UInt64 = 0, lost: UInt64 = 0, pending: UInt64 = 0
        mutating func add(_ c: ShareCounters) {
            accepted += c.accepted
            rejected += c.rejected
            stale += c.stale
            lost += c.lost
            pending += c.pending
        }
    }
}
