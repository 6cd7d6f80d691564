import Crypto

/// A Noise CipherState (sv2-spec §4.4.1): a 32-byte ChaCha20-Poly1305 key `k` (or none) and the
/// 64-bit message counter `n` that is its nonce.
///
/// With no key, both operations pass the bytes through unchanged (the handshake's first act relies on
/// this). With a key, each successful operation uses `n` and then increments it; a failed decryption
/// leaves `n` as it was and throws (§4.4.1 "DecryptWithAd").
public struct NoiseCipherState: Sendable {
    /// The 32-byte key, nil while empty.
    public private(set) var key: [UInt8]?
    /// The counter the next operation uses as its nonce.
    public private(set) var nonce: UInt64

    /// An empty cipher state (no key), which passes bytes through.
    public init() {
        key = nil
        nonce = 0
    }

    /// `InitializeKey(key)`: the given 32-byte key with n = 0.
    public init(key: [UInt8]) {
        precondition(key.count == 32, "a Noise ChaChaPoly key is 32 bytes")
        self.key = key
        nonce = 0
    }

    /// Whether a key is set (Noise's "k is non-empty").
    public var hasKey: Bool { key != nil }

    /// The 12-byte ChaCha20-Poly1305 nonce for counter `n`: 32 zero bits, then `n` as a little-endian
    /// 64-bit value (§4.4.1; the Noise convention, unlike Stratum V2's other integers).
    public static func nonceBytes(_ n: UInt64) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 12)
        for i in 0..<8 { bytes[4 + i] = UInt8(truncatingIfNeeded: n >> (8 * UInt64(i))) }
        return bytes
    }

    /// `EncryptWithAd(ad, plaintext)`: ciphertext followed by the 16-byte MAC, or the plaintext itself
    /// when there is no key.
    public mutating func encryptWithAd(_ ad: [UInt8], _ plaintext: [UInt8]) -> [UInt8] {
        guard let key else { return plaintext }
        // Noise reserves n = 2^64 - 1; no session here comes near 2^64 messages.
        precondition(nonce < UInt64.max, "Noise nonce exhausted")
        let symmetricKey = SymmetricKey(data: key)
        // A 32-byte key and a 12-byte nonce are all ChaChaPoly can reject; both are fixed here.
        guard let nonceValue = try? ChaChaPoly.Nonce(data: Self.nonceBytes(nonce)),
              let box = try? ChaChaPoly.seal(plaintext, using: symmetricKey, nonce: nonceValue, authenticating: ad)
        else { preconditionFailure("ChaChaPoly rejected a 32-byte key or a 12-byte nonce") }
        nonce += 1
        return Array(box.ciphertext) + Array(box.tag)
    }

    /// `DecryptWithAd(ad, ciphertext)`: the plaintext of ciphertext ‖ MAC, or the bytes themselves
    /// when there is no key. Throws `.decryptionFailed` (and keeps `n`) when the MAC does not check or
    /// the input is shorter than a MAC.
    public mutating func decryptWithAd(_ ad: [UInt8], _ ciphertext: [UInt8]) throws(SV2NoiseError) -> [UInt8] {
        guard let key else { return ciphertext }
        let macLength = 16
        guard ciphertext.count >= macLength, nonce < UInt64.max else { throw .decryptionFailed }
        do {
            let box = try ChaChaPoly.SealedBox(
                nonce: ChaChaPoly.Nonce(data: Self.nonceBytes(nonce)),
                ciphertext: ciphertext[..<(ciphertext.count - macLength)],
                tag: ciphertext[(ciphertext.count - macLength)...])
            let plaintext = try ChaChaPoly.open(box, using: SymmetricKey(data: key), authenticating: ad)
            nonce += 1
            return Array(plaintext)
        } catch {
            throw .decryptionFailed
        }
    }
}
