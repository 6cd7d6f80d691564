import CSHA256Kernels
import HashingEngine
import MiningCore
import XCTest

/// The AVX-512 kernel has two bodies, one vector per loop body and two (scan_avx512_pair.c), and
/// `sm_scan_avx512` runs only the one that suits this CPU; both are checked here on any AVX-512 CPU.
final class AVX512BodyTests: XCTestCase {
    struct Body: NonceScanningKernel {
        let pair: Bool
        var kind: KernelKind { .avx512 }
        func scan(_ work: KernelWork, firstNonce: UInt32, count: UInt32, found: UnsafeMutableBufferPointer<UInt32>) -> Int {
            pair ? scanWithC(sm_scan_avx512_pair, work, firstNonce, count, found)
                : scanWithC(sm_scan_avx512_single, work, firstNonce, count, found)
        }
    }

    func bodies() throws -> [(name: String, body: Body)] {
        guard CPUFeatures.current.supports(.avx512) else {
            throw XCTSkip("AVX-512 bodies not tested: this CPU lacks AVX-512 (F+VL)")
        }
        return [("avx512 single", Body(pair: false)),
                ("avx512 pair", Body(pair: true))]
    }

    /// The same 10,000 random headers, targets, ranges (32-nonce bodies see partial last vectors
    /// and wrap-around at other offsets than 16-nonce ones) and capacities as every kernel.
    func testBothBodiesMatchTheReference() throws {
        for (name, body) in try bodies() {
            ISAKernelTests.checkAgainstReference(body, name: name)
        }
    }

    func testBothBodiesFindTheGenesisNonce() throws {
        let nonce = ISAKernelTests.genesisNonce
        for (name, body) in try bodies() {
            for first in [nonce - 100_000, nonce - 31, nonce] {  // the nonce in several lanes
                var found = [UInt32](repeating: 0, count: 8)
                let matches = found.withUnsafeMutableBufferPointer {
                    body.scan(ISAKernelTests.genesisWork, firstNonce: first, count: 200_001, found: $0)
                }
                XCTAssertEqual(matches, 1, "\(name), first \(first)")
                XCTAssertEqual(found[0], nonce, "\(name), first \(first)")
            }
        }
    }

    /// Only AMD family 0x19 with AVX-512 (Zen 4) gets the pair body; Zen 5 and Intel keep the single.
    func testHalfWidthIsZen4Only() {
        XCTAssertEqual(sm_x86_avx512_is_half_width(1, 0x19), 1)  // Zen 4
        XCTAssertEqual(sm_x86_avx512_is_half_width(1, 0x1a), 0)  // Zen 5
        XCTAssertEqual(sm_x86_avx512_is_half_width(1, 0x17), 0)  // Zen 2 (no AVX-512 anyway)
        XCTAssertEqual(sm_x86_avx512_is_half_width(0, 6), 0)     // Intel
        XCTAssertEqual(sm_x86_avx512_is_half_width(0, 0x19), 0)  // another vendor's family 0x19
        let bits = sm_cpu_features()
        if bits & UInt32(SM_CPU_AVX512_HALF_WIDTH) != 0 {
            XCTAssertNotEqual(bits & UInt32(SM_CPU_AVX512), 0, "the pair body needs AVX-512 itself")
        }
    }
}
