import StratumProtocol

/// What happened to the shares of one worker. Invariant, at every moment:
/// found = accepted + rejected + stale + lost + pending.
public struct ShareCounters: Sendable, Hashable {
    public private(set) var found: UInt64 = 0
    public private(set) var accepted: UInt64 = 0
    public private(set) var rejected: UInt64 = 0
    public private(set) var stale: UInt64 = 0
    public private(set) var lost: UInt64 = 0
    public private(set) var pending: UInt64 = 0
    /// Sum of the target difficulties of accepted shares (what the pool credits).
    public private(set) var acceptedDifficulty: Double = 0
    /// Rejections by reason (a bounded set: unknown reasons are `other`).
    public private(set) var rejectReasons: [RejectReason: UInt64] = [:]
    public private(set) var blocksFound: UInt64 = 0
    public private(set) var bestShareDifficulty: Double = 0

    public init() {}

    /// What became of a share.
    public enum Outcome: Sendable, Hashable {
        case accepted
        case rejected(RejectReason)
        case stale
        case lost
    }

    /// A verified candidate about to be submitted.
    public mutating func recordSubmitted(shareDifficulty: Double, isBlock: Bool) {
        found += 1
        pending += 1
        bestShareDifficulty = max(bestShareDifficulty, shareDifficulty)
        if isBlock { blocksFound += 1 }
    }

    /// A verified candidate that was not sent because its job is no longer valid.
    public mutating func recordStaleBeforeSubmit(shareDifficulty: Double) {
        found += 1
        stale += 1
        bestShareDifficulty = max(bestShareDifficulty, shareDifficulty)
    }

    /// The pool's answer (or its absence) for a submitted share.
    public mutating func recordOutcome(_ outcome: Outcome, targetDifficulty: Double) {
        precondition(pending > 0, "an outcome without a pending share")
        pending -= 1
        switch outcome {
        case .accepted:
            accepted += 1
            acceptedDifficulty += targetDifficulty
        case .rejected(let reason):
            if reason == .stale {
                stale += 1
            } else {
                rejected += 1
                rejectReasons[reason, default: 0] += 1
            }
        case .stale:
            stale += 1
        case .lost:
            lost += 1
        }
    }

    /// accepted + rejected + stale + lost + pending.
    public var accounted: UInt64 { accepted + rejected + stale + lost + pending }
    public var invariantHolds: Bool { found == accounted }
}

extension StatusDocument.Worker.Shares {
    /// The counters as the status file shows them.
    init(_ counters: ShareCounters, hardwareErrors: UInt64) {
        self.init()
        found = counters.found
        accepted = counters.accepted
        rejected = counters.rejected
        stale = counters.stale
        lost = counters.lost
        pending = counters.pending
        acceptedDifficulty = counters.acceptedDifficulty
        rejectReasons = Dictionary(uniqueKeysWithValues: counters.rejectReasons.map { ($0.rawValue, $1) })
        self.hardwareErrors = hardwareErrors
    }
}
