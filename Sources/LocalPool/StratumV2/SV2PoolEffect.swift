import StratumV2Protocol

/// What `SV2PoolCore` asks the network layer to do, in order.
public enum SV2PoolEffect: Sendable, Equatable {
    /// Write one plaintext frame to a session (the transport encrypts it, sv2-spec §4).
    case send(SV2PoolSessionID, SV2Frame)
    /// Close a session's connection after everything sent before it.
    case close(SV2PoolSessionID)
    case event(SV2PoolEvent)
}
