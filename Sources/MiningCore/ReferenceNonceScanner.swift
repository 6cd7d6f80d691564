/// The portable nonce-scanning kernel in pure Swift, and the reference every faster kernel is
/// tested against.
///
/// Per nonce it hashes only what depends on the nonce: the midstate covers header bytes 0..63,
/// the first three rounds of the second block (which see only merkle tail, ntime and nbits) and
/// the message-schedule words that do not involve the nonce are computed once per work. The
/// second hash stops after 61 rounds, when the final state word 7 (the most significant 32 bits
/// of the hash read as a little-endian number) is known, and rejects most nonces there.
public struct ReferenceNonceScanner: Sendable {
    public let work: KernelWork
    // Precomputed per work.
    private let stateAfter3: SHA256.State
    private let w16: UInt32, w17: UInt32
    private let targetTop: UInt32

    public init(work: KernelWork) {
        self.work = work
        let k = SHA256.roundConstants
        var s = work.midstate
        let fixed = [work.tail[0], work.tail[1], work.tail[2]]
        for t in 0..<3 {
            var (a, b, c, d, e, f, g, h) = (s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7])
            Self.round(&a, &b, &c, &d, &e, &f, &g, &h, k[t] &+ fixed[t])
            s = SHA256.State(a, b, c, d, e, f, g, h)
        }
        stateAfter3 = s
        // W16 = σ1(W14) + W9 + σ0(W1) + W0, with W9 = W14 = 0.
        w16 = SHA256.smallSigma0(work.tail[1]) &+ work.tail[0]
        // W17 = σ1(W15) + W10 + σ0(W2) + W1, with W15 = 640, W10 = 0.
        w17 = SHA256.smallSigma1(640) &+ SHA256.smallSigma0(work.tail[2]) &+ work.tail[1]
        targetTop = work.target[7]
    }

    /// Scans `count` nonces from `firstNonce` (wrapping at 2^32); calls `found` for each nonce
    /// whose hash meets the target. Returns how many matched.
    @discardableResult
    public func scan(firstNonce: UInt32, count: UInt32, found: (UInt32) -> Void) -> Int {
        var matches = 0
        var nonce = firstNonce
        for _ in 0..<count {
            if let _ = hashIfMeetsTarget(nonce: nonce) {
                matches += 1
                found(nonce)
            }
            nonce &+= 1
        }
        return matches
    }

    /// Scans into a caller-provided buffer (the same contract as the C kernels): writes up to
    /// `found.count` nonces and returns the total number of matches.
    public func scan(firstNonce: UInt32, count: UInt32, into found: UnsafeMutableBufferPointer<UInt32>) -> Int {
        var written = 0
        return scan(firstNonce: firstNonce, count: count) { nonce in
            if written < found.count {
                found[written] = nonce
                written += 1
            }
        }
    }

    /// The full double SHA-256 state of the header with this nonce if it meets the target.
    public func hashIfMeetsTarget(nonce: UInt32) -> SHA256.State? {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            SHA256.roundConstants.withUnsafeBufferPointer { k in
                // Second block of the header: tail words, nonce, padding, length 640.
                w[0] = work.tail[0]; w[1] = work.tail[1]; w[2] = work.tail[2]
                w[3] = nonce.byteSwapped
                w[4] = 0x8000_0000
                for t in 5..<15 { w[t] = 0 }
                w[15] = 640
                w[16] = w16
                w[17] = w17
                Self.expandSchedule(w, from: 18)
                var a = stateAfter3[0], b = stateAfter3[1], c = stateAfter3[2], d = stateAfter3[3]
                var e = stateAfter3[4], f = stateAfter3[5], g = stateAfter3[6], h = stateAfter3[7]
                for t in 3..<64 { Self.round(&a, &b, &c, &d, &e, &f, &g, &h, k[t] &+ w[t]) }
                let m = work.midstate
                // Second hash: the 32-byte digest, padding, length 256.
                w[0] = m[0] &+ a; w[1] = m[1] &+ b; w[2] = m[2] &+ c; w[3] = m[3] &+ d
                w[4] = m[4] &+ e; w[5] = m[5] &+ f; w[6] = m[6] &+ g; w[7] = m[7] &+ h
                w[8] = 0x8000_0000
                for t in 9..<15 { w[t] = 0 }
                w[15] = 256
                Self.expandSchedule(w, from: 16)
                let iv = SHA256.initialState
                a = iv[0]; b = iv[1]; c = iv[2]; d = iv[3]; e = iv[4]; f = iv[5]; g = iv[6]; h = iv[7]
                for t in 0..<61 { Self.round(&a, &b, &c, &d, &e, &f, &g, &h, k[t] &+ w[t]) }
                // After 61 rounds e is what ends up in h after round 64: the hash's top word.
                if (iv[7] &+ e).byteSwapped > targetTop { return nil }
                for t in 61..<64 { Self.round(&a, &b, &c, &d, &e, &f, &g, &h, k[t] &+ w[t]) }
                let final = iv &+ SHA256.State(a, b, c, d, e, f, g, h)
                return Self.meets(final, work.target) ? final : nil
            }
        }
    }

    @inline(__always)
    private static func expandSchedule(_ w: UnsafeMutableBufferPointer<UInt32>, from start: Int) {
        for t in start..<64 {
            w[t] = SHA256.smallSigma1(w[t - 2]) &+ w[t - 7] &+ SHA256.smallSigma0(w[t - 15]) &+ w[t - 16]
        }
    }

    /// One SHA-256 round on the working variables, with K[t] + W[t] already added.
    @inline(__always)
    private static func round(_ a: inout UInt32, _ b: inout UInt32, _ c: inout UInt32, _ d: inout UInt32,
                              _ e: inout UInt32, _ f: inout UInt32, _ g: inout UInt32, _ h: inout UInt32, _ kw: UInt32) {
        let t1 = h &+ SHA256.bigSigma1(e) &+ SHA256.choose(e, f, g) &+ kw
        let t2 = SHA256.bigSigma0(a) &+ SHA256.majority(a, b, c)
        h = g; g = f; f = e; e = d &+ t1
        d = c; c = b; b = a; a = t1 &+ t2
    }

    /// Whether a final state (digest words) read as a little-endian number is ≤ target.
    @inline(__always)
    static func meets(_ digest: SHA256.State, _ target: SIMD8<UInt32>) -> Bool {
        // Limb i (least significant first) of the hash number is digest word i byte-swapped.
        for i in stride(from: 7, through: 0, by: -1) {
            let limb = digest[i].byteSwapped
            if limb != target[i] { return limb < target[i] }
        }
        return true
    }
}
