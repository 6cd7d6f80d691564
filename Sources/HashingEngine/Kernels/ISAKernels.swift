import CSHA256Kernels
import MiningCore

// The ISA-specific kernels: thin wrappers around the C functions in CSHA256Kernels. Each C kernel
// is compiled for its instruction set only (per-function target attributes), so calling it on a
// CPU without that instruction set dies with SIGILL. Get them from `KernelSelection.make(_:)`,
// which checks the CPU first; the initializers check it too and stop with a clear message.

extension KernelWork {
    /// The C kernels' view of the work (the same words, as C arrays).
    package var cWork: sm_work {
        let m = midstate, t = target
        return sm_work(
            midstate: (m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7]),
            tail: (tail[0], tail[1], tail[2]),
            target: (t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7]))
    }
}

/// The signature every C kernel shares.
package typealias CScanFunction = (UnsafePointer<sm_work>?, UInt32, UInt32, UnsafeMutablePointer<UInt32>?, Int) -> Int

/// Calls one C kernel with the work and the caller's buffer (the C side writes at most
/// `found.count` nonces and returns the total number of matches).
@inline(__always)
package func scanWithC(
    _ function: CScanFunction, _ work: KernelWork, _ firstNonce: UInt32, _ count: UInt32,
    _ found: UnsafeMutableBufferPointer<UInt32>
) -> Int {
    var cWork = work.cWork
    return function(&cWork, firstNonce, count, found.baseAddress, found.count)
}

@inline(__always)
private func requireSupport(_ kind: KernelKind) {
    precondition(CPUFeatures.current.supports(kind), KernelSelection.UnsupportedKernel(kind: kind).description)
}

/// SHA-NI: the CPU's SHA-256 instructions (sha256rnds2 / msg1 / msg2), four nonces interleaved.
/// About 30 MH/s per thread on AMD EPYC Zen 5, 24–29 on Zen 3.
public struct SHANIKernel: NonceScanningKernel {
    /// Stops the process when the CPU lacks SHA-NI (use `KernelSelection.make(.shani)` to get an
    /// error instead).
    public init() { requireSupport(.shani) }
    public var kind: KernelKind { .shani }
    public func scan(_ work: KernelWork, firstNonce: UInt32, count: UInt32, found: UnsafeMutableBufferPointer<UInt32>) -> Int {
        scanWithC(sm_scan_shani, work, firstNonce, count, found)
    }
}

/// AVX2: eight nonces per 256-bit vector. About 16.8 MH/s per thread on AMD EPYC Zen 5, 11–13 on Zen 3.
public struct AVX2Kernel: NonceScanningKernel {
    /// Stops the process when the CPU lacks AVX2 (use `KernelSelection.make(.avx2)` to get an
    /// error instead).
    public init() { requireSupport(.avx2) }
    public var kind: KernelKind { .avx2 }
    public func scan(_ work: KernelWork, firstNonce: UInt32, count: UInt32, found: UnsafeMutableBufferPointer<UInt32>) -> Int {
        scanWithC(sm_scan_avx2, work, firstNonce, count, found)
    }
}

/// AVX-512 (F + VL): sixteen nonces per 512-bit vector, with vprord rotations and vpternlogd for
/// Ch, Maj and three-way xors. About 56 MH/s per thread on AMD EPYC Zen 5; on Zen 4 (512-bit
/// instructions as two halves) it runs two vectors per loop body, about 36 MH/s per thread.
public struct AVX512Kernel: NonceScanningKernel {
    /// Stops the process when the CPU lacks AVX-512 F + VL (use `KernelSelection.make(.avx512)`
    /// to get an error instead).
    public init() { requireSupport(.avx512) }
    public var kind: KernelKind { .avx512 }
    public func scan(_ work: KernelWork, firstNonce: UInt32, count: UInt32, found: UnsafeMutableBufferPointer<UInt32>) -> Int {
        scanWithC(sm_scan_avx512, work, firstNonce, count, found)
    }
}

/// ARM64 SHA-256 instructions (sha256h / sha256h2 / sha256su0 / sha256su1), four nonces
/// interleaved. Checked under qemu-aarch64 only (scripts/check-arm64-kernels.sh); estimated from
/// instruction counts at 18–27 MH/s per core on a Cortex-A76 (Raspberry Pi 5), not measured.
public struct ARMSHA2Kernel: NonceScanningKernel {
    /// Stops the process when the CPU lacks the SHA-256 instructions (use
    /// `KernelSelection.make(.armsha2)` to get an error instead).
    public init() { requireSupport(.armsha2) }
    public var kind: KernelKind { .armsha2 }
    public func scan(_ work: KernelWork, firstNonce: UInt32, count: UInt32, found: UnsafeMutableBufferPointer<UInt32>) -> Int {
        scanWithC(sm_scan_armsha2, work, firstNonce, count, found)
    }
}

/// ARM64 Advanced SIMD (NEON): four nonces per 128-bit vector, for ARM64 CPUs without the SHA-256
/// instructions (a Raspberry Pi 4's Cortex-A72, for one). Checked under qemu-aarch64 only;
/// estimated at up to ~3.7 MH/s per core on a Cortex-A76, not measured.
public struct NEONKernel: NonceScanningKernel {
    /// Stops the process when the CPU lacks Advanced SIMD (use `KernelSelection.make(.neon)` to
    /// get an error instead).
    public init() { requireSupport(.neon) }
    public var kind: KernelKind { .neon }
    public func scan(_ work: KernelWork, firstNonce: UInt32, count: UInt32, found: UnsafeMutableBufferPointer<UInt32>) -> Int {
        scanWithC(sm_scan_neon, work, firstNonce, count, found)
    }
}
