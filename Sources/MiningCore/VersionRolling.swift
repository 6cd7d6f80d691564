/// BIP 310 version rolling: the pool grants a mask; the miner may change only those bits.
public enum VersionRolling {
    /// The bits BIP 310 lets miners roll (BIP 320 reserves 0x1fffe000 for general use).
    public static let standardMask: UInt32 = 0x1fff_e000

    /// nVersion = (job_version & ~mask) | (version_bits & mask).
    public static func apply(version: UInt32, bits: UInt32, mask: UInt32) -> UInt32 {
        (version & ~mask) | (bits & mask)
    }

    /// The `bits` values a miner can step through for a mask: the n-th combination of the mask's
    /// bits (n's low bit goes to the mask's lowest set bit, and so on).
    public static func bits(forIndex index: UInt32, mask: UInt32) -> UInt32 {
        var result: UInt32 = 0
        var remaining = index
        var bit: UInt32 = 1
        while bit != 0 && remaining != 0 {
            if mask & bit != 0 {
                if remaining & 1 != 0 { result |= bit }
                remaining >>= 1
            }
            bit <<= 1
        }
        return result
    }

    /// How many distinct bit combinations a mask allows (saturating).
    public static func combinationCount(mask: UInt32) -> UInt64 { 1 << UInt64(mask.nonzeroBitCount) }
}
