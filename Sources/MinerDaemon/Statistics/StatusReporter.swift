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
            if let last = lastHashTotals[source.name], status.poolState == .mining {
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
            try AtomicFileWriter.write(try document.encoded() + [UInt8(ascii: "\n")], to: path)
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
    public func statusDocument() async -> StatusDocument {
        var document = StatusDocument()
        for source in sources {
            let status = await source.coordinator.workerStatus
            let meter = meters[source.name] ?? HashrateMeter()
            let counters = status.counters
            var worker = StatusDocument.Worker()
            worker.name = status.name
            worker.user = status.user
            worker.pool.url = status.poolURL
            worker.pool.state = status.poolState
            worker.pool.connectedSince = status.connectedSince
            worker.pool.difficulty = status.difficulty
            worker.pool.jobID = status.jobID
            worker.pool.extranonce2Size = status.extranonce2Size
            worker.pool.versionRollingMask = status.versionRollingMask.map(WireEncoding.hex)
            worker.pool.reconnects = status.reconnects
            worker.pool.lastNotifyAt = status.lastNotifyAt
            worker.hashrate = .init(windows: meter.windows.rounded3, perThread: meter.perThread(over: 10).map(\.rounded3))
            worker.shares.found = counters.found
            worker.shares.accepted = counters.accepted
            worker.shares.rejected = counters.rejected
            worker.shares.stale = counters.stale
            worker.shares.lost = counters.lost
            worker.shares.pending = counters.pending
            worker.shares.acceptedDifficulty = counters.acceptedDifficulty
            worker.shares.rejectReasons = Dictionary(uniqueKeysWithValues: counters.rejectReasons.map { ($0.rawValue, $1) })
            // What the engine's independent re-check refused, plus what the coordinator refused.
            worker.shares.hardwareErrors = source.engine.hardwareErrors + counters.hardwareErrors
            worker.bestShareDifficulty = counters.bestShareDifficulty
            worker.lastShareAt = status.lastShareAt
            worker.blocksFound = counters.blocksFound
            worker.submitLatency.avg = status.latencyAverageMilliseconds.rounded3
            worker.submitLatency.max = status.latencyMaxMilliseconds.rounded3
            worker.submitLatency.count = status.latencyCount
            worker.submitLatency.sum = status.latencySumMilliseconds.rounded3
            worker.submitLatency.buckets = zip(WorkerStatus.latencyBucketBoundsMilliseconds, status.latencyBucketCounts).map {
                .init(le: $0, count: $1)
            }
            worker.hashesTotal = source.engine.totalHashes
            worker.expectedShares = (expectedShares[source.name] ?? 0).rounded3
            worker.warning = healthWarnings[source.name]
            document.threads += source.engine.threadCount
            document.hashrate = document.hashrate + worker.hashrate.windows
            document.shares.add(worker.shares)
            document.workers.append(worker)
        }
        let now = Date()
        document.pid = Int(ProcessInfo.processInfo.processIdentifier)
        document.updatedAt = now
        document.startedAt = startedAt
        document.uptimeSeconds = Int(now.timeIntervalSince(startedAt))
        document.statusIntervalSeconds = configuration.interval / .seconds(1)
        document.kernel = configuration.kernel
        document.hashrate = document.hashrate.rounded3
        document.bestShareDifficultyEver = bestEver
        document.warnings = healthWarnings.keys.sorted().map { "\($0): \(healthWarnings[$0]!)" }
        return document
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
