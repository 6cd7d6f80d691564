/// Bitcoin's wire integers: little-endian fixed widths and CompactSize lengths
/// (1 byte below 0xfd; 0xfd + 2 bytes; 0xfe + 4 bytes; 0xff + 8 bytes).
public struct ByteWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    public mutating func append(_ data: some Sequence<UInt8>) { bytes.append(contentsOf: data) }
    public mutating func append(byte: UInt8) { bytes.append(byte) }

    public mutating func append(littleEndian value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    public mutating func append(littleEndian value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    public mutating func append(compactSize value: Int) {
        switch value {
        case ..<0xfd: bytes.append(UInt8(value))
        case ...0xffff: bytes.append(0xfd); bytes.append(UInt8(value & 0xff)); bytes.append(UInt8(value >> 8))
        case ...0xffff_ffff: bytes.append(0xfe); append(littleEndian: UInt32(value))
        default: bytes.append(0xff); append(littleEndian: UInt64(value))
        }
    }

    /// A length-prefixed byte string (scripts, witness items).
    public mutating func append(varBytes data: [UInt8]) {
        append(compactSize: data.count)
        append(data)
    }
}

/// Reads what `ByteWriter` writes; every read is bounds-checked.
public struct ByteReader: Sendable {
    public struct EndOfData: Error, Sendable {}
    public struct NonCanonicalSize: Error, Sendable {}

    public let bytes: [UInt8]
    public private(set) var offset: Int = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public var remaining: Int { bytes.count - offset }
    public var isAtEnd: Bool { offset == bytes.count }

    public mutating func read(count: Int) throws -> [UInt8] {
        guard count >= 0, count <= remaining else { throw EndOfData() }
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    public mutating func readByte() throws -> UInt8 {
        guard remaining >= 1 else { throw EndOfData() }
        defer { offset += 1 }
        return bytes[offset]
    }

    public func peekByte(at distance: Int = 0) -> UInt8? {
        offset + distance < bytes.count ? bytes[offset + distance] : nil
    }

    public mutating func readUInt32() throws -> UInt32 {
        try read(count: 4).reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }

    public mutating func readUInt64() throws -> UInt64 {
        try read(count: 8).reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// A CompactSize; non-minimal encodings are refused as Bitcoin Core does ("non-canonical
    /// ReadCompactSize()"), and sizes above `limit` are refused before allocating.
    public mutating func readCompactSize(limit: Int = 4_000_000) throws -> Int {
        let first = try readByte()
        let value: UInt64
        switch first {
        case 0xfd:
            value = UInt64(try read(count: 2).reversed().reduce(UInt16(0)) { $0 << 8 | UInt16($1) })
            guard value >= 0xfd else { throw NonCanonicalSize() }
        case 0xfe:
            value = UInt64(try readUInt32())
            guard value > 0xffff else { throw NonCanonicalSize() }
        case 0xff:
            value = try readUInt64()
            guard value > 0xffff_ffff else { throw NonCanonicalSize() }
        default:
            value = UInt64(first)
        }
        guard value <= UInt64(limit) else { throw EndOfData() }
        return Int(value)
    }

    public mutating func readVarBytes() throws -> [UInt8] {
        try read(count: try readCompactSize(limit: remaining))
    }
}
