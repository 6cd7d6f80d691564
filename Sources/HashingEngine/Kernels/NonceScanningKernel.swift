import MiningCore

/// A nonce-scanning kernel: given the work for one header, finds the nonces in a range whose
/// double SHA-256 meets the target.
public protocol NonceScanningKernel: Sendable {
    /// Which kernel this is (appears in logs, the status file and `bench`).
    var kind: KernelKind { get }
    /// Scans `count` nonces from `firstNonce` (wrapping at 2^32), writes up to `found.count`
    /// matching nonces into `found`, and returns the number of matches (which may be larger).
    func scan(_ work: KernelWork, firstNonce: UInt32, count: UInt32, found: UnsafeMutableBufferPointer<UInt32>) -> Int
}

/// The portable pure-Swift kernel (the fallback on every CPU).
public struct SwiftKernel: NonceScanningKernel {
    public init() {}
    public var kind: KernelKind { .swift }
    public func scan(_ work: KernelWork, firstNonce: UInt32, count: UInt32, found: UnsafeMutableBufferPointer<UInt32>) -> Int {
        ReferenceNonceScanner(work: work).scan(firstNonce: firstNonce, count: count, into: found)
    }
}
