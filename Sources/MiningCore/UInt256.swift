import StratumProtocol

/// An unsigned 256-bit integer, exact: targets, hashes read as numbers, the diff1 constant.
///
/// Limbs are little-endian (limb 0 is the least significant 64 bits).
public struct UInt256: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var limbs: (UInt64, UInt64, UInt64, UInt64)

    public init(limbs: (UInt64, UInt64, UInt64, UInt64)) { self.limbs = limbs }
    public init(_ value: UInt64) { limbs = (value, 0, 0, 0) }

    public static let zero = UInt256(0)
    public static let max = UInt256(limbs: (.max, .max, .max, .max))

    /// A 32-byte little-endian number: how a sha256d output is compared with a target.
    public init?(littleEndianBytes bytes: some Collection<UInt8>) {
        guard bytes.count == 32 else { return nil }
        var words: [UInt64] = [0, 0, 0, 0]
        for (index, byte) in bytes.enumerated() {
            words[index / 8] |= UInt64(byte) << UInt64((index % 8) * 8)
        }
        limbs = (words[0], words[1], words[2], words[3])
    }

    /// 64 hex digits, most significant first (how targets and display hashes are written).
    public init?(hex: some StringProtocol) {
        guard hex.utf8.count == 64, let bytes = Hex.decode(hex) else { return nil }
        self.init(littleEndianBytes: bytes.reversed())
    }

    public var littleEndianBytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(32)
        for index in 0..<4 {
            let word = self[limb: index]
            for shift in stride(from: 0, to: 64, by: 8) { out.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        return out
    }

    /// 64 lower-case hex digits, most significant first.
    public var hex: String { Hex.encode(littleEndianBytes.reversed()) }
    public var description: String { hex }

    public subscript(limb index: Int) -> UInt64 {
        get {
            switch index {
            case 0: return limbs.0
            case 1: return limbs.1
            case 2: return limbs.2
            default: return limbs.3
            }
        }
        set {
            switch index {
            case 0: limbs.0 = newValue
            case 1: limbs.1 = newValue
            case 2: limbs.2 = newValue
            default: limbs.3 = newValue
            }
        }
    }

    /// The eight 32-bit limbs, least significant first (the layout the kernels compare with).
    public var words32: SIMD8<UInt32> {
        var out = SIMD8<UInt32>()
        for index in 0..<4 {
            out[2 * index] = UInt32(truncatingIfNeeded: self[limb: index])
            out[2 * index + 1] = UInt32(truncatingIfNeeded: self[limb: index] >> 32)
        }
        return out
    }

    public var isZero: Bool { limbs.0 == 0 && limbs.1 == 0 && limbs.2 == 0 && limbs.3 == 0 }

    /// Number of significant bits (0 for zero).
    public var bitWidth: Int {
        for index in stride(from: 3, through: 0, by: -1) where self[limb: index] != 0 {
            return index * 64 + (64 - self[limb: index].leadingZeroBitCount)
        }
        return 0
    }

    /// The nearest Double (exact to 53 significant bits).
    public var doubleValue: Double {
        var value = 0.0
        for index in stride(from: 3, through: 0, by: -1) {
            value = value * 18_446_744_073_709_551_616.0 + Double(self[limb: index])
        }
        return value
    }

    public static func == (lhs: UInt256, rhs: UInt256) -> Bool {
        lhs.limbs.0 == rhs.limbs.0 && lhs.limbs.1 == rhs.limbs.1
            && lhs.limbs.2 == rhs.limbs.2 && lhs.limbs.3 == rhs.limbs.3
    }

    public func hash(into hasher: inout Hasher) {
        for index in 0..<4 { hasher.combine(self[limb: index]) }
    }

    public static func < (lhs: UInt256, rhs: UInt256) -> Bool {
        for index in stride(from: 3, through: 0, by: -1) where lhs[limb: index] != rhs[limb: index] {
            return lhs[limb: index] < rhs[limb: index]
        }
        return false
    }

    /// Shift left; bits shifted past 256 are reported through `overflow`.
    public func shiftedLeft(by shift: Int) -> (value: UInt256, overflow: Bool) {
        if shift <= 0 { return (self, false) }
        if shift >= 256 { return (.zero, !isZero) }
        let overflow = bitWidth + shift > 256
        var result = UInt256.zero
        let limbShift = shift / 64, bitShift = UInt64(shift % 64)
        for index in stride(from: 3, through: limbShift, by: -1) {
            var word = self[limb: index - limbShift] << bitShift
            if bitShift > 0, index - limbShift - 1 >= 0 {
                word |= self[limb: index - limbShift - 1] >> (64 - bitShift)
            }
            result[limb: index] = word
        }
        return (result, overflow)
    }

    public func shiftedRight(by shift: Int) -> UInt256 {
        if shift <= 0 { return self }
        if shift >= 256 { return .zero }
        var result = UInt256.zero
        let limbShift = shift / 64, bitShift = UInt64(shift % 64)
        for index in 0..<(4 - limbShift) {
            var word = self[limb: index + limbShift] >> bitShift
            if bitShift > 0, index + limbShift + 1 < 4 {
                word |= self[limb: index + limbShift + 1] << (64 - bitShift)
            }
            result[limb: index] = word
        }
        return result
    }

    /// Floor division by a non-zero 64-bit divisor.
    public func dividedBy(_ divisor: UInt64) -> UInt256 {
        precondition(divisor != 0)
        var result = UInt256.zero
        var remainder: UInt64 = 0
        for index in stride(from: 3, through: 0, by: -1) {
            let (quotient, rest) = divisor.dividingFullWidth((remainder, self[limb: index]))
            result[limb: index] = quotient
            remainder = rest
        }
        return result
    }
}

