/// Accepted shares of one channel not yet acknowledged: what the next SubmitShares.Success
/// (sv2-spec §5.3.13) will carry. "new_submits_accepted_count and new_shares_sum carry meaning within
/// the batch being acknowledged, and their respective counters MUST be reset when a new batch starts."
struct SV2SuccessBatch: Sendable, Hashable {
    var count = 0
    /// The sum of the accepted shares' difficulties (the channel's target difficulty when each was
    /// accepted), kept exact as a Double and truncated to the U64 of new_shares_sum when sent.
    var difficultySum = 0.0
    /// The sequence number of the latest accepted share ("most recent sequence number with a
    /// correct result").
    var lastSequenceNumber: UInt32 = 0

    var isEmpty: Bool { count == 0 }

    mutating func add(sequenceNumber: UInt32, difficulty: Double) {
        count += 1
        difficultySum += difficulty
        lastSequenceNumber = sequenceNumber
    }

    /// new_shares_sum: the difficulty sum in whole units (shares below difficulty 1 add fractions).
    var sharesSum: UInt64 {
        difficultySum >= 0x1p64 ? .max : UInt64(difficultySum.rounded(.down))
    }
}
