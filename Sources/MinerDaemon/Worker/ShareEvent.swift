import Foundation
import MiningCore

/// One share's outcome, for observers (the share log, `demo`'s output, tests).
public struct ShareEvent: Sendable {
    public let worker: String
    public let pool: String
    public let time: Date
    public let candidate: ShareCandidate
    public let outcome: ShareCounters.Outcome
    public let reason: String?
    public let latency: Duration?
    /// The worker's counters right after this outcome.
    public let counters: ShareCounters
}
