/// What the initiator knows once act 2 is decrypted and the certificate checked.
public struct SV2HandshakeResult: Sendable {
    /// The transport ciphers: c1 sends (initiator → responder), c2 receives.
    public var transport: SV2TransportCipher
    /// The server's static key as sent: the 64-byte ElligatorSwift encoding.
    public let serverStaticKey: [UInt8]
    /// The server's static key as certified: its 32-byte x coordinate.
    public let serverStaticKeyXOnly: [UInt8]
    /// The pool's certificate, already checked.
    public let certificate: SV2SignatureNoiseMessage
}
