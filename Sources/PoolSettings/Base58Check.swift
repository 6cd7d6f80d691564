import MiningCore

/// Base58Check (Bitcoin's alphabet, a 4-byte double-SHA-256 checksum), the encoding of a Stratum V2
/// pool's authority key in its URL (sv2-spec §4.7). Leading zero bytes are written as leading '1's.
public enum Base58Check {
    static let alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)

    /// Why a string is not valid Base58Check.
    public enum DecodingError: Error, Hashable, CustomStringConvertible {
        case invalidCharacter(Character)
        case tooShort
        case badChecksum

        public var description: String {
            switch self {
            case .invalidCharacter(let c): "'\(c)' is not a base58 character"
            case .tooShort: "too short for a base58check payload and checksum"
            case .badChecksum: "the base58check checksum does not match (a mistyped or truncated key)"
            }
        }
    }

    public static func encode(_ payload: [UInt8]) -> String {
        let data = payload + Array(SHA256.hashTwice(payload).prefix(4))
        var digits: [UInt8] = []  // base-58 digits, least significant first
        for byte in data {
            var carry = Int(byte)
            for i in digits.indices {
                carry += Int(digits[i]) << 8
                digits[i] = UInt8(carry % 58)
                carry /= 58
            }
            while carry > 0 {
                digits.append(UInt8(carry % 58))
                carry /= 58
            }
        }
        let zeros = data.prefix { $0 == 0 }.count
        let text = [UInt8](repeating: alphabet[0], count: zeros) + digits.reversed().map { alphabet[Int($0)] }
        return String(decoding: text, as: UTF8.self)
    }

    /// The payload (checksum removed and checked).
    public static func decode(_ text: String) throws(DecodingError) -> [UInt8] {
        var bytes: [UInt8] = []  // base-256, least significant first
        for character in text {
            guard let ascii = character.asciiValue, let digit = alphabet.firstIndex(of: ascii) else {
                throw .invalidCharacter(character)
            }
            var carry = digit
            for i in bytes.indices {
                carry += Int(bytes[i]) * 58
                bytes[i] = UInt8(carry & 0xFF)
                carry >>= 8
            }
            while carry > 0 {
                bytes.append(UInt8(carry & 0xFF))
                carry >>= 8
            }
        }
        let zeros = text.prefix { $0 == "1" }.count
        let data = [UInt8](repeating: 0, count: zeros) + bytes.reversed()
        guard data.count >= 4 else { throw .tooShort }
        let payload = Array(data.dropLast(4))
        guard Array(SHA256.hashTwice(payload).prefix(4)) == Array(data.suffix(4)) else { throw .badChecksum }
        return payload
    }
}
