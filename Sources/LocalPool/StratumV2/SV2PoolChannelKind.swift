/// The two kinds of mining channel a client opens (sv2-spec §5.2.1 Standard Channel, §5.2.2
/// Extended Channel), as the pool records them. Group channels (§5.2.3) are never opened by a client.
/// (Not PoolSettings' `SV2ChannelKind`, the client's choice: LocalPool does not depend on the client.)
public enum SV2PoolChannelKind: String, Sendable, Hashable, CaseIterable {
    /// Header-only mining: the pool gives the merkle root (NewMiningJob), the client rolls nonce,
    /// ntime and version bits only.
    case standard
    /// The client gets the coinbase around an extranonce it rolls (NewExtendedMiningJob).
    case extended
}
