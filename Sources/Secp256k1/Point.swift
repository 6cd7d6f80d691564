import MiningCore

/// A point of secp256k1, y² = x³ + 7 over `FieldElement`, in affine coordinates (never infinity).
public struct AffinePoint: Equatable, Sendable {
    public var x: FieldElement
    public var y: FieldElement

    public init(x: FieldElement, y: FieldElement) { self.x = x; self.y = y }

    /// The generator G (SEC 2 §2.4.1).
    public static let generator = AffinePoint(
        x: FieldElement(unchecked: UInt256(hex: "79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798")!),
        y: FieldElement(unchecked: UInt256(hex: "483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8")!))

    static let seven = FieldElement(7)

    public var isOnCurve: Bool { y.squared == x.squared * x + Self.seven }

    /// BIP340 `lift_x`: the point with this x and an even y, or nil when x³ + 7 is not a square.
    /// (x ≥ p cannot occur: a `FieldElement` is reduced; callers parsing bytes reject it first.)
    public static func liftX(_ x: FieldElement) -> AffinePoint? {
        guard let root = (x.squared * x + seven).squareRoot else { return nil }
        return AffinePoint(x: x, y: root.isOdd ? -root : root)
    }

    public var negated: AffinePoint { AffinePoint(x: x, y: -y) }
}

/// A point in Jacobian coordinates (X, Y, Z) standing for (X/Z², Y/Z³); Z = 0 is infinity.
public struct JacobianPoint: Sendable {
    public var x: FieldElement
    public var y: FieldElement
    public var z: FieldElement

    public static let infinity = JacobianPoint(x: .one, y: .one, z: .zero)

    public init(x: FieldElement, y: FieldElement, z: FieldElement) { self.x = x; self.y = y; self.z = z }
    public init(_ point: AffinePoint) { self.init(x: point.x, y: point.y, z: .one) }

    public var isInfinity: Bool { z.isZero }

    /// The affine point (one inversion); nil for infinity.
    public var affine: AffinePoint? {
        if isInfinity { return nil }
        let zInverse = z.inverse
        let zInverse2 = zInverse.squared
        return AffinePoint(x: x * zInverse2, y: y * zInverse2 * zInverse)
    }

    /// 2·P for a = 0: S = 4XY², M = 3X², X' = M² − 2S, Y' = M(S − X') − 8Y⁴, Z' = 2YZ.
    public var doubled: JacobianPoint {
        if isInfinity || y.isZero { return .infinity }
        let y2 = y.squared
        let s = FieldElement(4) * x * y2
        let m = FieldElement(3) * x.squared
        let x3 = m.squared - s - s
        let y3 = m * (s - x3) - FieldElement(8) * y2.squared
        return JacobianPoint(x: x3, y: y3, z: (y + y) * z)
    }

    /// P + Q, Q affine (Z₂ = 1): H = x₂Z₁² − X₁, R = y₂Z₁³ − Y₁; equal x coordinates mean
    /// doubling (same point) or infinity (opposite points).
    public func adding(_ q: AffinePoint) -> JacobianPoint {
        if isInfinity { return JacobianPoint(q) }
        let z1z1 = z.squared
        let h = q.x * z1z1 - x
        let r = q.y * z1z1 * z - y
        if h.isZero { return r.isZero ? doubled : .infinity }
        return Self.combine(u1: x, s1: y, h: h, r: r, z: z * h)
    }

    /// P + Q, both Jacobian: U₁ = X₁Z₂², U₂ = X₂Z₁², S₁ = Y₁Z₂³, S₂ = Y₂Z₁³, H = U₂ − U₁, R = S₂ − S₁.
    public func adding(_ q: JacobianPoint) -> JacobianPoint {
        if isInfinity { return q }
        if q.isInfinity { return self }
        let z1z1 = z.squared, z2z2 = q.z.squared
        let u1 = x * z2z2, u2 = q.x * z1z1
        let s1 = y * z2z2 * q.z, s2 = q.y * z1z1 * z
        let h = u2 - u1, r = s2 - s1
        if h.isZero { return r.isZero ? doubled : .infinity }
        return Self.combine(u1: u1, s1: s1, h: h, r: r, z: z * q.z * h)
    }

    /// X₃ = R² − H³ − 2U₁H², Y₃ = R(U₁H² − X₃) − S₁H³, with Z₃ given.
    static func combine(u1: FieldElement, s1: FieldElement, h: FieldElement, r: FieldElement, z: FieldElement) -> JacobianPoint {
        let hh = h.squared
        let hhh = hh * h
        let v = u1 * hh
        let x3 = r.squared - hhh - v - v
        return JacobianPoint(x: x3, y: r * (v - x3) - s1 * hhh, z: z)
    }

    /// k·P by double-and-add from the top bit. NOT constant time: its running time depends on the
    /// bits of k. Fine for verification and for public scalars; for a secret key (an ephemeral
    /// Noise key, a signing key) it leaks timing, acceptable only while the key lives for one
    /// handshake and the machine is not shared with an attacker measuring it.
    public static func multiply(_ k: UInt256, _ p: AffinePoint) -> JacobianPoint {
        var result = JacobianPoint.infinity
        for index in stride(from: 255, through: 0, by: -1) {
            result = result.doubled
            if k.bit(index) { result = result.adding(p) }
        }
        return result
    }

    /// a·G + b·P with one shared chain of doublings (Shamir's trick), as BIP340 verification needs.
    public static func multiplyGeneratorAndPoint(_ a: UInt256, _ b: UInt256, _ p: AffinePoint) -> JacobianPoint {
        let g = AffinePoint.generator
        let sum = JacobianPoint(g).adding(p)
        var result = JacobianPoint.infinity
        for index in stride(from: 255, through: 0, by: -1) {
            result = result.doubled
            switch (a.bit(index), b.bit(index)) {
            case (true, true): result = result.adding(sum)
            case (true, false): result = result.adding(g)
            case (false, true): result = result.adding(p)
            case (false, false): break
            }
        }
        return result
    }
}
