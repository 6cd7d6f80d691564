import Crypto
import MiningCore

/// A Noise SymmetricState (sv2-spec §4.4.2): the handshake hash `h`, the chaining key `ck` and the
/// CipherState that MixKey keys. Both handshake roles run the same operations on it, so both end with
/// the same `h`, `ck` and keys.
public struct NoiseSymmetricState: Sendable {
    /// The handshake hash: SHA-256 over everything sent and received so far.
    public private(set) var h: [UInt8]
    /// The chaining key: accumulates the ECDH results.
    public private(set) var ck: [UInt8]
    /// The cipher state the handshake encrypts with (empty until the first MixKey).
    public private(set) var cipher: NoiseCipherState

    /// The state both sides start from (§4.5.1): h = HASH(protocolName) (the name is over 32 bytes;
    /// a name of 32 bytes or fewer would be zero-padded instead, as in Noise §5.2), ck = h,
    /// h = HASH(h), k empty.
    public init(protocolName: String = NoiseProtocolName.stratumV2) {
        let name = Array(protocolName.utf8)
        let initial = name.count <= 32 ? name + [UInt8](repeating: 0, count: 32 - name.count) : MiningCore.SHA256.hash(name)
        ck = initial
        h = MiningCore.SHA256.hash(initial)
        cipher = NoiseCipherState()
    }

    /// HKDF(chaining_key, input_key_material) with an empty info and two 32-byte outputs (§4.4.2):
    /// RFC 5869 with salt = chaining key, which is exactly HMAC(ck, ikm) → T1, T2.
    public static func hkdf(chainingKey: [UInt8], inputKeyMaterial: [UInt8]) -> (output1: [UInt8], output2: [UInt8]) {
        let key = HKDF<Crypto.SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: inputKeyMaterial), salt: chainingKey, info: [UInt8](),
            outputByteCount: 64)
        let bytes = key.withUnsafeBytes { Array($0) }
        return (Array(bytes[0..<32]), Array(bytes[32..<64]))
    }

    /// HMAC-HASH(key, data) of §4.4.2 (RFC 2104 HMAC-SHA256): what `hkdf` is built from, kept for
    /// checking it against the spec's definition.
    static func hmacHash(key: [UInt8], data: [UInt8]) -> [UInt8] {
        Array(HMAC<Crypto.SHA256>.authenticationCode(for: data, using: SymmetricKey(data: key)))
    }

    /// `MixHash(data)`: h = HASH(h ‖ data).
    public mutating func mixHash(_ data: [UInt8]) {
        h = MiningCore.SHA256.hash(h + data)
    }

    /// `MixKey(ikm)`: (ck, temp_k) = HKDF(ck, ikm); the cipher is keyed with temp_k and n = 0.
    public mutating func mixKey(_ inputKeyMaterial: [UInt8]) {
        let (newChainingKey, tempKey) = Self.hkdf(chainingKey: ck, inputKeyMaterial: inputKeyMaterial)
        ck = newChainingKey
        cipher = NoiseCipherState(key: tempKey)
    }

    /// `EncryptAndHash(plaintext)`: encrypts with h as associated data (passes through with no key),
    /// then mixes the ciphertext into h.
    public mutating func encryptAndHash(_ plaintext: [UInt8]) -> [UInt8] {
        let ciphertext = cipher.encryptWithAd(h, plaintext)
        mixHash(ciphertext)
        return ciphertext
    }

    /// `DecryptAndHash(ciphertext)`: decrypts with h as associated data, then mixes the ciphertext
    /// into h. Throws `.decryptionFailed` when the MAC does not check.
    public mutating func decryptAndHash(_ ciphertext: [UInt8]) throws(SV2NoiseError) -> [UInt8] {
        let plaintext = try cipher.decryptWithAd(h, ciphertext)
        mixHash(ciphertext)
        return plaintext
    }

    /// `Split()` (§4.5.2.1 step 9): temp_k1, temp_k2 = HKDF(ck, zerolen) → (c1, c2); c1 encrypts from
    /// initiator to responder, c2 from responder to initiator.
    public func split() -> (initiatorToResponder: NoiseCipherState, responderToInitiator: NoiseCipherState) {
        let (k1, k2) = Self.hkdf(chainingKey: ck, inputKeyMaterial: [])
        return (NoiseCipherState(key: k1), NoiseCipherState(key: k2))
    }
}
