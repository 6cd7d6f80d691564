import NIOCore
import NIOSSL
import PoolSettings

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

    /// The client configuration: with a pin the chain is checked by `pinnedVerification` instead.
    public var clientConfiguration: TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if pinnedFingerprint != nil {
            tls.certificateVerification = .noHostnameVerification
        } else if allowSelfSigned {
            tls.certificateVerification = .none
        }
        return tls
    }

    /// The verification to install in place of chain checks (`NIOSSLClientHandler`'s custom
    /// callback): the leaf certificate's SHA-256 must be the pinned one. nil without a pin.
    public var pinnedVerification: (@Sendable ([NIOSSLCertificate], EventLoopPromise<NIOSSLVerificationResult>) -> Void)? {
        guard let pinnedFingerprint else { return nil }
        return { certificates, verdict in
            let der = (try? certificates.first?.toDERBytes()) ?? nil
            let matches = der.map { CertificateFingerprint.sha256Hex($0) == pinnedFingerprint } ?? false
            verdict.succeed(matches ? .certificateVerified : .failed)
        }
    }
}
