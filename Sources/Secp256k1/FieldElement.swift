import MiningCore

/// An integer mod p = 2^256 − 2^32 − 977, the field of secp256k1 (SEC 2 §2.4.1), always fully
/// reduced (0 ≤ value < p). Arithmetic is variable time: fine for verification and for the public
/// data of ElligatorSwift; see `Point.multiply` for what that means for secret scalars.
public struct FieldElement: Equatable, Hashable, Sendable {
    public private(set) var value: UInt256

    /// p = 2^256 − 2^32 − 977.
    public static let prime = UInt256(0xFFFF_FFFE_FFFF_FC2F, .max, .max, .max)
    /// 2^256 mod p = 2^32 + 977: what a carry out of bit 255 is worth.
    static let foldConstant: UInt64 = 0x1_0000_03D1

    public static let zero = FieldElement(unchecked: .zero)
    public static let one = FieldElement(unchecked: UInt256(1, 0, 0, 0))

    init(unchecked value: UInt256) { self.value = value }

    /// The element of an integer below p; nil when the integer is p or more.
    public init?(exactly value: UInt256) {
        guard value < Self.prime else { return nil }
        self.value = value
    }

    /// The element of any 256-bit integer, reduced mod p (BIP324: `int(bytes) mod p`).
    public init(reducing value: UInt256) {
        self.value = value < Self.prime ? value : value.subtractingReportingBorrow(Self.prime).difference
    }

    public init(_ small: UInt64) { self.value = UInt256(small, 0, 0, 0) }

    /// 32 big-endian bytes below p; nil for anything else (BIP340 rejects x ≥ p rather than reducing it).
    public init?(bytes: some Collection<UInt8>) {
        guard let value = UInt256(bigEndian: bytes) else { return nil }
        self.init(exactly: value)
    }

    public var bytes: [UInt8] { value.bigEndianBytes }
    public var isZero: Bool { value.isZero }
    public var isOdd: Bool { value.l0 & 1 == 1 }

    public static func + (a: FieldElement, b: FieldElement) -> FieldElement {
        let (sum, carry) = a.value.addingReportingCarry(b.value)
        // a + b < 2p: one subtraction of p (mod 2^256 when it carried) brings it below p.
        if carry || !(sum < prime) { return FieldElement(unchecked: sum.subtractingReportingBorrow(prime).difference) }
        return FieldElement(unchecked: sum)
    }

    public static func - (a: FieldElement, b: FieldElement) -> FieldElement {
        let (difference, borrow) = a.value.subtractingReportingBorrow(b.value)
        if borrow { return FieldElement(unchecked: difference.addingReportingCarry(prime).sum) }
        return FieldElement(unchecked: difference)
    }

    public static prefix func - (a: FieldElement) -> FieldElement { zero - a }

    public static func * (a: FieldElement, b: FieldElement) -> FieldElement {
        let x = [a.value.l0, a.value.l1, a.value.l2, a.value.l3]
        let y = [b.value.l0, b.value.l1, b.value.l2, b.value.l3]
        var product = [UInt64](repeating: 0, count: 8)
        // Schoolbook: each step is at most (2^64−1)^2 + 2(2^64−1) < 2^128, so nothing is lost.
        for i in 0..<4 {
            var carry: UInt64 = 0
            for j in 0..<4 {
                let (high, low) = x[i].multipliedFullWidth(by: y[j])
                let (s1, o1) = low.addingReportingOverflow(product[i + j])
                let (s2, o2) = s1.addingReportingOverflow(carry)
                product[i + j] = s2
                carry = high &+ (o1 ? 1 : 0) &+ (o2 ? 1 : 0)
            }
            product[i + 4] = carry
        }
        return reduce(product)
    }

    /// A 512-bit product (8 little-endian limbs) mod p, folding the high half with 2^256 ≡ 2^32 + 977.
    static func reduce(_ r: [UInt64]) -> FieldElement {
        var t = [r[0], r[1], r[2], r[3]]
        var carry: UInt64 = 0
        for i in 0..<4 {    // t = low + high·(2^32 + 977): under 2^290, the excess in `carry`
            let (high, low) = r[4 + i].multipliedFullWidth(by: foldConstant)
            let (s1, o1) = t[i].addingReportingOverflow(low)
            let (s2, o2) = s1.addingReportingOverflow(carry)
            t[i] = s2
            carry = high &+ (o1 ? 1 : 0) &+ (o2 ? 1 : 0)
        }
        let (high, low) = carry.multipliedFullWidth(by: foldConstant)    // fold the excess (< 2^34) once more
        let (sum, overflow) = UInt256(t[0], t[1], t[2], t[3]).addingReportingCarry(UInt256(low, high, 0, 0))
        // What is left above 2^256 after a carry is small: adding 2^32 + 977 for it cannot carry again.
        return FieldElement(reducing: overflow ? sum.addingReportingCarry(UInt256(foldConstant, 0, 0, 0)).sum : sum)
    }

    public var squared: FieldElement { self * self }

    /// self^exponent by square-and-multiply from the top bit.
    public func power(_ exponent: UInt256) -> FieldElement {
        var result = FieldElement.one
        for index in stride(from: 255, through: 0, by: -1) {
            result = result.squared
            if exponent.bit(index) { result = result * self }
        }
        return result
    }

    /// 1/self = self^(p−2) (Fermat); zero for zero.
    public var inverse: FieldElement { power(Self.prime.subtractingReportingBorrow(UInt256(2, 0, 0, 0)).difference) }

    /// (p + 1)/4: p ≡ 3 mod 4, so self^((p+1)/4) is a square root whenever one exists.
    static let sqrtExponent = UInt256(0xFFFF_FFFF_BFFF_FF0C, .max, .max, 0x3FFF_FFFF_FFFF_FFFF)

    /// The square root self^((p+1)/4) (BIP324 defines "the" square root as exactly this value),
    /// or nil when self is not a square mod p.
    public var squareRoot: FieldElement? {
        let candidate = power(Self.sqrtExponent)
        return candidate.squared == self ? candidate : nil
    }

    public var isSquare: Bool { squareRoot != nil }

    public static func / (a: FieldElement, b: FieldElement) -> FieldElement { a * b.inverse }
}
