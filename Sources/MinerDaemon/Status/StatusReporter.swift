import Configuration
import Foundation
import Logging
import ServiceLifecycle

/// Keeps the files users watch — `status.json` (rewritten atomically every `interval` and soon
/// after each share result, coalesced) and `shares.jsonl` (one line per share outcome) — and the
/// latest `StatusDocument` the monitoring endpoints serve and the watchdog follows.
///
/// Fed one way: the workers' snapshots and share outcomes arrive through one AsyncStream, in
/// order; nothing is polled. When a file cannot be written, mining goes on, counters stay right,
/// one warning a minute is logged, and writing resumes when it can.
public actor StatusReporter: Service {
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

    public let configuration: Configuration
    /// Every document built, newest kept (the watchdog's input). Finishes when `run()` returns.
    public nonisolated let documents: AsyncStream<StatusDocument>
    private let documentSink: AsyncStream<StatusDocument>.Continuation
    private let updates: AsyncStream<WorkerUpdate>
    private let workerOrder: [String]
    private let logger: Logger
    private let shareLog: ShareLog?
    private let startedAt: Date

    private var snapshots: [String: WorkerSnapshot] = [:]
    private let proxyOrder: [String]
    private var proxies: [String: StatusDocument.Proxy] = [:]
    /// The status file's `history`, fed from the snapshots' cumulative counters.
    private var history: MinuteHistory
    /// The newest document (what `/metrics` and the cgminer API answer from).
    public private(set) var document = StatusDocument()
    private var bestEver: Double
    private var bestEverSaved: Double
    private var statusDirty = false
    private var lastStatusWrite = ContinuousClock.now - .seconds(3600)
    private var lastWarnings: [String: ContinuousClock.Instant] = [:]
    public private(set) var statusWriteFailures = 0
    public private(set) var statusWrites = 0

    /// - Parameters:
    ///   - workers: the workers' names, in the order the status file lists them; `proxies` the same for proxies.
    ///   - updates: the workers' and proxies' snapshots and share outcomes.
    public init(configuration: Configuration, workers: [String], proxies: [String] = [], updates: AsyncStream<WorkerUpdate>,
                logger: Logger) {
        self.configuration = configuration
        workerOrder = workers
        proxyOrder = proxies
        self.updates = updates
        self.logger = logger
        shareLog = configuration.shareLog.map {
            ShareLog(path: $0, maxBytes: configuration.shareLogMaxBytes, keep: configuration.shareLogKeep)
        }
        let saved = configuration.statusFile
            .flatMap { BestShareRecord.load(from: StatePaths.bestShareFile(forStatusFile: $0))?.difficulty } ?? 0
        bestEver = saved
        bestEverSaved = saved
        let start = Date()
        startedAt = start
        history = MinuteHistory(observingFrom: start)
        (documents, documentSink) = AsyncStream.makeStream(of: StatusDocument.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Runs until `updates` finishes, then writes the final status (everything recorded).
    public func run() async {
        document = makeDocument()
        for await update in updates {
            apply(update)
            document = makeDocument()
            documentSink.yield(document)
            let sinceWrite = ContinuousClock.now - lastStatusWrite
            // Soon after a share result (coalesced: at most every 0.5 s), and every interval regardless.
            if (statusDirty && sinceWrite >= .milliseconds(500)) || sinceWrite >= configuration.interval {
                writeStatus()
            }
            if let shareLog, shareLog.pendingLines > 0, let error = shareLog.flush() { warnShareLog(error) }
        }
        documentSink.finish()
        _ = shareLog?.flush()
        document = makeDocument()
        writeStatus()
    }

    /// Closes the share log so the next line opens it anew (SIGHUP, after logrotate moved it).
    public func reopenShareLog() {
        shareLog?.reopen()
    }

    // MARK: -

    private func apply(_ update: WorkerUpdate) {
        switch update {
        case .snapshot(let snapshot):
            recordHistory(snapshot.status, previous: snapshots[snapshot.status.name]?.status)
            snapshots[snapshot.status.name] = snapshot
        case .share(let event):
            if let error = shareLog?.append(ShareLogRecord(event)) { warnShareLog(error) }
            bestEver = max(bestEver, event.candidate.shareDifficulty)
            statusDirty = true
        case .proxy(let proxy):
            proxies[proxy.name] = proxy
        case .proxyShare(let record):
            if let error = shareLog?.append(record) { warnShareLog(error) }
            statusDirty = true
        }
    }

    /// What the worker did since its previous snapshot (all of it for its first: its counters
    /// start at zero with the daemon; a counter that went down restarted, and counts from zero).
    private func recordHistory(_ status: StatusDocument.Worker, previous: StatusDocument.Worker?) {
        history.record(at: Date(), hashes: MinuteHistory.increase(from: previous?.hashesTotal, to: status.hashesTotal),
                       accepted: MinuteHistory.increase(from: previous?.shares.accepted, to: status.shares.accepted),
                       rejected: MinuteHistory.increase(from: previous?.shares.rejected, to: status.shares.rejected))
    }

    /// The status file's contents (Docs/ARCHITECTURE.md, "The status document"), from the latest snapshots.
    private func makeDocument() -> StatusDocument {
        var document = StatusDocument()
        for name in workerOrder {
            guard let snapshot = snapshots[name] else { continue }
            document.workers.append(snapshot.status)
            document.threads += snapshot.threads
            document.hashrate = document.hashrate + snapshot.status.hashrate.windows
            document.shares.add(snapshot.status.shares)
            if let warning = snapshot.status.warning { document.warnings.append("\(name): \(warning)") }
        }
        document.proxies = proxyOrder.compactMap { proxies[$0] }
        let now = Date()
        history.advance(to: now)
        document.history = history.buckets
        document.pid = Int(ProcessInfo.processInfo.processIdentifier)
        document.updatedAt = now
        document.startedAt = startedAt
        document.uptimeSeconds = Int(now.timeIntervalSince(startedAt))
        document.statusIntervalSeconds = configuration.interval / .seconds(1)
        document.kernel = configuration.kernel
        document.hashrate = document.hashrate.rounded3
        document.bestShareDifficultyEver = bestEver
        return document
    }

    private func writeStatus() {
        guard let path = configuration.statusFile else { return }
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
            let best = BestShareRecord(difficulty: bestEver, updatedAt: Date())
            if (try? best.write(to: StatePaths.bestShareFile(forStatusFile: path))) != nil { bestEverSaved = bestEver }
        }
    }

    /// A share-log write that failed (the lines stay in memory) or a record that could not be written.
    private func warnShareLog(_ error: String) {
        warnRateLimited("share-log", "cannot write the share log (\(shareLog?.pendingLines ?? 0) line(s) kept in memory): \(error)")
    }

    private func warnRateLimited(_ key: String, _ message: String) {
        let now = ContinuousClock.now
        if let last = lastWarnings[key], now - last < .seconds(60) { return }
        lastWarnings[key] = now
        logger.warning("\(message) (mining continues; repeated at most once a minute)")
    }
}
