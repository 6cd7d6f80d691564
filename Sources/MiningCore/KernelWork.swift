/// Everything a nonce-scanning kernel needs for one header: the midstate of bytes 0..63, the
/// three words of bytes 64..75, and the share target. The nonce (bytes 76..79) is what it scans.
public struct KernelWork: Sendable, Equatable {
    /// SHA-256 state after header bytes 0..63.
    public var midstate: SHA256.State
    /// Header bytes 64..75 as big-endian words: merkle root tail, ntime, nbits.
    public var tail: SIMD3<UInt32>
    /// Target limbs, least significant first (see `UInt256.words32`).
    public var target: SIMD8<UInt32>

    public init(midstate: SHA256.State, tail: SIMD3<UInt32>, target: SIMD8<UInt32>) {
        self.midstate = midstate
        self.tail = tail
        self.target = target
    }

    /// Builds the work from a full 80-byte header (its nonce field is ignored).
    public init(header: [UInt8], target: UInt256) {
        precondition(header.count == 80, "a block header has 80 bytes")
        midstate = SHA256.midstate(header: header)
        tail = header.withUnsafeBytes { raw in
            SIMD3(SHA256.readBigEndian(raw, at: 64), SHA256.readBigEndian(raw, at: 68), SHA256.readBigEndian(raw, at: 72))
        }
        self.target = target.words32
    }
}
