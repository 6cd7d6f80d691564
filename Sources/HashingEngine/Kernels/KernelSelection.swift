import CSHA256Kernels

/// What the CPU we run on supports, including OS support for the wide registers (XCR0), as
/// `sm_cpu_features()` reports it (detected once, cached).
public struct CPUFeatures: Sendable, Hashable {
    public let hasAVX2: Bool
    public let hasSHANI: Bool
    /// AVX-512 F + VL.
    public let hasAVX512: Bool

    public init(hasAVX2: Bool, hasSHANI: Bool, hasAVX512: Bool) {
        self.hasAVX2 = hasAVX2
        self.hasSHANI = hasSHANI
        self.hasAVX512 = hasAVX512
    }

    /// The features of this machine's CPU (none on other architectures than x86-64).
    public static let current: CPUFeatures = {
        let bits = sm_cpu_features()
        return CPUFeatures(hasAVX2: bits & UInt32(SM_CPU_AVX2) != 0, hasSHANI: bits & UInt32(SM_CPU_SHANI) != 0,
                           hasAVX512: bits & UInt32(SM_CPU_AVX512) != 0)
    }()

    public func supports(_ kind: KernelKind) -> Bool {
        switch kind {
        case .swift: true
        case .shani: hasSHANI
        case .avx2: hasAVX2
        case .avx512: hasAVX512
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
            case .swift: "kernel swift is always available"
            }
        }
    }

    /// Fastest first. Measured standalone (C harness, 1 thread, thread CPU time, best of 100
    /// short runs, on a shared 2-core AMD EPYC Zen 3 VM whose other tenants make figures vary by
    /// up to 2x): shani 27–29 MH/s, avx2 11–13 MH/s; the swift kernel is far slower (reference
    /// code). avx512 could not be measured (no AVX-512 on that CPU); it comes first on the
    /// strength of its instruction count: about 200 vector instructions per nonce against about
    /// 720 for avx2 (vprord and vpternlogd replace three- and five-instruction sequences), which
    /// on CPUs with two 512-bit pipes should be ahead of SHA-NI's 61 sha256rnds2 per nonce. Run
    /// `swiftminer bench` to compare them on a given machine, and force one with `--kernel`.
    public static let preferenceOrder: [KernelKind] = [.avx512, .shani, .avx2, .swift]

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
