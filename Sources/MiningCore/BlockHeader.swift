import StratumProtocol

/// An 80-byte Bitcoin block header. Integers are stored little-endian; hashes in internal order.
public struct BlockHeader: Sendable, Hashable {
    public var version: UInt32
    /// Previous block hash, internal byte order (32 bytes).
    public var prevHash: [UInt8]
    /// Merkle root, internal byte order (32 bytes).
    public var merkleRoot: [UInt8]
    public var ntime: UInt32
    public var nbits: UInt32
    public var nonce: UInt32

    public init(version: UInt32, prevHash: [UInt8], merkleRoot: [UInt8], ntime: UInt32, nbits: UInt32, nonce: UInt32) {
        precondition(prevHash.count == 32 && merkleRoot.count == 32)
        self.version = version
        self.prevHash = prevHash
        self.merkleRoot = merkleRoot
        self.ntime = ntime
        self.nbits = nbits
        self.nonce = nonce
    }

    /// Parses 80 serialized bytes.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 80 else { return nil }
        func u32(_ offset: Int) -> UInt32 {
            UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
        }
        self.init(version: u32(0), prevHash: Array(bytes[4..<36]), merkleRoot: Array(bytes[36..<68]),
                  ntime: u32(68), nbits: u32(72), nonce: u32(76))
    }

    public var bytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(80)
        func append(_ value: UInt32) {
            for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
        }
        append(version)
        out += prevHash
        out += merkleRoot
        append(ntime)
        append(nbits)
        append(nonce)
        return out
    }

    /// sha256d of the header, as produced (internal order).
    public var hash: [UInt8] { SHA256.hashTwice(bytes) }

    /// The hash as a number (what targets compare with).
    public var hashValue256: UInt256 { UInt256(littleEndianBytes: hash)! }

    /// The block hash as explorers print it (reversed bytes).
    public var displayHash: String { Hex.encode(hash.reversed()) }
}
