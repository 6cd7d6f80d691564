/// The kernels SwiftMiner knows, by their command-line names: x86-64 (shani, avx2, avx512),
/// ARM64 (armsha2: the ARMv8 SHA-256 instructions; neon: Advanced SIMD), and swift everywhere.
public enum KernelKind: String, Sendable, CaseIterable, Codable {
    case swift, shani, avx2, avx512, armsha2, neon
}
