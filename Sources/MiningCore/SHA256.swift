/// SHA-256 (FIPS 180-4) in portable Swift: the reference every faster kernel is checked against.
///
/// State words are the standard big-endian word values; a digest is the state serialized
/// big-endian. Nothing here allocates except the functions that return byte arrays.
public enum SHA256 {
    /// The eight state words.
    public typealias State = SIMD8<UInt32>

    public static let initialState = State(
        0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a,
        0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19)

    /// Round constants K[0..63].
    public static let roundConstants: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    /// Compresses one 64-byte block given as sixteen big-endian message words.
    @inlinable
    public static func compress(_ state: State, block: UnsafePointer<UInt32>) -> State {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            for t in 0..<16 { w[t] = block[t] }
            for t in 16..<64 {
                w[t] = smallSigma1(w[t - 2]) &+ w[t - 7] &+ smallSigma0(w[t - 15]) &+ w[t - 16]
            }
            return roundConstants.withUnsafeBufferPointer { k in
                var a = state[0], b = state[1], c = state[2], d = state[3]
                var e = state[4], f = state[5], g = state[6], h = state[7]
                for t in 0..<64 {
                    let t1 = h &+ bigSigma1(e) &+ choose(e, f, g) &+ k[t] &+ w[t]
                    let t2 = bigSigma0(a) &+ majority(a, b, c)
                    h = g; g = f; f = e; e = d &+ t1
                    d = c; c = b; b = a; a = t1 &+ t2
                }
                return state &+ State(a, b, c, d, e, f, g, h)
            }
        }
    }

    /// Compresses a 64-byte block given as raw bytes.
    public static func compress(_ state: State, bytes: UnsafeRawBufferPointer) -> State {
        precondition(bytes.count == 64)
        var words = (UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0),
                     UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0))
        return withUnsafeMutableBytes(of: &words) { raw in
            let w = raw.bindMemory(to: UInt32.self)
            for i in 0..<16 { w[i] = readBigEndian(bytes, at: i * 4) }
            return compress(state, block: UnsafePointer(w.baseAddress!))
        }
    }

    /// SHA-256 of any number of bytes.
    public static func hash(_ message: some Collection<UInt8>) -> [UInt8] {
        serialize(digestState(message))
    }

    /// Double SHA-256, as Bitcoin uses for headers, transactions and merkle nodes.
    public static func hashTwice(_ message: some Collection<UInt8>) -> [UInt8] {
        hash(hash(message))
    }

    /// The state after compressing the first 64 bytes of an 80-byte block header.
    public static func midstate(header: some Collection<UInt8>) -> State {
        let bytes = Array(header.prefix(64))
        precondition(bytes.count == 64, "midstate needs at least 64 header bytes")
        return bytes.withUnsafeBytes { compress(initialState, bytes: $0) }
    }

    /// Big-endian serialization of a state: the digest bytes.
    public static func serialize(_ state: State) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(32)
        for i in 0..<8 {
            let word = state[i]
            out.append(UInt8(truncatingIfNeeded: word >> 24))
            out.append(UInt8(truncatingIfNeeded: word >> 16))
            out.append(UInt8(truncatingIfNeeded: word >> 8))
            out.append(UInt8(truncatingIfNeeded: word))
        }
        return out
    }

    private static func digestState(_ message: some Collection<UInt8>) -> State {
        var padded = Array(message)
        let bitLength = UInt64(padded.count) &* 8
        padded.append(0x80)
        while padded.count % 64 != 56 { padded.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) {
            padded.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift)))
        }
        var state = initialState
        padded.withUnsafeBytes { raw in
            for offset in stride(from: 0, to: raw.count, by: 64) {
                state = compress(state, bytes: UnsafeRawBufferPointer(rebasing: raw[offset..<offset + 64]))
            }
        }
        return state
    }

    @inline(__always)
    static func readBigEndian(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16
            | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }

    @inlinable @inline(__always)
    public static func rotateRight(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 &- n)) }
    @inlinable @inline(__always)
    public static func choose(_ x: UInt32, _ y: UInt32, _ z: UInt32) -> UInt32 { z ^ (x & (y ^ z)) }
    @inlinable @inline(__always)
    public static func majority(_ x: UInt32, _ y: UInt32, _ z: UInt32) -> UInt32 { (x & y) | (z & (x | y)) }
    @inlinable @inline(__always)
    public static func bigSigma0(_ x: UInt32) -> UInt32 { rotateRight(x, 2) ^ rotateRight(x, 13) ^ rotateRight(x, 22) }
    @inlinable @inline(__always)
    public static func bigSigma1(_ x: UInt32) -> UInt32 { rotateRight(x, 6) ^ rotateRight(x, 11) ^ rotateRight(x, 25) }
    @inlinable @inline(__always)
    public static func smallSigma0(_ x: UInt32) -> UInt32 { rotateRight(x, 7) ^ rotateRight(x, 18) ^ (x >> 3) }
    @inlinable @inline(__always)
    public static func smallSigma1(_ x: UInt32) -> UInt32 { rotateRight(x, 17) ^ rotateRight(x, 19) ^ (x >> 10) }
}
