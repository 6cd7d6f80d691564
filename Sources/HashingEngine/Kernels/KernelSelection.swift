import CSHA256Kernels

/// What the CPU we run on supports (including OS support for the wide registers).
public struct CPUFeatures: Sendable, Hashable {
    public let hasAVX2: Bool
    public let hasSHANI: Bool
    public let hasAVX512: Bool

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

/// Picks kernels: never one the CPU lacks.
public enum KernelSelection {
    public struct UnsupportedKernel: Error, CustomStringConvertible {
        public let kind: KernelKind
        public var description: String {
            switch kind {
            case .avx512: "kernel avx512 needs AVX-512 (F+VL), which this CPU does not have"
            case .shani: "kernel shani needs the SHA extensions (SHA-NI), which this CPU does not have"
            case .avx2: "kernel avx2 needs AVX2, which this CPU does not have"
            case .swift: "kernel swift is always available"
            }
        }
    }

    /// Fastest first (measured with `swiftminer bench`, see the note on each kernel).
    public static let preferenceOrder: [KernelKind] = [.avx512, .shani, .avx2, .swift]

    /// The kernels this CPU can run, fastest first; always ends with `.swift`.
    public static func available(_ features: CPUFeatures = .current) -> [KernelKind] {
        preferenceOrder.filter { features.supports($0) }
    }

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
        try! make(available(features)[0], features: features)
    }
}
