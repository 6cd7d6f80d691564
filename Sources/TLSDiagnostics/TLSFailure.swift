import NIOSSL

/// A failed TLS connection as a user reads it: BoringSSL's reason codes (for example
/// `CERTIFICATE_VERIFY_FAILED`), never the source locations NIOSSL appends to each of them (paths
/// on the machine that built the miner).
public struct TLSFailure: Sendable, Hashable, CustomStringConvertible {
    /// BoringSSL's reason codes, in order (empty when the error carries none).
    public let reasons: [String]
    /// The error's text without source locations, for errors that carry no reason code.
    public let text: String

    /// nil when `error` is not a TLS error.
    public init?(_ error: any Error) {
        guard error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError else { return nil }
        self.init(text: "\(error)")
    }

    /// From an error's text, as NIOSSL writes it.
    public init(text: String) {
        reasons = text.matches(of: Self.reasonCode).map { String($0.output.1) }
        self.text = text.replacing(Self.sourceLocation, with: "")
    }

    /// The peer's certificate was not accepted: not signed by a known authority, not for this
    /// host, expired, or not the pinned one.
    public var isCertificateRejected: Bool { reasons.contains("CERTIFICATE_VERIFY_FAILED") }

    public var description: String { reasons.isEmpty ? text : reasons.joined(separator: ", ") }

    /// `error:1000007d:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED`: the last field.
    nonisolated(unsafe) private static let reasonCode = /error:[0-9A-Fa-f]+:[^:\]]*:[^:\]]*:([A-Za-z0-9_]+)/
    /// ` at /path/to/.build/checkouts/swift-nio-ssl/…/handshake.cc:320`, after each error.
    nonisolated(unsafe) private static let sourceLocation = /\ at [^\s\]\),]+:[0-9]+/
}
