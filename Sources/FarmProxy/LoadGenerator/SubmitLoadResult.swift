import StratumProtocol

/// A submit phase: shares written at a target rate spread over the miners, each timed from its
/// write to the read of its answer (both in the load generator's process).
public struct SubmitLoadResult: Sendable, Hashable {
    public let connections: Int
    public let targetRate: Double
    public let seconds: Double
    public let tally: SubmitTally
    /// Submits still unanswered `drain` seconds after the last was written.
    public let unanswered: Int
    /// Answers read per second: answered over the time from the first write to the last answer.
    public let answeredPerSecond: Double
    public let roundTrip: LatencySummary

    init(connections: Int, targetRate: Double, seconds: Double, tally: SubmitTally, unanswered: Int, startedAt: UInt64) {
        self.connections = connections
        self.targetRate = targetRate
        self.seconds = seconds
        self.tally = tally
        self.unanswered = unanswered
        let span = tally.lastAnswerAt > startedAt ? Double(tally.lastAnswerAt - startedAt) / 1e9 : 0
        answeredPerSecond = span > 0 ? Double(tally.answered) / span : 0
        roundTrip = LatencySummary(nanoseconds: tally.roundTrips)
    }

    /// Every submit written was answered `true`.
    public var allAccepted: Bool { tally.sent > 0 && tally.accepted == tally.sent && unanswered == 0 }

    /// `{"connections", "target_rate", "seconds", "sent", "accepted", "stale", "rejected",
    /// "rejections", "unanswered", "answered_per_second", "round_trip"}`.
    public var json: JSONValue {
        ["connections": .integer(Int64(connections)), "target_rate": .double(targetRate), "seconds": .double(seconds),
         "sent": .integer(Int64(tally.sent)), "accepted": .integer(Int64(tally.accepted)),
         "stale": .integer(Int64(tally.stale)), "rejected": .integer(Int64(tally.rejected)),
         "rejections": .object(tally.rejections.mapValues { .integer(Int64($0)) }),
         "unanswered": .integer(Int64(unanswered)), "answered_per_second": .double(answeredPerSecond.rounded()),
         "round_trip": roundTrip.json]
    }

    /// "60012 sent at 6000/s for 10 s over 1000 connections: 60012 true, 0 stale, 0 other, 0 unanswered;
    /// 5987 answered/s; round trip p50 …".
    public var text: String {
        var line = "\(tally.sent) sent at \(Int(targetRate))/s for \(seconds) s over \(connections) connections: "
            + "\(tally.accepted) true, \(tally.stale) stale, \(tally.rejected) other, \(unanswered) unanswered; "
            + "\(Int(answeredPerSecond.rounded())) answered/s; round trip \(roundTrip.text)"
        for (text, count) in tally.rejections.sorted(by: { $0.value > $1.value }).prefix(5) {
            line += "\n    \(count)× \(text)"
        }
        return line
    }
}
