/// What submits came to: how many were sent and how each was answered, with the round trip
/// (sent → answer read) of every answered one. One miner's, or a whole phase's added up.
public struct SubmitTally: Sendable, Hashable {
    public var sent = 0
    /// Answered `true`.
    public var accepted = 0
    /// Answered with error 21 (stale): expected only after a job change.
    public var stale = 0
    /// Answered anything else.
    public var rejected = 0
    /// The other answers' errors ("23 Low difficulty share") by count.
    public var rejections: [String: Int] = [:]
    /// Round trips of the answered submits, in nanoseconds.
    public var roundTrips: [UInt64] = []
    /// When the last answer was read (monotonic nanoseconds; 0: none).
    public var lastAnswerAt: UInt64 = 0

    public init() {}

    public var answered: Int { accepted + stale + rejected }

    mutating func add(_ other: SubmitTally) {
        sent += other.sent
        accepted += other.accepted
        stale += other.stale
        rejected += other.rejected
        for (text, count) in other.rejections { rejections[text, default: 0] += count }
        roundTrips += other.roundTrips
        lastAnswerAt = max(lastAnswerAt, other.lastAnswerAt)
    }
}
