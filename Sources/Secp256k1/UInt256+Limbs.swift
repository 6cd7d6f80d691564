import MiningCore

/// The arithmetic under `FieldElement` (integers mod p) and `Scalar` (integers mod n), on the
/// project's one 256-bit integer (MiningCore's, which targets and hashes use): the four
/// little-endian 64-bit limbs by name, BIP340's big-endian byte forms, and add/subtract with
/// carry. Plain arithmetic, no modulus.
extension UInt256 {
    public init(_ l0: UInt64, _ l1: UInt64, _ l2: UInt64, _ l3: UInt64) {
        self.init(limbs: (l0, l1, l2, l3))
    }

    public var l0: UInt64 {
        get { limbs.0 }
        set { limbs.0 = newValue }
    }
    public var l1: UInt64 {
        get { limbs.1 }
        set { limbs.1 = newValue }
    }
    public var l2: UInt64 {
        get { limbs.2 }
        set { limbs.2 = newValue }
    }
    public var l3: UInt64 {
        get { limbs.3 }
        set { limbs.3 = newValue }
    }

    /// The big-endian integer of exactly 32 bytes (BIP340's `int(x)`); nil for another length.
    public init?(bigEndian bytes: some Collection<UInt8>) {
        guard bytes.count == 32 else { return nil }
        self.init(littleEndianBytes: bytes.reversed())
    }

    /// 32 big-endian bytes (BIP340's `bytes(x)`).
    public var bigEndianBytes: [UInt8] { littleEndianBytes.reversed() }

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
