/// Counters of an SV2 pool since it started.
public struct SV2PoolStats: Sendable, Hashable {
    /// Shares accepted, all channels.
    public var accepted = 0
    /// Shares rejected, all channels.
    public var rejected = 0
    /// Rejected shares by their SubmitShares.Error code (`SV2PoolErrorCode`).
    public var rejectedByErrorCode: [String: Int] = [:]
    public var acceptedByChannelKind: [SV2PoolChannelKind: Int] = [:]
    /// Rejected shares on open channels by kind (a share naming an unknown channel has no kind).
    public var rejectedByChannelKind: [SV2PoolChannelKind: Int] = [:]
    public var channelsOpened: [SV2PoolChannelKind: Int] = [:]
    /// OpenMiningChannel.Error answers by code.
    public var channelsRefused: [String: Int] = [:]
    /// SubmitShares.Success messages sent (fewer than `accepted` when successes are batched).
    public var successMessagesSent = 0
    /// Shares of any kind whose header also met the network target.
    public var blocksFound = 0
    /// Jobs created (one per `newJob`, whatever the number of channels it went to).
    public var jobsCreated = 0

    public init() {}
}
