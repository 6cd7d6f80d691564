import MiningCore

/// BIP340 tagged hash: SHA256(SHA256(tag) ‖ SHA256(tag) ‖ message).
public func taggedHash(_ tag: String, _ message: [UInt8]) -> [UInt8] {
    let tagHash = SHA256.hash(Array(tag.utf8))
    return SHA256.hash(tagHash + tagHash + message)
}

/// BIP340 Schnorr signatures over secp256k1 with 32-byte x-only public keys, written from the
/// BIP's specification (bip-0340.mediawiki, "Default Signing" and "Verification").
public enum Schnorr {
    /// BIP340 verification: true only for a valid 64-byte signature of `message` (any length)
    /// under the 32-byte x-only `publicKey`.
    public static func verify(signature: [UInt8], message: [UInt8], publicKey: [UInt8]) -> Bool {
        guard signature.count == 64,
              let px = FieldElement(bytes: publicKey),          // fails if x ≥ p
              let p = AffinePoint.liftX(px),                    // fails if not on the curve
              let r = FieldElement(bytes: signature[0..<32]),   // fails if r ≥ p
              let sValue = UInt256(bigEndian: signature[32..<64]),
              let s = Scalar(exactly: sValue)                   // fails if s ≥ n
        else { return false }
        let e = challenge(r: r.bytes, publicKey: publicKey, message: message)
        // R = s·G − e·P; fail when R is infinity, has an odd y, or x(R) ≠ r.
        guard let point = JacobianPoint.multiplyGeneratorAndPoint(s.value, (-e).value, p).affine else { return false }
        return !point.y.isOdd && point.x == r
    }

    /// e = int(hash_BIP0340/challenge(bytes(r) ‖ bytes(P) ‖ m)) mod n.
    static func challenge(r: [UInt8], publicKey: [UInt8], message: [UInt8]) -> Scalar {
        Scalar(reducing: UInt256(bigEndian: taggedHash("BIP0340/challenge", r + publicKey + message))!)
    }

    /// The x-only public key bytes(d′·G) of a 32-byte secret key; nil unless 0 < d′ < n.
    public static func publicKey(secretKey: [UInt8]) -> [UInt8]? {
        guard let value = UInt256(bigEndian: secretKey), let d = Scalar(exactly: value), !d.isZero,
              let point = JacobianPoint.multiply(d.value, .generator).affine else { return nil }
        return point.x.bytes
    }

    /// BIP340 default signing with 32 bytes of auxiliary randomness. The scalar multiplications are
    /// not constant time (see `JacobianPoint.multiply`): meant for a test responder, not a wallet.
    /// Returns nil for an invalid secret key, or in the negligible cases the BIP calls failures.
    public static func sign(message: [UInt8], secretKey: [UInt8], auxiliaryRandom: [UInt8]) -> [UInt8]? {
        guard auxiliaryRandom.count == 32, let value = UInt256(bigEndian: secretKey),
              let d0 = Scalar(exactly: value), !d0.isZero,
              let p = JacobianPoint.multiply(d0.value, .generator).affine else { return nil }
        let d = p.y.isOdd ? -d0 : d0
        let publicKey = p.x.bytes
        let auxHash = taggedHash("BIP0340/aux", auxiliaryRandom)
        let t = zip(d.bytes, auxHash).map { $0 ^ $1 }
        let rand = taggedHash("BIP0340/nonce", t + publicKey + message)
        let k0 = Scalar(reducing: UInt256(bigEndian: rand)!)
        guard !k0.isZero, let r = JacobianPoint.multiply(k0.value, .generator).affine else { return nil }
        let k = r.y.isOdd ? -k0 : k0
        let e = challenge(r: r.x.bytes, publicKey: publicKey, message: message)
        let signature = r.x.bytes + (k + e * d).bytes
        return verify(signature: signature, message: message, publicKey: publicKey) ? signature : nil
    }
}
