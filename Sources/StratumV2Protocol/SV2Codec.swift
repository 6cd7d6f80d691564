// Stratum V2 binary data types (sv2-spec §3.1 "Data Types Mapping"), written from the spec's table.
//
// All multibyte integers are little-endian (§3.1). Every read is bounds-checked and throws an
// `SV2CodecError`; no input can trap the reader. Length prefixes are checked against the limit of
// their type on both sides (a writer refuses a value the type cannot carry).

/// Why a value could not be encoded or decoded.
public enum SV2CodecError: Error, Equatable, Sendable {
    /// The buffer ended: `needed` more bytes were required at `offset`, only `available` were left.
    case truncated(offset: Int, needed: Int, available: Int)
    /// A length (prefix, sequence count, fixed size) outside what `type` allows.
    case lengthOutOfRange(type: String, length: Int, maximum: Int)
    /// A fixed-size field (U256, PUBKEY, SIGNATURE) given the wrong number of bytes.
    case wrongFixedSize(type: String, length: Int, expected: Int)
    /// A frame header announcing a payload over the decoder's limit (§3.2: U24 msg_length).
    case frameTooLarge(length: Int, maximum: Int)
    /// A message decoded from a frame whose msg_type or extension_type is not that message's.
    case unexpectedMessageType(extensionType: UInt16, messageType: UInt8)
}

/// U256 (§3.1): 32 bytes, "unsigned integer, 256-bit, little-endian. Often the raw byte output of
/// SHA-256 interpreted as an unsigned integer." Kept as the 32 wire bytes, least significant first;
/// a hash such as `prev_hash` is therefore its raw SHA-256 output (block-header byte order).
public struct SV2U256: Hashable, Sendable, CustomStringConvertible {
    /// The 32 bytes in wire order (least significant byte first).
    public let littleEndianBytes: [UInt8]

    /// Nil unless exactly 32 bytes.
    public init?(littleEndianBytes: [UInt8]) {
        guard littleEndianBytes.count == 32 else { return nil }
        self.littleEndianBytes = littleEndianBytes
    }

    /// From the big-endian (most significant byte first) 32 bytes, as a target is usually written.
    public init?(bigEndianBytes: [UInt8]) {
        guard bigEndianBytes.count == 32 else { return nil }
        self.littleEndianBytes = bigEndianBytes.reversed()
    }

    public static let zero = SV2U256(unchecked: [UInt8](repeating: 0, count: 32))
    /// 2^256 - 1.
    public static let max = SV2U256(unchecked: [UInt8](repeating: 0xFF, count: 32))

    init(unchecked bytes: [UInt8]) { littleEndianBytes = bytes }

    /// Most significant byte first.
    public var bigEndianBytes: [UInt8] { littleEndianBytes.reversed() }

    /// Big-endian hex (the way targets and block hashes are displayed).
    public var description: String {
        let digits = Array("0123456789abcdef")
        var s = ""
        for b in bigEndianBytes { s.append(digits[Int(b >> 4)]); s.append(digits[Int(b & 15)]) }
        return s
    }
}

/// STR0_255 (§3.1): an 8-bit length prefix and up to 255 bytes, not null-terminated. The spec does
/// not require UTF-8 (§5.3.2 calls `user_identity` an "unconstrained sequence of bytes"; §3.6.1 calls
/// `endpoint_host` ASCII), so the bytes are kept as received and `text` decodes them leniently.
public struct SV2String: Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let bytes: [UInt8]

    /// Throws if over 255 bytes.
    public init(bytes: [UInt8]) throws {
        guard bytes.count <= 255 else {
            throw SV2CodecError.lengthOutOfRange(type: "STR0_255", length: bytes.count, maximum: 255)
        }
        self.bytes = bytes
    }

    /// Throws if the UTF-8 form is over 255 bytes.
    public init(_ text: String) throws { try self.init(bytes: Array(text.utf8)) }

    /// A literal over 255 bytes is a programming error: it traps (only literals; decoding never traps).
    public init(stringLiteral value: String) {
        precondition(value.utf8.count <= 255, "STR0_255 literal over 255 bytes")
        bytes = Array(value.utf8)
    }

    init(unchecked bytes: [UInt8]) { self.bytes = bytes }

    /// The bytes as UTF-8, invalid sequences replaced by U+FFFD (for logs).
    public var text: String { String(decoding: bytes, as: UTF8.self) }
    public var description: String { text }
}

/// Appends Stratum V2 values to a byte array (§3.1).
public struct SV2Writer: Sendable {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public mutating func writeU8(_ v: UInt8) { bytes.append(v) }
    public mutating func writeU16(_ v: UInt16) { writeLittleEndian(UInt64(v), count: 2) }
    /// U24: three bytes, little-endian. Throws above 2^24 - 1.
    public mutating func writeU24(_ v: UInt32) throws {
        guard v <= 0xFF_FFFF else { throw SV2CodecError.lengthOutOfRange(type: "U24", length: Int(v), maximum: 0xFF_FFFF) }
        writeLittleEndian(UInt64(v), count: 3)
    }
    public mutating func writeU32(_ v: UInt32) { writeLittleEndian(UInt64(v), count: 4) }
    public mutating func writeU64(_ v: UInt64) { writeLittleEndian(v, count: 8) }
    public mutating func writeU256(_ v: SV2U256) { bytes.append(contentsOf: v.littleEndianBytes) }
    /// F32: used by the message tables (§5.3.2 `nominal_hash_rate`) though absent from §3.1's
    /// table; written as the IEEE-754 binary32 bit pattern, little-endian like every multibyte type.
    public mutating func writeF32(_ v: Float) { writeU32(v.bitPattern) }
    /// BOOL (§3.1): True = 1, False = 0; this writer sets no padding bits.
    public mutating func writeBool(_ v: Bool) { bytes.append(v ? 1 : 0) }

    public mutating func writeSTR0_255(_ s: SV2String) { bytes.append(UInt8(s.bytes.count)); bytes.append(contentsOf: s.bytes) }
    public mutating func writeB0_32(_ b: [UInt8]) throws { try writePrefixed(b, type: "B0_32", maximum: 32, prefix: 1) }
    public mutating func writeB0_255(_ b: [UInt8]) throws { try writePrefixed(b, type: "B0_255", maximum: 255, prefix: 1) }
    public mutating func writeB0_64K(_ b: [UInt8]) throws { try writePrefixed(b, type: "B0_64K", maximum: 0xFFFF, prefix: 2) }
    public mutating func writeB0_16M(_ b: [UInt8]) throws { try writePrefixed(b, type: "B0_16M", maximum: 0xFF_FFFF, prefix: 3) }
    /// BYTES (§3.1): raw, no prefix.
    public mutating func writeBytes(_ b: [UInt8]) { bytes.append(contentsOf: b) }
    /// PUBKEY (§3.1): the 32-byte x coordinate (BIP 340).
    public mutating func writePubkey(_ b: [UInt8]) throws { try writeFixed(b, type: "PUBKEY", size: 32) }
    /// SIGNATURE (§3.1): a 64-byte BIP 340 Schnorr signature.
    public mutating func writeSignature(_ b: [UInt8]) throws { try writeFixed(b, type: "SIGNATURE", size: 64) }

    /// SEQ0_255[T] (§3.1): a U8 count, then the elements.
    public mutating func writeSEQ0_255<T>(_ items: [T], _ element: (inout SV2Writer, T) throws -> Void) throws {
        guard items.count <= 255 else { throw SV2CodecError.lengthOutOfRange(type: "SEQ0_255", length: items.count, maximum: 255) }
        writeU8(UInt8(items.count))
        for item in items { try element(&self, item) }
    }

    /// SEQ0_64K[T] (§3.1): a U16 count, then the elements.
    public mutating func writeSEQ0_64K<T>(_ items: [T], _ element: (inout SV2Writer, T) throws -> Void) throws {
        guard items.count <= 0xFFFF else { throw SV2CodecError.lengthOutOfRange(type: "SEQ0_64K", length: items.count, maximum: 0xFFFF) }
        writeU16(UInt16(items.count))
        for item in items { try element(&self, item) }
    }

    /// OPTION[T] (§3.1): SEQ0_1[T], a count byte of 0 or 1 and the element if present.
    public mutating func writeOption<T>(_ item: T?, _ element: (inout SV2Writer, T) throws -> Void) rethrows {
        if let item {
            writeU8(1)
            try element(&self, item)
        } else {
            writeU8(0)
        }
    }

    private mutating func writeLittleEndian(_ v: UInt64, count: Int) {
        for i in 0..<count { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
    }

    private mutating func writePrefixed(_ b: [UInt8], type: String, maximum: Int, prefix: Int) throws {
        guard b.count <= maximum else { throw SV2CodecError.lengthOutOfRange(type: type, length: b.count, maximum: maximum) }
        writeLittleEndian(UInt64(b.count), count: prefix)
        bytes.append(contentsOf: b)
    }

    private mutating func writeFixed(_ b: [UInt8], type: String, size: Int) throws {
        guard b.count == size else { throw SV2CodecError.wrongFixedSize(type: type, length: b.count, expected: size) }
        bytes.append(contentsOf: b)
    }
}

/// Reads Stratum V2 values from a byte buffer (§3.1). Every read checks the bytes left first and
/// throws `SV2CodecError.truncated`; length prefixes over their type's limit throw
/// `.lengthOutOfRange`.
public struct SV2Reader: Sendable {
    private let buffer: [UInt8]
    /// Index of the next byte to read.
    public private(set) var offset: Int

    public init(_ bytes: [UInt8]) {
        buffer = bytes
        offset = 0
    }

    public var remaining: Int { buffer.count - offset }
    public var isAtEnd: Bool { offset == buffer.count }

    public mutating func readU8() throws -> UInt8 {
        // `take` returns a slice indexed from `offset`, not 0: read its first element.
        let byte = try take(1)
        return byte[byte.startIndex]
    }
    public mutating func readU16() throws -> UInt16 { UInt16(try readLittleEndian(2)) }
    public mutating func readU24() throws -> UInt32 { UInt32(try readLittleEndian(3)) }
    public mutating func readU32() throws -> UInt32 { UInt32(try readLittleEndian(4)) }
    public mutating func readU64() throws -> UInt64 { try readLittleEndian(8) }
    public mutating func readU256() throws -> SV2U256 { SV2U256(unchecked: Array(try take(32))) }
    /// F32: IEEE-754 binary32, little-endian (see `SV2Writer.writeF32`).
    public mutating func readF32() throws -> Float { Float(bitPattern: try readU32()) }
    /// BOOL (§3.1): "Recipients MUST NOT interpret bits outside of the least significant bit", and
    /// senders may set them; so every byte value is valid and only bit 0 is the value.
    public mutating func readBool() throws -> Bool { try readU8() & 1 == 1 }

    public mutating func readSTR0_255() throws -> SV2String { SV2String(unchecked: try readPrefixed(prefix: 1)) }
    /// B0_32 (§3.1): a U8 length that must be at most 32.
    public mutating func readB0_32() throws -> [UInt8] {
        let start = offset
        let length = Int(try readU8())
        guard length <= 32 else {
            offset = start
            throw SV2CodecError.lengthOutOfRange(type: "B0_32", length: length, maximum: 32)
        }
        return Array(try take(length))
    }
    public mutating func readB0_255() throws -> [UInt8] { try readPrefixed(prefix: 1) }
    public mutating func readB0_64K() throws -> [UInt8] { try readPrefixed(prefix: 2) }
    public mutating func readB0_16M() throws -> [UInt8] { try readPrefixed(prefix: 3) }
    /// BYTES (§3.1): exactly `count` raw bytes.
    public mutating func readBytes(_ count: Int) throws -> [UInt8] { Array(try take(count)) }
    /// All the bytes left.
    public mutating func readRemaining() -> [UInt8] {
        defer { offset = buffer.count }
        return Array(buffer[offset...])
    }
    public mutating func readPubkey() throws -> [UInt8] { Array(try take(32)) }
    public mutating func readSignature() throws -> [UInt8] { Array(try take(64)) }

    /// SEQ0_255[T] (§3.1).
    public mutating func readSEQ0_255<T>(_ element: (inout SV2Reader) throws -> T) throws -> [T] {
        try readSequence(count: Int(try readU8()), element)
    }

    /// SEQ0_64K[T] (§3.1): the count is a U16.
    public mutating func readSEQ0_64K<T>(_ element: (inout SV2Reader) throws -> T) throws -> [T] {
        try readSequence(count: Int(try readU16()), element)
    }

    /// OPTION[T] (§3.1): SEQ0_1[T]; a count above 1 throws.
    public mutating func readOption<T>(_ element: (inout SV2Reader) throws -> T) throws -> T? {
        let start = offset
        switch try readU8() {
        case 0: return nil
        case 1: return try element(&self)
        case let n:
            offset = start
            throw SV2CodecError.lengthOutOfRange(type: "OPTION", length: Int(n), maximum: 1)
        }
    }

    private mutating func readSequence<T>(count: Int, _ element: (inout SV2Reader) throws -> T) throws -> [T] {
        var items: [T] = []
        // Each element takes at least one byte: never reserve more than the buffer could hold.
        items.reserveCapacity(Swift.min(count, remaining))
        for _ in 0..<count { items.append(try element(&self)) }
        return items
    }

    private mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, count <= remaining else {
            throw SV2CodecError.truncated(offset: offset, needed: count, available: remaining)
        }
        defer { offset += count }
        return buffer[offset..<(offset + count)]
    }

    private mutating func readLittleEndian(_ count: Int) throws -> UInt64 {
        var v: UInt64 = 0
        for (i, b) in try take(count).enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
        return v
    }

    private mutating func readPrefixed(prefix: Int) throws -> [UInt8] {
        let start = offset
        let length = Int(try readLittleEndian(prefix))
        do {
            return Array(try take(length))
        } catch {
            offset = start
            throw error
        }
    }
}
