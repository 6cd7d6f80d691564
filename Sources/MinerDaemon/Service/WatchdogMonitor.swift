import Foundation
import Logging

/// What the service monitor looks at, once per tick.
public struct ProgressSample: Sendable {
    /// Hashes done so far by all engines of the running configuration.
    public var hashes: UInt64
    /// At least one worker is authorized and has a job (so its hash counters should advance).
    public var hasJob: Bool
    public var accepted: UInt64
    public var rejected: UInt64

    public init(hashes: UInt64, hasJob: Bool, accepted: UInt64, rejected: UInt64) {
        self.hashes = hashes
        self.hasJob = hasJob
        self.accepted = accepted
        self.rejected = rejected
    }
}

/// Talks to systemd for the running configuration:
/// - `READY=1` once a worker has a job and its hash counters have started to advance;
/// - `STATUS=` with the hashrate and the accepted/rejected counts, every `statusInterval`;
/// - `WATCHDOG=1` every half `WATCHDOG_USEC`, but only while real progress is made: this task
///   ran on time (the async runtime and the coordinators answer) and the hash counters advanced
///   since the last ping. While no worker has a job (pool unreachable, reconnecting) there is
///   nothing to hash, so responsiveness alone counts; reconnecting is the client's business.
///   When hashing threads hang with a job in hand, pings stop and systemd restarts the service.
public final class WatchdogMonitor: Sendable {
    let notifier: SystemdNotifier
    let statusInterval: Duration
    let sample: @Sendable () async -> ProgressSample
    let logger: Logger

    public init(notifier: SystemdNotifier, statusInterval: Duration, logger: Logger,
                sample: @escaping @Sendable () async -> ProgressSample) {
        self.notifier = notifier
        self.statusInterval = statusInterval
        self.logger = logger
        self.sample = sample
    }

    /// Runs until cancelled. Each configuration (also after a reload) has its own monitor, so READY=1
    /// is sent again once the new configuration hashes.
    public func run() async {
        let clock = ContinuousClock()
        let watchdogPeriod = notifier.watchdogInterval.map { $0 / 2 }
        var tick = Duration.milliseconds(100)
        if let watchdogPeriod { tick = min(tick, watchdogPeriod / 4) }

        var ready = false
        var lastStatus = clock.now - statusInterval
        var rateSample: (time: ContinuousClock.Instant, hashes: UInt64)?
        var hashrate = 0.0
        var lastPing = clock.now
        var hashesAtLastPing: UInt64 = 0
        var late = false
        var expected = clock.now + tick

        while !Task.isCancelled {
            let now = clock.now
            // A tick that comes far too late means the runtime is starved or blocked.
            if let watchdogPeriod, now - expected > watchdogPeriod { late = true }
            let current = await sample()

            if let previous = rateSample, now - previous.time >= .seconds(1) {
                let seconds = Double((now - previous.time).components.seconds)
                    + Double((now - previous.time).components.attoseconds) / 1e18
                hashrate = Double(current.hashes &- previous.hashes) / seconds
                rateSample = (now, current.hashes)
            } else if rateSample == nil {
                rateSample = (now, current.hashes)
            }

            if !ready, current.hasJob, current.hashes > 0 {
                ready = true
                notifier.ready(status: statusLine(hashrate, current))
                logger.debug("systemd: READY=1")
                lastStatus = now
            } else if ready, now - lastStatus >= statusInterval {
                notifier.status(statusLine(hashrate, current))
                lastStatus = now
            }

            if let watchdogPeriod, now - lastPing >= watchdogPeriod {
                let progressed = current.hashes > hashesAtLastPing || !current.hasJob
                if progressed && !late {
                    notifier.watchdog()
                } else {
                    logger.warning("systemd watchdog not fed: \(late ? "the event loop is late" : "hash counters stopped advancing")")
                }
                lastPing = now
                hashesAtLastPing = current.hashes
                late = false
            }
            expected = clock.now + tick
            try? await Task.sleep(for: tick)
        }
    }

    func statusLine(_ hashrate: Double, _ sample: ProgressSample) -> String {
        let state = sample.hasJob ? "mining" : "waiting for a job"
        return "\(state): \(HashrateFormat.string(hashrate)), accepted \(sample.accepted), rejected \(sample.rejected)"
    }
}
