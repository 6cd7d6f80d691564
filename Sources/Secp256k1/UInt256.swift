import StratumProtocol

/// A 256-bit unsigned integer as four little-endian 64-bit limbs: the raw representation under
/// `FieldElement` (integers mod p) and `Scalar` (integers mod n). Plain arithmetic, no modulus.
public struct UInt256: Equatable, Hashable, Sendable {
    public var l0: UInt64, l1: UInt64, l2: UInt64, l3: UInt64

    public init(_ l0: UInt64, _ l1: UInt64, _ l2: UInt64, _ l3: UInt64) {
        self.l0 = l0; self.l1 = l1; self.l2 = l2; self.l3 = l3
    }

    public static let zero = UInt256(0, 0, 0, 0)

    /// The big-endian integer of exactly 32 bytes (BIP340's `int(x)`); nil for another length.
    public init?(bigEndian bytes: some Collection<UInt8>) {
        guard bytes.count == 32 else { return nil }
        var limbs: [UInt64] = [0, 0, 0, 0]
        for (index, byte) in bytes.enumerated() {
            let limb = 3 - index / 8
            limbs[limb] = limbs[limb] << 8 | UInt64(byte)
        }
        self.init(limbs[0], limbs[1], limbs[2], limbs[3])
    }

    /// The hex form of a big-endian integer (64 digits, either case); nil when malformed.
    public init?(hex: String) {
        guard let bytes = Hex.decode(hex) else { return nil }
        self.init(bigEndian: bytes)
    }

    /// 32 big-endian bytes (BIP340's `bytes(x)`).
    public var bigEndianBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(32)
        for limb in [l3, l2, l1, l0] {
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: limb >> UInt64(shift))) }
        }
        return out
    }

    public subscript(limb index: Int) -> UInt64 {
        switch index {
        case 0: return l0
        case 1: return l1
        case 2: return l2
        default: return l3
        }
    }

    public var isZero: Bool { (l0 | l1 | l2 | l3) == 0 }

    /// Bit `index` (0 = least significant).
    public func bit(_ index: Int) -> Bool { (self[limb: index >> 6] >> UInt64(index & 63)) & 1 == 1 }

    /// self + other mod 2^256, and whether it carried out of bit 255.
    public func addingReportingCarry(_ other: UInt256) -> (sum: UInt256, carry: Bool) {
        let (s0, c0) = l0.addingReportingOverflow(other.l0)
        let (s1, c1) = Self.addWithCarry(l1, other.l1, c0)
        let (s2, c2) = Self.addWithCarry(l2, other.l2, c1)
        let (s3, c3) = Self.addWithCarry(l3, other.l3, c2)
        return (UInt256(s0, s1, s2, s3), c3)
    }

    /// self − other mod 2^256, and whether it borrowed (other > self).
    public func subtractingReportingBorrow(_ other: UInt256) -> (difference: UInt256, borrow: Bool) {
        let (d0, b0) = l0.subtractingReportingOverflow(other.l0)
        let (d1, b1) = Self.subtractWithBorrow(l1, other.l1, b0)
        let (d2, b2) = Self.subtractWithBorrow(l2, other.l2, b1)
        let (d3, b3) = Self.subtractWithBorrow(l3, other.l3, b2)
        return (UInt256(d0, d1, d2, d3), b3)
    }

    public static func < (a: UInt256, b: UInt256) -> Bool { a.subtractingReportingBorrow(b).borrow }

    @inline(__always)
    static func addWithCarry(_ a: UInt64, _ b: UInt64, _ carry: Bool) -> (UInt64, Bool) {
        let (s, c1) = a.addingReportingOverflow(b)
        let (t, c2) = s.addingReportingOverflow(carry ? 1 : 0)
        return (t, c1 || c2)
    }

    @inline(__always)
    static func subtractWithBorrow(_ a: UInt64, _ b: UInt64, _ borrow: Bool) -> (UInt64, Bool) {
        let (d, b1) = a.subtractingReportingOverflow(b)
        let (e, b2) = d.subtractingReportingOverflow(borrow ? 1 : 0)
        return (e, b1 || b2)
    }
}
