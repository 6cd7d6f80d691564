/// Things that happen in an SV2 pool, in order, for tests.
public enum SV2PoolEvent: Sendable, Hashable {
    case sessionOpened(session: SV2PoolSessionID)
    /// SetupConnection.Success was sent (§3.6.2).
    case connectionSetUp(session: SV2PoolSessionID, usedVersion: UInt16, flags: UInt32)
    /// SetupConnection.Error was sent and the connection is closed (§3.6.3).
    case connectionRefused(session: SV2PoolSessionID, errorCode: String)
    case channelOpened(SV2ChannelOpening)
    /// OpenMiningChannel.Error was sent (§5.3.6).
    case channelRefused(session: SV2PoolSessionID, requestID: UInt32, errorCode: String)
    /// The client's CloseChannel (§5.3.9).
    case channelClosed(session: SV2PoolSessionID, channelID: UInt32)
    case share(SV2ShareVerdict)
    case sessionClosed(session: SV2PoolSessionID)
}
