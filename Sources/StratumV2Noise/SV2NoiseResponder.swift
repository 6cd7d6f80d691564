import Secp256k1

/// The responder (the pool, or a proxy's listener) of Stratum V2's Noise NX handshake (sv2-spec
/// §4.5.1.2, §4.5.2.1): holds the static key and the certificate the authority signed for it, and
/// answers each connection's act 1 with act 2.
public struct SV2NoiseResponder: Sendable {
    /// The static key pair the certificate covers.
    public let staticKey: NoiseKeyPair
    public let certificate: SV2SignatureNoiseMessage

    /// Throws `.invalidKey` for an invalid static secret key. The certificate is not checked here: it
    /// is the initiator's to check.
    public init(staticSecretKey: [UInt8], certificate: SV2SignatureNoiseMessage) throws(SV2NoiseError) {
        var generator = SystemRandomNumberGenerator()
        try self.init(staticSecretKey: staticSecretKey, certificate: certificate, using: &generator)
    }

    /// As above; the static key's ElligatorSwift encoding draws from `generator`.
    public init(staticSecretKey: [UInt8], certificate: SV2SignatureNoiseMessage,
                using generator: inout some RandomNumberGenerator) throws(SV2NoiseError) {
        staticKey = try NoiseKeyPair(secretKey: staticSecretKey, using: &generator)
        self.certificate = certificate
    }

    /// Act 2 for a connection's act 1 (64 bytes), with a fresh ephemeral key from the system's
    /// random number generator, and the transport ciphers (c2 sends, c1 receives).
    public func respond(toAct1 act1: [UInt8]) throws(SV2NoiseError) -> (act2: [UInt8], transport: SV2TransportCipher) {
        var generator = SystemRandomNumberGenerator()
        return try respond(toAct1: act1, using: &generator)
    }

    /// As above, the ephemeral key drawn from `generator`.
    public func respond(toAct1 act1: [UInt8], using generator: inout some RandomNumberGenerator)
        throws(SV2NoiseError) -> (act2: [UInt8], transport: SV2TransportCipher) {
        guard act1.count == SV2HandshakeLayout.act1Length else {
            throw .malformedHandshake("act 1 is \(act1.count) bytes, not \(SV2HandshakeLayout.act1Length)")
        }
        var symmetric = NoiseSymmetricState()
        // §4.5.1.2: re, MixHash(re), DecryptAndHash(empty) — k is empty, so only MixHash.
        symmetric.mixHash(act1)
        _ = try symmetric.decryptAndHash([])
        // §4.5.2.1.
        let ephemeral = NoiseKeyPair.generate(using: &generator)
        var act2 = ephemeral.ellSwiftPublicKey
        symmetric.mixHash(ephemeral.ellSwiftPublicKey)
        symmetric.mixKey(try Self.ecdh(ours: ephemeral, theirs: act1))
        act2 += symmetric.encryptAndHash(staticKey.ellSwiftPublicKey)
        symmetric.mixKey(try Self.ecdh(ours: staticKey, theirs: act1))
        act2 += symmetric.encryptAndHash(certificate.encoded())
        let (c1, c2) = symmetric.split()
        return (act2, SV2TransportCipher(sending: c2, receiving: c1))
    }

    /// ECDH(k, rk) of §4.4.2 for the responder: v2_ecdh with the initiator flag clear.
    private static func ecdh(ours: NoiseKeyPair, theirs: [UInt8]) throws(SV2NoiseError) -> [UInt8] {
        guard let secret = ElligatorSwift.sharedSecret(ours: ours.ellSwiftPublicKey, theirs: theirs,
                                                       secretKey: ours.secretKey, initiating: false) else {
            throw .malformedHandshake("the client's ephemeral key is not a valid ElligatorSwift encoding")
        }
        return secret
    }
}
