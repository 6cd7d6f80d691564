import CSHA256Kernels
import MiningCore

/// What the CPU we run on supports, including OS support for the wide registers (XCR0) on x86-64
/// and the kernel's AT_HWCAP bits on ARM64, as `sm_cpu_features()` reports it (detected once,
/// cached).
public struct CPUFeatures: Sendable, Hashable {
    public let hasAVX2: Bool
    public let hasSHANI: Bool
    /// AVX-512 F + VL.
    public let hasAVX512: Bool
    /// ARM64 SHA-256 instructions (HWCAP_SHA2, with Advanced SIMD).
    public let hasARMSHA2: Bool
    /// ARM64 Advanced SIMD (HWCAP_ASIMD).
    public let hasNEON: Bool

    public init(hasAVX2: Bool, hasSHANI: Bool, hasAVX512: Bool, hasARMSHA2: Bool = false, hasNEON: Bool = false) {
        self.hasAVX2 = hasAVX2
        self.hasSHANI = hasSHANI
        self.hasAVX512 = hasAVX512
        self.hasARMSHA2 = hasARMSHA2
        self.hasNEON = hasNEON
    }

    /// The features of this machine's CPU (none on other architectures than x86-64 and ARM64).
    public static let current: CPUFeatures = {
        let bits = sm_cpu_features()
        return CPUFeatures(hasAVX2: bits & UInt32(SM_CPU_AVX2) != 0, hasSHANI: bits & UInt32(SM_CPU_SHANI) != 0,
                           hasAVX512: bits & UInt32(SM_CPU_AVX512) != 0,
                           hasARMSHA2: bits & UInt32(SM_CPU_ARMSHA2) != 0, hasNEON: bits & UInt32(SM_CPU_NEON) != 0)
    }()

    public func supports(_ kind: KernelKind) -> Bool {
        switch kind {
        case .swift: true
        case .shani: hasSHANI
        case .avx2: hasAVX2
        case .avx512: hasAVX512
        case .armsha2: hasARMSHA2
        case .neon: hasNEON
        }
    }
}

/// Picks kernels, never one the CPU lacks.
public enum KernelSelection {
    /// A kernel was asked for by name on a CPU that cannot run it.
    public struct UnsupportedKernel: Error, CustomStringConvertible, Equatable {
        public let kind: KernelKind
        public init(kind: KernelKind) { self.kind = kind }
        public var description: String {
            switch kind {
            case .avx512: "kernel avx512 needs AVX-512 (F+VL), which this CPU does not have"
            case .shani: "kernel shani needs the SHA extensions (SHA-NI), which this CPU does not have"
            case .avx2: "kernel avx2 needs AVX2, which this CPU does not have"
            case .armsha2: "kernel armsha2 needs the ARM64 SHA-256 instructions (HWCAP_SHA2), which this CPU does not have"
            case .neon: "kernel neon needs ARM64 Advanced SIMD (NEON), which this CPU does not have"
            case .swift: "kernel swift is always available"
            }
        }
    }

    /// Fastest first, a fixed order from measurements (`swiftminer bench --kernel K --threads 1`,
    /// median of 3 runs of 4 s): on AMD EPYC Zen 5 (AVX-512, SHA-NI, AVX2) avx512 56.3 MH/s, shani
    /// 30.1, avx2 16.8, swift 2.8; on AMD EPYC Zen 3 (no AVX-512) shani 24–29, avx2 11–13, swift
    /// 1.3–1.5. Mixing SHA-NI and AVX-512 work in one thread measured slower than AVX-512 alone
    /// (47 against 52 MH/s on Zen 5: both use the same vector pipes). Run `swiftminer bench` to
    /// compare them on a given machine, and force one with `--kernel`. On ARM64 (the x86 kernels
    /// are never available there, nor the ARM64 ones on x86-64) armsha2 before neon, from
    /// instruction counts rather than measurements (ARMSHA2Kernel, NEONKernel).
    public static let preferenceOrder: [KernelKind] = [.avx512, .shani, .avx2, .armsha2, .neon, .swift]

    /// The kernels this CPU can run, fastest first; always ends with `.swift`.
    public static func available(_ features: CPUFeatures = .current) -> [KernelKind] {
        preferenceOrder.filter { features.supports($0) }
    }

    /// The kernel of that kind; throws `UnsupportedKernel` when this CPU cannot run it.
    public static func make(_ kind: KernelKind, features: CPUFeatures = .current) throws -> any NonceScanningKernel {
        guard features.supports(kind) else { throw UnsupportedKernel(kind: kind) }
        switch kind {
        case .swift: return SwiftKernel()
        case .shani: return SHANIKernel()
        case .avx2: return AVX2Kernel()
        case .avx512: return AVX512Kernel()
        case .armsha2: return ARMSHA2Kernel()
        case .neon: return NEONKernel()
        }
    }

    /// The fastest kernel this CPU supports.
    public static func automatic(features: CPUFeatures = .current) -> any NonceScanningKernel {
        for kind in available(features) {
            if let kernel = try? make(kind, features: features) { return kernel }
        }
        return SwiftKernel()
    }
}
