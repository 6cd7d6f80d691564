import StratumProtocol

/// One pool in the ordered failover list.
public struct PoolConfiguration: Sendable, Hashable {
    public var url: String
    /// Pin the server's leaf certificate: hex SHA-256 of its DER (colons and case ignored).
    public var tlsFingerprintSHA256: String?
    /// Accept any certificate (self-signed pools). Ignored when a fingerprint is set.
    public var allowSelfSigned: Bool
    /// Send `mining.extranonce.subscribe`. (`mining.set_extranonce` is applied whether or not we
    /// asked for it, as cpuminer-opt does.)
    public var extranonceSubscribe: Bool
    /// `mining.suggest_difficulty` after authorize: `.auto` (default), `.fixed(value)` or `.off`.
    public var difficultySuggestion: DifficultySuggestion
    /// The fixed suggested difficulty (nil for `.auto` / `.off`); setting a value makes it `.fixed`,
    /// setting nil makes it `.auto`.
    public var suggestDifficulty: Double? {
        get { difficultySuggestion.fixedValue }
        set { difficultySuggestion = newValue.map { .fixed($0) } ?? .auto }
    }
    /// Negotiate BIP 310 version rolling with `mining.configure`.
    public var versionRolling: Bool
    /// Follow `client.reconnect` to any host. Without it a redirect is followed to the configured
    /// host on any port, or to another host within the configured host's registrable domain.
    public var allowReconnectToOtherHost: Bool
    /// Stratum V2 only: the channel opened on the pool (`sv2_channel`). Standard (header-only
    /// mining) by default; a pool that refuses standard channels gets an extended one instead.
    public var stratumV2Channel: SV2ChannelKind
    /// Stratum V2 only: seconds by which the pool's certificate window is widened at both ends
    /// (`sv2_certificate_leeway`): real pools set valid_from to their start time, and a client clock
    /// a few seconds behind must still connect.
    public var certificateLeewaySeconds: UInt32

    /// The default `sv2_certificate_leeway`.
    public static let defaultCertificateLeewaySeconds: UInt32 = 30

    public init(url: String, tlsFingerprintSHA256: String? = nil, allowSelfSigned: Bool = false,
                extranonceSubscribe: Bool = false, suggestDifficulty: Double? = nil, versionRolling: Bool = true,
                allowReconnectToOtherHost: Bool = false, difficultySuggestion: DifficultySuggestion? = nil,
                stratumV2Channel: SV2ChannelKind = .standard,
                certificateLeewaySeconds: UInt32 = PoolConfiguration.defaultCertificateLeewaySeconds) {
        self.stratumV2Channel = stratumV2Channel
        self.certificateLeewaySeconds = certificateLeewaySeconds
        self.url = url
        self.tlsFingerprintSHA256 = tlsFingerprintSHA256
        self.allowSelfSigned = allowSelfSigned
        self.extranonceSubscribe = extranonceSubscribe
        self.difficultySuggestion = difficultySuggestion ?? suggestDifficulty.map { .fixed($0) } ?? .auto
        self.versionRolling = versionRolling
        self.allowReconnectToOtherHost = allowReconnectToOtherHost
    }
}
