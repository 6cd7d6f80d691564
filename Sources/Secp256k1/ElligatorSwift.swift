import MiningCore

/// BIP324 ElligatorSwift: 64-byte encodings (u ‖ t) of curve x coordinates that look uniformly
/// random, and the x-only ECDH over them that Stratum V2's Noise handshake uses. Written from the
/// BIP's specification (bip-0324.mediawiki, "ElligatorSwift encoding of curve X coordinates" and
/// "Shared secret computation"). Variable time: it only handles public encodings, except the
/// scalar multiplication in `ecdhXOnly` (see `JacobianPoint.multiply`).
public enum ElligatorSwift {
    /// c = √−3 mod p, the root that is itself a square (BIP324's constant).
    static let c = FieldElement(exactly: UInt256(hex: "0a2d2ba93507f1df233770c2a797962cc61f6d15da14ecd47d8d27ae1cd5f852")!)!
    static let half = FieldElement(2).inverse
    static let seven = FieldElement(7)

    static func isValidX(_ x: FieldElement) -> Bool { AffinePoint.liftX(x) != nil }

    /// XSwiftEC(u, t): the x coordinate on the curve that (u, t) encodes. Never fails.
    public static func xSwiftEC(u u0: FieldElement, t t0: FieldElement) -> FieldElement {
        let u = u0.isZero ? FieldElement.one : u0
        var t = t0.isZero ? FieldElement.one : t0
        let u3Plus7 = u.squared * u + seven
        if (u3Plus7 + t.squared).isZero { t = t + t }
        let bigX = (u3Plus7 - t.squared) / (t + t)
        let bigY = (bigX + t) / (c * u)
        let x1 = u + FieldElement(4) * bigY.squared
        if isValidX(x1) { return x1 }
        let xOverY = bigX / bigY
        let x2 = (-xOverY - u) * half
        if isValidX(x2) { return x2 }
        return (xOverY - u) * half    // the BIP guarantees one of the three lies on the curve
    }

    /// The x coordinate a 64-byte encoding stands for: u and t are each taken mod p.
    public static func decode(_ encoding: [UInt8]) -> FieldElement? {
        guard encoding.count == 64, let u = UInt256(bigEndian: encoding[0..<32]),
              let t = UInt256(bigEndian: encoding[32..<64]) else { return nil }
        return xSwiftEC(u: FieldElement(reducing: u), t: FieldElement(reducing: t))
    }

    /// XSwiftECInv(x, u, case): a t with XSwiftEC(u, t) = x, or nil; `case` (0...7) picks among
    /// the up to eight solutions.
    public static func xSwiftECInverse(x: FieldElement, u: FieldElement, case branch: Int) -> FieldElement? {
        let u3Plus7 = u.squared * u + seven
        let v: FieldElement, s: FieldElement
        if branch & 2 == 0 {
            if isValidX(-x - u) { return nil }
            v = x
            s = -u3Plus7 / (u.squared + u * v + v.squared)
        } else {
            s = x - u
            if s.isZero { return nil }
            guard let r = (-s * (FieldElement(4) * u3Plus7 + FieldElement(3) * u.squared * s)).squareRoot else { return nil }
            if branch & 1 == 1 && r.isZero { return nil }
            v = (r / s - u) * half
        }
        guard let w = s.squareRoot else { return nil }
        switch branch & 5 {
        case 0: return -w * (u * (.one - c) * half + v)
        case 1: return w * (u * (.one + c) * half + v)
        case 4: return w * (u * (.one - c) * half + v)
        default: return -w * (u * (.one + c) * half + v)
        }
    }

    /// XElligatorSwift(x): a uniformly chosen 64-byte encoding u ‖ t of x, drawing a nonzero u and a
    /// case until XSwiftECInv succeeds (about a quarter of the draws do). `x` must be on the curve.
    public static func encode(x: FieldElement, using generator: inout some RandomNumberGenerator) -> [UInt8] {
        precondition(isValidX(x), "ElligatorSwift encodes only x coordinates on the curve")
        while true {
            let u = FieldElement(reducing: UInt256(generator.next(), generator.next(), generator.next(), generator.next()))
            if u.isZero { continue }
            if let t = xSwiftECInverse(x: x, u: u, case: Int(generator.next() & 7)) { return u.bytes + t.bytes }
        }
    }

    /// ellswift_create for a given secret key: the 64-byte encoding of x(d·G); nil unless 0 < d < n.
    /// The scalar multiplication is not constant time (see `JacobianPoint.multiply`).
    public static func publicKey(secretKey: [UInt8], using generator: inout some RandomNumberGenerator) -> [UInt8]? {
        guard let x = Schnorr.publicKey(secretKey: secretKey) else { return nil }
        return encode(x: FieldElement(bytes: x)!, using: &generator)
    }

    /// ellswift_ecdh_xonly: bytes(x(d·lift_x(XSwiftEC(u, t)))) for their 64-byte encoding and our
    /// 32-byte secret key (0 < d < n); nil for a malformed key or encoding.
    public static func ecdhXOnly(theirs: [UInt8], secretKey: [UInt8]) -> [UInt8]? {
        guard let x = decode(theirs), let point = AffinePoint.liftX(x),
              let value = UInt256(bigEndian: secretKey), let d = Scalar(exactly: value), !d.isZero,
              let shared = JacobianPoint.multiply(d.value, point).affine else { return nil }
        return shared.x.bytes
    }

    /// BIP324 v2_ecdh: tagged hash "bip324_ellswift_xonly_ecdh" over the initiator's encoding, the
    /// responder's encoding and the x-only ECDH result.
    public static func sharedSecret(ours: [UInt8], theirs: [UInt8], secretKey: [UInt8], initiating: Bool) -> [UInt8]? {
        guard ours.count == 64, let x = ecdhXOnly(theirs: theirs, secretKey: secretKey) else { return nil }
        return taggedHash("bip324_ellswift_xonly_ecdh", initiating ? ours + theirs + x : theirs + ours + x)
    }
}
