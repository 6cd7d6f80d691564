/// The user inbound event `SV2NoiseHandler` fires once the handshake is done, before any frame: the
/// server's certified static key and certificate (for the initiator: checked; for the responder: its
/// own), and how long the handshake took on this side.
public struct SV2HandshakeCompleted: Hashable, Sendable {
    /// The server's static key, 32-byte x-only.
    public let serverStaticKeyXOnly: [UInt8]
    public let certificate: SV2SignatureNoiseMessage
    /// Initiator: from sending act 1 to act 2 checked. Responder: from the first byte of act 1 to act 2
    /// written.
    public let duration: Duration

    public init(serverStaticKeyXOnly: [UInt8], certificate: SV2SignatureNoiseMessage, duration: Duration) {
        self.serverStaticKeyXOnly = serverStaticKeyXOnly
        self.certificate = certificate
        self.duration = duration
    }
}
