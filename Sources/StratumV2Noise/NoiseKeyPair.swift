import Secp256k1

/// A secp256k1 key pair as the handshake uses it (sv2-spec §4.3.1 "Key generation algorithm"): the
/// 32-byte secret key and the 64-byte ElligatorSwift encoding of its public key's x coordinate.
public struct NoiseKeyPair: Sendable {
    public let secretKey: [UInt8]
    /// The 64-byte ElligatorSwift encoding u ‖ t (BIP324), as sent in the handshake.
    public let ellSwiftPublicKey: [UInt8]
    /// The 32-byte x-only public key (BIP340), as signed in the certificate.
    public let xOnlyPublicKey: [UInt8]

    /// The pair for a given secret key; the encoding's randomness comes from `generator`. Throws
    /// `.invalidKey` unless 0 < secret key < n.
    public init(secretKey: [UInt8], using generator: inout some RandomNumberGenerator) throws(SV2NoiseError) {
        guard secretKey.count == 32, let xOnly = Schnorr.publicKey(secretKey: secretKey),
              let ellSwift = ElligatorSwift.publicKey(secretKey: secretKey, using: &generator) else {
            throw .invalidKey
        }
        self.secretKey = secretKey
        ellSwiftPublicKey = ellSwift
        xOnlyPublicKey = xOnly
    }

    /// A fresh pair: 32 random bytes, drawn again in the (negligible) case they are not a valid key.
    public static func generate(using generator: inout some RandomNumberGenerator) -> NoiseKeyPair {
        while true {
            var secret = [UInt8](repeating: 0, count: 32)
            for i in stride(from: 0, to: 32, by: 8) {
                let word = generator.next()
                for j in 0..<8 { secret[i + j] = UInt8(truncatingIfNeeded: word >> (8 * UInt64(j))) }
            }
            if let pair = try? NoiseKeyPair(secretKey: secret, using: &generator) { return pair }
        }
    }
}
