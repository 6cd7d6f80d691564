import NIOSSL

/// Which server certificates a TLS client accepts — one rule for pools (`stratum+ssl://`) and
/// solo nodes (`https://`):
/// - by default the system's certificate authorities, for the host name in the URL;
/// - `tls_fingerprint_sha256`: exactly that leaf certificate (its DER's SHA-256), whoever signed it;
/// - `allow_self_signed`: any certificate (a host one runs oneself; the link is encrypted, not
///   authenticated — a pin is the better choice).
public struct TLSTrust: Sendable, Hashable {
    /// The pinned fingerprint, normalised (`CertificateFingerprint.normalized`); nil: no pin.
    public let pinnedFingerprint: String?
    public let allowSelfSigned: Bool

    /// nil when `fingerprint` is given but is not 64 hex digits (the caller refuses to connect).
    public init?(fingerprint: String?, allowSelfSigned: Bool) {
        if let fingerprint {
            guard let normalized = CertificateFingerprint.normalized(fingerprint) else { return nil }
            pinnedFingerprint = normalized
        } else {
            pinnedFingerprint = nil
        }
        self.allowSelfSigned = allowSelfSigned
    }

    /// The client configuration: with a pin the chain is checked by `accepts(leafDER:)` instead.
    public var clientConfiguration: TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if pinnedFingerprint != nil {
            tls.certificateVerification = .noHostnameVerification
        } else if allowSelfSigned {
            tls.certificateVerification = .none
        }
        return tls
    }

    /// Whether a pinned connection may go on with this leaf certificate (true when nothing is pinned).
    public func accepts(leafDER: [UInt8]) -> Bool {
        guard let pinnedFingerprint else { return true }
        return CertificateFingerprint.sha256Hex(leafDER) == pinnedFingerprint
    }

    /// `accepts(leafDER:)` as a check to install in place of chain verification; nil without a pin.
    public var pinnedLeafCheck: (@Sendable (_ leafDER: [UInt8]) -> Bool)? {
        guard pinnedFingerprint != nil else { return nil }
        let trust = self
        return { trust.accepts(leafDER: $0) }
    }
}
