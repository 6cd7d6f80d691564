/// Pool difficulty and share targets, exact to the last bit.
///
/// Difficulty 1 is the truncated target 0xFFFF·2^208 (= target(0x1d00ffff)); a share is valid
/// at difficulty D iff hash ≤ floor(diff1 / D), the hash read as a little-endian 256-bit number.
/// (public-pool `difficulty.utils.ts`, ESP-Miner `hash_to_pdiff`, en.bitcoin.it/wiki/Difficulty.)
public enum Difficulty {
    /// 0x00000000FFFF0000…0000.
    public static let diff1Target = UInt256(limbs: (0, 0, 0, 0x0000_0000_FFFF_0000))

    /// Hashes one share at difficulty 1 takes on average: 2^32, the convention of pools and miners
    /// (a hash meets `diff1Target` with probability 0xFFFF/0x10000 · 2^-32, which they round to
    /// 2^-32). Expected shares = hashes / (difficulty · this); hash rate = difficulty · this / interval.
    public static let hashesPerDifficultyOneShare: Double = 4_294_967_296

    /// floor(diff1 / difficulty), for any positive difficulty, including fractions and values
    /// below 1 (saturating at 2^256−1). Nil for zero, negative, NaN or infinite difficulty.
    public static func target(for difficulty: Double) -> UInt256? {
        guard difficulty.isFinite, difficulty > 0 else { return nil }
        // Below 2^-40 the quotient exceeds 2^256 anyway (and Doubles stay normal above it).
        if difficulty < 0x1p-40 { return .max }
        // difficulty = m · 2^e exactly, with m a 53-bit integer.
        let e = Int(difficulty.exponent) - Double.significandBitCount
        let m = UInt64(difficulty.significandBitPattern) | (1 << UInt64(Double.significandBitCount))
        // target = floor(0xFFFF·2^208 / (m·2^e)).
        let shift = 208 - e
        if shift >= 0 {
            // floor((0xFFFF << shift) / m); the numerator may exceed 256 bits when e is very
            // negative: divide in pieces so the quotient is exact, saturating at the top.
            return shiftedDivide(0xFFFF, shift: shift, by: m)
        } else {
            // floor(floor(0xFFFF / 2^-shift) / m) = floor(0xFFFF / (m·2^-shift)).
            return UInt256(0xFFFF).shiftedRight(by: -shift).dividedBy(m)
        }
    }

    /// floor((value << shift) / divisor), saturating at UInt256.max.
    private static func shiftedDivide(_ value: UInt64, shift: Int, by divisor: UInt64) -> UInt256 {
        // Long division over a number of up to (shift + 64) bits, one 64-bit limb at a time.
        let totalBits = shift + 64
        let limbCount = (totalBits + 63) / 64
        var numerator = [UInt64](repeating: 0, count: limbCount + 1)
        let limbShift = shift / 64, bitShift = UInt64(shift % 64)
        numerator[limbShift] |= value << bitShift
        if bitShift > 0 { numerator[limbShift + 1] |= value >> (64 - bitShift) }
        var quotient = [UInt64](repeating: 0, count: numerator.count)
        var remainder: UInt64 = 0
        for index in stride(from: numerator.count - 1, through: 0, by: -1) {
            let (q, r) = divisor.dividingFullWidth((remainder, numerator[index]))
            quotient[index] = q
            remainder = r
        }
        if quotient.dropFirst(4).contains(where: { $0 != 0 }) { return .max }
        return UInt256(limbs: (quotient[0], quotient.count > 1 ? quotient[1] : 0,
                               quotient.count > 2 ? quotient[2] : 0, quotient.count > 3 ? quotient[3] : 0))
    }

    /// The difficulty a hash achieves: diff1 / H (infinite for H = 0).
    public static func of(hash: UInt256) -> Double {
        if hash.isZero { return .infinity }
        return diff1Target.doubleValue / hash.doubleValue
    }

    /// The difficulty of a sha256d output (32 bytes as produced; read as little-endian).
    public static func of(digest: [UInt8]) -> Double {
        of(hash: UInt256(littleEndianBytes: digest) ?? .max)
    }

    /// The difficulty a target stands for: diff1 / target.
    public static func of(target: UInt256) -> Double { of(hash: target) }
}
