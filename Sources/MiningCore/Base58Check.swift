/// Base58Check: base58 over body ‖ first 4 bytes of sha256d(body), leading zero bytes written as
/// '1'. Legacy addresses' body is a version byte and a payload; a Stratum V2 authority key's is a
/// 2-byte version and a 32-byte key (sv2-spec §4.7).
public enum Base58Check {
    static let alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)
    static let reverseAlphabet: [Int8] = {
        var table = [Int8](repeating: -1, count: 128)
        for (value, character) in alphabet.enumerated() { table[Int(character)] = Int8(value) }
        return table
    }()

    public enum DecodingError: Error, Hashable, Sendable, CustomStringConvertible {
        case invalidCharacter
        case tooShort
        case invalidChecksum

        public var description: String {
            switch self {
            case .invalidCharacter: "a character outside the base58 alphabet"
            case .tooShort: "too short for a base58check body and checksum"
            case .invalidChecksum: "the base58check checksum does not match (a mistyped or truncated string)"
            }
        }
    }

    /// The raw bytes of a base58 string (nil on a character outside the alphabet).
    public static func decodeRaw(_ text: String) -> [UInt8]? {
        let characters = Array(text.utf8)
        let zeros = characters.prefix { $0 == UInt8(ascii: "1") }.count
        // Big number, base 256, most significant byte first.
        var number = [UInt8]()
        for character in characters[zeros...] {
            guard character < 128, reverseAlphabet[Int(character)] >= 0 else { return nil }
            var carry = Int(reverseAlphabet[Int(character)])
            for index in number.indices.reversed() {
                carry += 58 * Int(number[index])
                number[index] = UInt8(carry & 0xff)
                carry >>= 8
            }
            while carry > 0 {
                number.insert(UInt8(carry & 0xff), at: 0)
                carry >>= 8
            }
        }
        return [UInt8](repeating: 0, count: zeros) + number
    }

    public static func encodeRaw(_ bytes: [UInt8]) -> String {
        let zeros = bytes.prefix { $0 == 0 }.count
        var digits = [UInt8]()  // base 58, least significant first
        for byte in bytes[zeros...] {
            var carry = Int(byte)
            for index in digits.indices {
                carry += Int(digits[index]) << 8
                digits[index] = UInt8(carry % 58)
                carry /= 58
            }
            while carry > 0 {
                digits.append(UInt8(carry % 58))
                carry /= 58
            }
        }
        let text = [UInt8](repeating: UInt8(ascii: "1"), count: zeros) + digits.reversed().map { alphabet[Int($0)] }
        return String(decoding: text, as: UTF8.self)
    }

    /// Checks the 4-byte checksum and returns the body (at least one byte).
    public static func decodeBody(_ text: String) throws(DecodingError) -> [UInt8] {
        guard let raw = decodeRaw(text) else { throw .invalidCharacter }
        guard raw.count >= 5 else { throw .tooShort }
        let body = Array(raw.dropLast(4))
        guard Array(SHA256.hashTwice(body).prefix(4)) == Array(raw.suffix(4)) else { throw .invalidChecksum }
        return body
    }

    public static func encode(body: [UInt8]) -> String {
        encodeRaw(body + SHA256.hashTwice(body).prefix(4))
    }

    /// Checks the 4-byte checksum and returns version byte and payload.
    public static func decode(_ text: String) throws(DecodingError) -> (version: UInt8, payload: [UInt8]) {
        let body = try decodeBody(text)
        return (body[0], Array(body.dropFirst()))
    }

    public static func encode(version: UInt8, payload: [UInt8]) -> String {
        encode(body: [version] + payload)
    }
}
