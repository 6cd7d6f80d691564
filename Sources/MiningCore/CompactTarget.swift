/// A block's `nbits`: the compact form of the network target, decoded with Bitcoin Core's rules
/// (`arith_uint256::SetCompact`): target = mantissa · 256^(exponent−3), mantissa = nbits &
/// 0x007fffff; bit 0x00800000 makes it negative (invalid), large exponents overflow.
public struct CompactTarget: Sendable, Hashable {
    public let nbits: UInt32
    /// The decoded target (meaningless when `isOverflow`).
    public let target: UInt256
    public let isNegative: Bool
    public let isOverflow: Bool

    public init(nbits: UInt32) {
        self.nbits = nbits
        let size = Int(nbits >> 24)
        let word = nbits & 0x007f_ffff
        if size <= 3 {
            target = UInt256(UInt64(word >> UInt32(8 * (3 - size))))
        } else {
            target = UInt256(UInt64(word)).shiftedLeft(by: 8 * (size - 3)).value
        }
        isNegative = word != 0 && nbits & 0x0080_0000 != 0
        isOverflow = word != 0 && (size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32))
    }

    /// Whether this is a usable network target.
    public var isValid: Bool { !isNegative && !isOverflow && !target.isZero }

    /// Network difficulty: diff1 / target.
    public var difficulty: Double { Difficulty.of(target: target) }

    /// Whether a header hash (as a number) meets this target: the share is a block.
    public func isMet(by hash: UInt256) -> Bool { isValid && hash <= target }
}
