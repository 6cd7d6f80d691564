/// A mining channel the pool opened (OpenStandardMiningChannel.Success §5.3.3 or
/// OpenExtendedMiningChannel.Success §5.3.5).
public struct SV2ChannelOpening: Sendable, Hashable {
    public var session: SV2PoolSessionID
    public var channelID: UInt32
    public var kind: SV2PoolChannelKind
    public var userIdentity: String
    /// The extranonce_prefix given: for a standard channel the whole extranonce.
    public var extranoncePrefix: [UInt8]
    /// Bytes the client rolls after the prefix (0 for a standard channel).
    public var extranonceSize: Int

    public init(session: SV2PoolSessionID, channelID: UInt32, kind: SV2PoolChannelKind, userIdentity: String,
                extranoncePrefix: [UInt8], extranonceSize: Int) {
        self.session = session
        self.channelID = channelID
        self.kind = kind
        self.userIdentity = userIdentity
        self.extranoncePrefix = extranoncePrefix
        self.extranonceSize = extranonceSize
    }
}
