import MiningCore

/// Checks a kernel against the pure-Swift reference on random headers before it is trusted:
/// with targets that many nonces meet, across the 2^32 wrap-around, with odd counts.
public enum KernelVerification {
    public struct Mismatch: Error, CustomStringConvertible {
        public let description: String
    }

    /// Throws `Mismatch` on the first difference.
    public static func verify(_ kernel: any NonceScanningKernel, headers: Int = 64, noncesPerHeader: UInt32 = 257) throws {
        if kernel.kind == .swift { return }  // it is the reference
        var generator = SystemRandomNumberGenerator()
        let capacity = Int(noncesPerHeader)
        let found = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: capacity)
        defer { found.deallocate() }
        for index in 0..<headers {
            let header = (0..<80).map { _ in UInt8.random(in: 0...255, using: &generator) }
            // About one nonce in 2, 4, … 256 meets the target; every eighth header a hard one.
            let exponent = index % 8 == 7 ? 0 : 24 + index % 8
            let target = Difficulty.target(for: exponent == 0 ? 1e6 : 1 / Double(1 << exponent))!
            let work = KernelWork(header: header, target: target)
            let first = index % 4 == 0 ? UInt32.max - noncesPerHeader / 2 : UInt32.random(in: 0...UInt32.max, using: &generator)
            var expected: [UInt32] = []
            ReferenceNonceScanner(work: work).scan(firstNonce: first, count: noncesPerHeader) { expected.append($0) }
            let count = kernel.scan(work, firstNonce: first, count: noncesPerHeader, found: found)
            let actual = Array(found[0..<min(count, capacity)])
            guard count == expected.count, actual == expected else {
                throw Mismatch(description:
                    "kernel \(kernel.kind.rawValue) disagrees with the reference on header \(index): found \(count) nonces, expected \(expected.count)")
            }
        }
    }
}
