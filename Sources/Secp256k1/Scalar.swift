import MiningCore

/// An integer mod n, the order of secp256k1's group (SEC 2 §2.4.1), always fully reduced.
/// Only the few operations BIP340 needs; multiplication is double-and-add (256 modular additions),
/// slow but plainly correct, and used once per signature.
public struct Scalar: Equatable, Hashable, Sendable {
    public private(set) var value: UInt256

    /// n = FFFFFFFF FFFFFFFF FFFFFFFF FFFFFFFE BAAEDCE6 AF48A03B BFD25E8C D0364141.
    public static let order = UInt256(0xBFD2_5E8C_D036_4141, 0xBAAE_DCE6_AF48_A03B, 0xFFFF_FFFF_FFFF_FFFE, .max)

    public static let zero = Scalar(unchecked: .zero)

    init(unchecked value: UInt256) { self.value = value }

    /// The scalar of an integer below n; nil otherwise (BIP340: fail if s ≥ n).
    public init?(exactly value: UInt256) {
        guard value < Self.order else { return nil }
        self.value = value
    }

    /// Any 256-bit integer mod n (BIP340's `int(hash) mod n`): 2^256 < 2n, so one subtraction.
    public init(reducing value: UInt256) {
        self.value = value < Self.order ? value : value.subtractingReportingBorrow(Self.order).difference
    }

    public var isZero: Bool { value.isZero }
    public var bytes: [UInt8] { value.bigEndianBytes }

    public static func + (a: Scalar, b: Scalar) -> Scalar {
        let (sum, carry) = a.value.addingReportingCarry(b.value)
        if carry || !(sum < order) { return Scalar(unchecked: sum.subtractingReportingBorrow(order).difference) }
        return Scalar(unchecked: sum)
    }

    public static prefix func - (a: Scalar) -> Scalar {
        a.isZero ? a : Scalar(unchecked: order.subtractingReportingBorrow(a.value).difference)
    }

    public static func * (a: Scalar, b: Scalar) -> Scalar {
        var result = Scalar.zero
        for index in stride(from: 255, through: 0, by: -1) {
            result = result + result
            if b.value.bit(index) { result = result + a }
        }
        return result
    }
}
