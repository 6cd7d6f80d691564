/// Which Stratum V2 mining channel a pool connection opens (sv2-spec §5.2).
public enum SV2ChannelKind: String, Sendable, Hashable, CaseIterable {
    /// Header-only mining: the pool sends the merkle root; the engine rolls nonce and version bits.
    case standard
    /// The pool sends the coinbase around an extranonce the miner rolls (what a proxy needs, and
    /// what a pool that refuses standard channels gets).
    case extended
}
