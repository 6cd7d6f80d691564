/// The Stratum v1 wire encodings of header fields (settled by real accepted shares; see
/// Tests/Fixtures/README.md, "Byte-order conventions").
public enum WireEncoding {
    /// version, nbits, ntime (notify) and ntime, nonce, version_bits (submit) are exactly 8 hex
    /// digits: the big-endian hex of the uint32 value.
    public static func uint32(fromHex text: some StringProtocol) -> UInt32? {
        guard text.utf8.count == 8, let bytes = Hex.decode(text) else { return nil }
        return bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// The 8-hex-digit big-endian form of a uint32.
    public static func hex(_ value: UInt32) -> String {
        Hex.encode([UInt8(truncatingIfNeeded: value >> 24), UInt8(truncatingIfNeeded: value >> 16),
                    UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)])
    }

    /// `mining.notify` prevhash → the 32 header bytes: the bytes of each 4-byte word reversed.
    public static func headerPrevHash(fromWire text: some StringProtocol) -> [UInt8]? {
        guard text.utf8.count == 64, let bytes = Hex.decode(text) else { return nil }
        return swapWordBytes(bytes)
    }

    /// The 32 header prevhash bytes → the `mining.notify` wire form.
    public static func wirePrevHash(fromHeader bytes: [UInt8]) -> String {
        Hex.encode(swapWordBytes(bytes))
    }

    static func swapWordBytes(_ bytes: [UInt8]) -> [UInt8] {
        var out = bytes
        for word in stride(from: 0, to: bytes.count - bytes.count % 4, by: 4) {
            for i in 0..<4 { out[word + i] = bytes[word + 3 - i] }
        }
        return out
    }
}
