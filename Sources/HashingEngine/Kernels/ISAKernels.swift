import CSHA256Kernels
import MiningCore

extension KernelWork {
    /// The C kernels' view of the work.
    var cWork: sm_work {
        var work = sm_work()
        withUnsafeMutableBytes(of: &work.midstate) { raw in
            let words = raw.bindMemory(to: UInt32.self)
            for i in 0..<8 { words[i] = midstate[i] }
        }
        withUnsafeMutableBytes(of: &work.tail) { raw in
            let words = raw.bindMemory(to: UInt32.self)
            for i in 0..<3 { words[i] = tail[i] }
        }
        withUnsafeMutableBytes(of: &work.target) { raw in
            let words = raw.bindMemory(to: UInt32.self)
            for i in 0..<8 { words[i] = target[i] }
        }
        return work
    }
}

/// Calls one C kernel with the work and the caller's buffer.
@inline(__always)
private func scanWithC(
    _ function: (UnsafePointer<sm_work>?, UInt32, UInt32, UnsafeMutablePointer<UInt32>?, Int) -> Int,
    _ work: KernelWork, _ firstNonce: UInt32, _ count: UInt32, _ found: UnsafeMutableBufferPointer<UInt32>
) -> Int {
    var cWork = work.cWork
    return function(&cWork, firstNonce, count, found.baseAddress, found.count)
}

/// SHA-NI: the CPU's SHA-256 instructions, several nonces interleaved.
public struct SHANIKernel: NonceScanningKernel {
    public init() {}
    public var kind: KernelKind { .shani }
    public func scan(_ work: KernelWork, firstNonce: UInt32, count: UInt32, found: UnsafeMutableBufferPointer<UInt32>) -> Int {
        scanWithC(sm_scan_shani, work, firstNonce, count, found)
    }
}

/// AVX2: eight nonces per 256-bit vector.
public struct AVX2Kernel: NonceScanningKernel {
    public init() {}
    public var kind: KernelKind { .avx2 }
    public func scan(_ work: KernelWork, firstNonce: UInt32, count: UInt32, found: UnsafeMutableBufferPointer<UInt32>) -> Int {
        scanWithC(sm_scan_avx2, work, firstNonce, count, found)
    }
}

/// AVX-512: sixteen nonces per 512-bit vector.
public struct AVX512Kernel: NonceScanningKernel {
    public init() {}
    public var kind: KernelKind { .avx512 }
    public func scan(_ work: KernelWork, firstNonce: UInt32, count: UInt32, found: UnsafeMutableBufferPointer<UInt32>) -> Int {
        scanWithC(sm_scan_avx512, work, firstNonce, count, found)
    }
}
