import StratumV2Protocol

/// The error codes this pool puts in SetupConnection.Error, OpenMiningChannel.Error,
/// UpdateChannel.Error and SubmitShares.Error.
///
/// sv2-spec §3.5 "Error Codes": codes are strings, "the list of error codes can differ between
/// implementations", printable ASCII without control characters. The spec names none of them, so
/// these are this pool's own list (the kebab-case spellings other Stratum V2 pools use), documented
/// here as §3.5 asks.
public enum SV2PoolErrorCode {
    // SetupConnection.Error (§3.6.3).
    /// `protocol` is not 0 (the Mining Protocol is the only one served here).
    public static let unsupportedProtocol = "unsupported-protocol"
    /// [min_version, max_version] does not contain 2.
    public static let protocolVersionMismatch = "protocol-version-mismatch"
    /// Flags the pool cannot honour; the error's `flags` field lists them (§3.6.3).
    public static let unsupportedFeatureFlags = "unsupported-feature-flags"

    // OpenMiningChannel.Error (§5.3.6).
    /// A standard channel asked of a pool that requires extended channels
    /// (SetupConnection.Success REQUIRES_EXTENDED_CHANNELS, §5.3.1).
    public static let unsupportedChannelType = "unsupported-channel-type"
    /// max_target is below any target the pool can give (zero).
    public static let maxTargetOutOfRange = "max-target-out-of-range"
    /// min_extranonce_size is more than the pool can give.
    public static let unsupportedMinExtranonceSize = "unsupported-min-extranonce-size"

    // UpdateChannel.Error (§5.3.8) and SubmitShares.Error (§5.3.14).
    /// The channel is not open on this connection (or is of the other kind for this message).
    public static let invalidChannelID = "invalid-channel-id"
    /// The job was never sent on this channel (or is too old to be remembered).
    public static let invalidJobID = "invalid-job-id"
    /// The job was sent before the latest SetNewPrevHash (§5.3.17: the other jobs "have to be made invalid").
    public static let staleShare = "stale-share"
    /// The share's hash is above the channel's target (the one of the latest SetTarget, §5.3.21).
    public static let difficultyTooLow = "difficulty-too-low"
    /// The same header was already accepted on this channel.
    public static let duplicateShare = "duplicate-share"
    /// The version changes bits outside BIP320's general purpose bits (0x1fffe000), or any bit
    /// when the job did not allow version rolling (§5.3.15, §5.3.16).
    public static let invalidVersion = "invalid-version"
    /// ntime before the job's min_ntime or too far past the pool's clock (§5.3.11).
    public static let invalidTimestamp = "invalid-timestamp"
    /// SubmitSharesExtended's extranonce is not extranonce_size bytes (§5.3.12).
    public static let invalidExtranonceSize = "invalid-extranonce-size"

    /// The code as the wire string type (every code here is short printable ASCII).
    static func wire(_ code: String) -> SV2String {
        (try? SV2String(code)) ?? ""
    }
}
