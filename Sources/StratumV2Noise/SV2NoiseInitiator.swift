import Secp256k1

/// The initiator (the miner, or a proxy connecting upstream) of Stratum V2's Noise NX handshake
/// (sv2-spec §4.5.1.1, §4.5.2.2, §4.5.3). Making one draws the ephemeral key and act 1;
/// `receiveAct2` finishes the handshake.
public struct SV2NoiseInitiator: Sendable {
    private var symmetric = NoiseSymmetricState()
    private let ephemeral: NoiseKeyPair
    private var finished = false
    /// Act 1: the 64-byte ElligatorSwift ephemeral key, to send first.
    public let act1: [UInt8]

    /// An initiator with a fresh ephemeral key from the system's random number generator.
    public init() {
        var generator = SystemRandomNumberGenerator()
        self.init(using: &generator)
    }

    /// An initiator whose ephemeral key (and its encoding) come from `generator` (a seeded one in tests).
    public init(using generator: inout some RandomNumberGenerator) {
        self.init(ephemeral: NoiseKeyPair.generate(using: &generator))
    }

    /// An initiator with a given ephemeral key pair.
    public init(ephemeral: NoiseKeyPair) {
        self.ephemeral = ephemeral
        // §4.5.1.1: send e; MixHash(e.public_key); EncryptAndHash(empty) — k is empty, so only MixHash.
        symmetric.mixHash(ephemeral.ellSwiftPublicKey)
        act1 = ephemeral.ellSwiftPublicKey + symmetric.encryptAndHash([])
    }

    /// Act 2 (exactly 234 bytes): decrypts the server's static key and certificate, checks the
    /// certificate against the authority's x-only key at `now` ± `leeway` seconds, and splits the
    /// transport ciphers. Throws `.malformedHandshake` (wrong length, second call),
    /// `.decryptionFailed` (a MAC) or `.certificate` (signature or validity period).
    public mutating func receiveAct2(_ bytes: [UInt8], authorityKeyXOnly: [UInt8], now: UInt32,
                                     leeway: UInt32) throws(SV2NoiseError) -> SV2HandshakeResult {
        guard !finished else { throw .malformedHandshake("act 2 was already received") }
        finished = true
        guard bytes.count == SV2HandshakeLayout.act2Length else {
            throw .malformedHandshake("act 2 is \(bytes.count) bytes, not \(SV2HandshakeLayout.act2Length)")
        }
        let remoteEphemeral = Array(bytes[0..<64])
        let staticEnd = 64 + SV2HandshakeLayout.encryptedStaticKeyLength
        // §4.5.2.2 steps 2–4: re, MixHash(re), MixKey(ECDH(e, re)).
        symmetric.mixHash(remoteEphemeral)
        symmetric.mixKey(try ecdh(theirs: remoteEphemeral))
        // Step 5: the server's static key, 64 + 16 bytes.
        let serverStaticKey = try symmetric.decryptAndHash(Array(bytes[64..<staticEnd]))
        // Step 6: MixKey(ECDH(e, rs)).
        symmetric.mixKey(try ecdh(theirs: serverStaticKey))
        // Step 7: the certificate, 74 + 16 bytes.
        let certificate = try SV2SignatureNoiseMessage(decoding: symmetric.decryptAndHash(Array(bytes[staticEnd...])))
        guard let serverX = ElligatorSwift.decode(serverStaticKey)?.bytes else {
            throw .malformedHandshake("the server's static key is not a valid ElligatorSwift encoding")
        }
        // §4.5.3: the certificate must be the authority's signature over this static key.
        let check = certificate.verify(serverStaticKeyXOnly: serverX, authorityKeyXOnly: authorityKeyXOnly,
                                       now: now, leeway: leeway)
        guard check == .valid else { throw .certificate(check) }
        let (c1, c2) = symmetric.split()
        return SV2HandshakeResult(transport: SV2TransportCipher(sending: c1, receiving: c2),
                                  serverStaticKey: serverStaticKey, serverStaticKeyXOnly: serverX,
                                  certificate: certificate)
    }

    /// ECDH(e, rk) of §4.4.2: BIP324's v2_ecdh with the initiator flag set.
    private func ecdh(theirs: [UInt8]) throws(SV2NoiseError) -> [UInt8] {
        guard let secret = ElligatorSwift.sharedSecret(ours: ephemeral.ellSwiftPublicKey, theirs: theirs,
                                                       secretKey: ephemeral.secretKey, initiating: true) else {
            throw .malformedHandshake("the server's key is not a valid ElligatorSwift encoding")
        }
        return secret
    }
}
