/// Sizes of the two handshake messages with EllSwift keys (sv2-spec §4.5.1, §4.5.2). The spec's table
/// still says 170 bytes for act 2, from when keys were 32 bytes; with 64-byte EllSwift keys it is
/// 64 + (64 + 16) + (74 + 16) = 234.
public enum SV2HandshakeLayout {
    /// Act 1 (`-> e`): the initiator's ephemeral key, 64 bytes.
    public static let act1Length = 64
    /// Act 2 (`<- e, ee, s, es, SIGNATURE_NOISE_MESSAGE`): responder ephemeral key (64), encrypted
    /// static key with MAC (80), encrypted certificate with MAC (90).
    public static let act2Length = 64 + encryptedStaticKeyLength + encryptedCertificateLength
    static let encryptedStaticKeyLength = 64 + 16
    static let encryptedCertificateLength = SV2SignatureNoiseMessage.encodedLength + 16
}
