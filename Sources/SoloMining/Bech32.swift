/// Bech32 (BIP 173) and Bech32m (BIP 350) strings: a human-readable part, the separator `1`,
/// 5-bit data and a 6-character BCH checksum. The two encodings differ only in the constant the
/// checksum is xored with (1 for Bech32, 0x2bc830a3 for Bech32m, BIP 350 "Specification").
public enum Bech32 {
    public enum Encoding: Sendable, Hashable {
        case bech32
        case bech32m

        var checksumConstant: UInt32 { self == .bech32 ? 1 : 0x2bc8_30a3 }
    }

    public enum DecodingError: Error, Hashable, Sendable {
        case tooLong
        case mixedCase
        case noSeparator
        case emptyHRP
        case invalidHRPCharacter
        case invalidDataCharacter
        case checksumTooShort
        case invalidChecksum
    }

    /// The 32 data characters in value order (BIP 173).
    static let charset = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l".utf8)
    static let reverseCharset: [Int8] = {
        var table = [Int8](repeating: -1, count: 128)
        for (value, character) in charset.enumerated() { table[Int(character)] = Int8(value) }
        return table
    }()

    /// The BCH code's generator coefficients (BIP 173 "Checksum").
    private static func polymod(_ values: [UInt8]) -> UInt32 {
        let generator: [UInt32] = [0x3b6a_57b2, 0x2650_8e6d, 0x1ea1_19fa, 0x3d42_33dd, 0x2a14_62b3]
        var checksum: UInt32 = 1
        for value in values {
            let top = checksum >> 25
            checksum = (checksum & 0x1ff_ffff) << 5 ^ UInt32(value)
            for i in 0..<5 where (top >> UInt32(i)) & 1 != 0 { checksum ^= generator[i] }
        }
        return checksum
    }

    private static func expand(hrp: [UInt8]) -> [UInt8] {
        hrp.map { $0 >> 5 } + [0] + hrp.map { $0 & 31 }
    }

    /// Encodes 5-bit values (each < 32) under a lower-case HRP.
    public static func encode(hrp: String, data: [UInt8], encoding: Encoding) -> String {
        let hrpBytes = Array(hrp.lowercased().utf8)
        let mod = polymod(expand(hrp: hrpBytes) + data + [0, 0, 0, 0, 0, 0]) ^ encoding.checksumConstant
        let checksum = (0..<6).map { UInt8((mod >> UInt32(5 * (5 - $0))) & 31) }
        return String(decoding: hrpBytes + [UInt8(ascii: "1")] + (data + checksum).map { charset[Int($0)] }, as: UTF8.self)
    }

    /// Decodes a Bech32 or Bech32m string (at most 90 characters): the lower-cased HRP, the 5-bit
    /// data without checksum, and which checksum constant matched.
    public static func decode(_ text: String) throws(DecodingError) -> (hrp: String, data: [UInt8], encoding: Encoding) {
        let bytes = Array(text.utf8)
        guard bytes.count <= 90 else { throw .tooLong }
        let hasLower = bytes.contains { (0x61...0x7a).contains($0) }
        let hasUpper = bytes.contains { (0x41...0x5a).contains($0) }
        guard !(hasLower && hasUpper) else { throw .mixedCase }
        let lowered = bytes.map { (0x41...0x5a).contains($0) ? $0 + 32 : $0 }
        guard let separator = lowered.lastIndex(of: UInt8(ascii: "1")) else { throw .noSeparator }
        guard separator > 0 else { throw .emptyHRP }
        let hrp = Array(lowered[..<separator])
        guard hrp.allSatisfy({ (33...126).contains($0) }) else { throw .invalidHRPCharacter }
        let dataPart = lowered[(separator + 1)...]
        guard dataPart.count >= 6 else { throw .checksumTooShort }
        var values = [UInt8]()
        values.reserveCapacity(dataPart.count)
        for character in dataPart {
            guard character < 128, reverseCharset[Int(character)] >= 0 else { throw .invalidDataCharacter }
            values.append(UInt8(reverseCharset[Int(character)]))
        }
        let residue = polymod(expand(hrp: hrp) + values)
        let encoding: Encoding
        switch residue {
        case Encoding.bech32.checksumConstant: encoding = .bech32
        case Encoding.bech32m.checksumConstant: encoding = .bech32m
        default: throw .invalidChecksum
        }
        return (String(decoding: hrp, as: UTF8.self), Array(values.dropLast(6)), encoding)
    }

    /// Regroups bits (8 → 5 with padding, 5 → 8 strictly: at most 4 zero padding bits, BIP 173
    /// "Segwit address format"). Nil when the input does not regroup cleanly.
    public static func convertBits(_ data: [UInt8], from: Int, to: Int, pad: Bool) -> [UInt8]? {
        var accumulator: UInt32 = 0
        var bits = 0
        let maxValue: UInt32 = (1 << UInt32(to)) - 1
        var out = [UInt8]()
        for value in data {
            guard UInt32(value) >> UInt32(from) == 0 else { return nil }
            accumulator = (accumulator << UInt32(from)) | UInt32(value)
            bits += from
            while bits >= to {
                bits -= to
                out.append(UInt8((accumulator >> UInt32(bits)) & maxValue))
            }
            accumulator &= (1 << UInt32(bits)) - 1
        }
        if pad {
            if bits > 0 { out.append(UInt8((accumulator << UInt32(to - bits)) & maxValue)) }
        } else if bits >= from || accumulator != 0 {
            return nil
        }
        return out
    }
}
