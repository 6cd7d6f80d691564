import Foundation
import Logging
import ServiceLifecycle

/// Talks to systemd for the running configuration, following the status documents as the
/// reporter builds them (one per worker snapshot, so at least one per hash-sample interval):
/// - `READY=1` once a worker has a job and its hash counters have started to advance (a daemon of
///   farm proxies only: once its proxies are listening, their first status reported);
/// - `STATUS=` with the hash rate and the accepted/rejected counts, every `statusInterval`;
/// - `WATCHDOG=1` every half `WATCHDOG_USEC`, but only while real progress is made: documents keep
///   coming (the async runtime, the workers and the reporter answer) and the hash counters
///   advanced since the last ping. While no worker has a job (pool unreachable, reconnecting)
///   there is nothing to hash, so responsiveness alone counts. When hashing threads hang with a
///   job in hand, or documents stop, pings stop and systemd restarts the service.
public final class WatchdogMonitor: Service {
    let notifier: SystemdNotifier
    let statusInterval: Duration
    let logger: Logger
    let documents: AsyncStream<StatusDocument>

    /// - Parameter documents: the status reporter's documents, as it builds them.
    public init(notifier: SystemdNotifier, statusInterval: Duration, documents: AsyncStream<StatusDocument>, logger: Logger) {
        self.notifier = notifier
        self.statusInterval = statusInterval
        self.documents = documents
        self.logger = logger
    }

    /// How often documents must come for the pings to be on time (the hash-sample interval).
    public static func requiredUpdateInterval(for notifier: SystemdNotifier) -> Duration {
        min(.seconds(1), notifier.watchdogInterval.map { $0 / 4 } ?? .seconds(1))
    }

    /// Follows `documents` until they end. Each configuration (also after a reload) has its own
    /// monitor, so READY=1 is sent again once the new configuration hashes.
    public func run() async {
        let clock = ContinuousClock()
        let watchdogPeriod = notifier.watchdogInterval.map { $0 / 2 }
        var ready = false
        var lastStatus = clock.now - statusInterval
        var lastPing = clock.now
        var hashesAtLastPing: UInt64 = 0
        for await document in documents {
            let now = clock.now
            let hashes = document.workers.reduce(0) { $0 &+ $1.hashesTotal }
            let hasJob = document.workers.contains { $0.pool.state == .mining && $0.pool.jobID != nil }
            let proxiesOnly = document.workers.isEmpty && !document.proxies.isEmpty
            if !ready, (hasJob && hashes > 0) || proxiesOnly {
                ready = true
                notifier.ready(status: statusLine(document, hasJob: hasJob))
                logger.debug("systemd: READY=1")
                lastStatus = now
            } else if ready, now - lastStatus >= statusInterval {
                notifier.status(statusLine(document, hasJob: hasJob))
                lastStatus = now
            }
            if let watchdogPeriod, now - lastPing >= watchdogPeriod {
                if hashes > hashesAtLastPing || !hasJob {
                    notifier.watchdog()
                } else {
                    logger.warning("systemd watchdog not fed: hash counters stopped advancing")
                }
                lastPing = now
                hashesAtLastPing = hashes
            }
        }
    }

    func statusLine(_ document: StatusDocument, hasJob: Bool) -> String {
        if document.workers.isEmpty && !document.proxies.isEmpty {
            let miners = document.proxies.reduce(0) { $0 + $1.downstreams.count }
            let accepted = document.proxies.reduce(0) { $0 + $1.totals.accepted }
            let rejected = document.proxies.reduce(0) { $0 + $1.totals.rejected }
            return "proxy: \(miners) miner(s), accepted by the pool \(accepted), rejected \(rejected)"
        }
        let state = hasJob ? "mining" : "waiting for a job"
        return "\(state): \(HashrateFormat.string(document.hashrate.tenSeconds)), accepted \(document.shares.accepted), "
            + "rejected \(document.shares.rejected)"
    }
}
