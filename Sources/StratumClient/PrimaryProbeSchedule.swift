/// While a worker mines on a backup pool: when to probe the primary on a side connection
/// (connect, subscribe, authorize; never submit), and what a probe's answer means. Pure: the
/// caller passes the time and carries the decisions out.
///
/// - The first probe is one `interval` after the backup session started, the next one an
///   `interval` after the previous probe ended (whatever its result): a primary that stays down
///   costs one connection attempt per interval, and the reconnect backoff is not touched.
/// - Only an authorized probe switches to the primary; anything else keeps the backup.
/// - A failure is logged at info the first time in a row and then every `infoEvery`-th time
///   (debug otherwise): a primary that is down for hours is not a warning storm.
public struct PrimaryProbeSchedule: Sendable, Hashable {
    public typealias Instant = ContinuousClock.Instant

    /// How a probe ended.
    public enum Result: Sendable, Hashable {
        /// The primary answered `mining.subscribe` and accepted our `mining.authorize`.
        case authorized
        /// Connect failed, subscribe/authorize refused or unanswered, or the connection closed first.
        case failed(String)
    }

    public enum Decision: Sendable, Hashable {
        /// Make the probe connection the current session; let the backup's pending shares be
        /// answered, then close it.
        case switchToPrimary
        /// Keep mining on the backup; probe again at `nextProbeAt`.
        case stayOnBackup(nextProbeAt: Instant, logAtInfo: Bool)
    }

    /// Failures after the first in a row are logged at info only every this many times.
    public static let infoEvery = 10

    public let interval: Duration
    public private(set) var nextProbeAt: Instant
    public private(set) var isProbing = false
    /// Probes started on this backup session.
    public private(set) var probes = 0
    /// Probes that did not end authorized.
    public private(set) var failures = 0
    public private(set) var consecutiveFailures = 0

    /// `backupStartedAt`: when the backup session began.
    public init(interval: Duration, backupStartedAt: Instant) {
        self.interval = max(interval, .milliseconds(1))
        self.nextProbeAt = backupStartedAt + self.interval
    }

    /// Whether a probe should start now (it is time and none is in flight).
    public func isDue(now: Instant) -> Bool {
        !isProbing && now >= nextProbeAt
    }

    /// A probe starts now; false (and nothing changes) when it is not due.
    public mutating func probeStarted(now: Instant) -> Bool {
        guard isDue(now: now) else { return false }
        isProbing = true
        probes += 1
        return true
    }

    /// The probe in flight ended with `result`.
    public mutating func probeEnded(_ result: Result, now: Instant) -> Decision {
        isProbing = false
        switch result {
        case .authorized:
            consecutiveFailures = 0
            return .switchToPrimary
        case .failed:
            failures += 1
            consecutiveFailures += 1
            nextProbeAt = now + interval
            let logAtInfo = consecutiveFailures == 1 || consecutiveFailures % Self.infoEvery == 0
            return .stayOnBackup(nextProbeAt: nextProbeAt, logAtInfo: logAtInfo)
        }
    }
}
