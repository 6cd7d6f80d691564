/// How the pool judged one SubmitSharesStandard / SubmitSharesExtended (sv2-spec §5.3.11–5.3.14).
public struct SV2ShareVerdict: Sendable, Hashable {
    public var session: SV2PoolSessionID
    public var channelID: UInt32
    /// nil when the channel is not open on the session (the share names an unknown channel).
    public var channelKind: SV2PoolChannelKind?
    public var sequenceNumber: UInt32
    public var jobID: UInt32
    /// nil: accepted; otherwise the SubmitShares.Error code (`SV2PoolErrorCode`).
    public var errorCode: String?
    /// The difficulty the header's hash achieves (0 when the header was not rebuilt).
    public var shareDifficulty: Double
    /// The header's hash also meets the job's nbits.
    public var meetsNetworkTarget: Bool

    public var accepted: Bool { errorCode == nil }

    public init(session: SV2PoolSessionID, channelID: UInt32, channelKind: SV2PoolChannelKind?, sequenceNumber: UInt32,
                jobID: UInt32, errorCode: String?, shareDifficulty: Double, meetsNetworkTarget: Bool) {
        self.session = session
        self.channelID = channelID
        self.channelKind = channelKind
        self.sequenceNumber = sequenceNumber
        self.jobID = jobID
        self.errorCode = errorCode
        self.shareDifficulty = shareDifficulty
        self.meetsNetworkTarget = meetsNetworkTarget
    }
}
