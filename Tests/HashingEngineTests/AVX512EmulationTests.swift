import CAVX512Emulation
import CSHA256Kernels
import HashingEngine
import MiningCore
import XCTest

/// The AVX-512 kernel's vocabulary (sm_avx512_vocabulary.h) and lane-parallel body, compiled over
/// plain-C definitions of the intrinsics (Tests/CAVX512Emulation), against the reference on every
/// CPU. This checks the kernel's logic — the vpternlogd immediates, rotation counts, byte swap,
/// lane mask and early reject — where no AVX-512 hardware is at hand; the instructions themselves
/// are only exercised by ISAKernelTests.testAVX512MatchesReference on an AVX-512 CPU.
final class AVX512EmulationTests: XCTestCase {
    /// The emulated body behind the kernel protocol.
    struct EmulatedAVX512Kernel: NonceScanningKernel {
        var kind: KernelKind { .avx512 }
        func scan(_ work: KernelWork, firstNonce: UInt32, count: UInt32, found: UnsafeMutableBufferPointer<UInt32>) -> Int {
            scanWithC(sm_emu_scan_avx512, work, firstNonce, count, found)
        }
    }

    /// The emulated vpternlogd follows Intel's definition (result bit = immediate bit number
    /// a << 2 | b << 1 | c), checked on the immediates that select one operand, and the three the
    /// kernel uses give xor3, Ch and Maj.
    func testTernaryLogicEmulationFollowsTheTruthTable() {
        var random = ISAKernelTests.SplitMix64(state: 7)
        for _ in 0..<1000 {
            let a = random.next32(), b = random.next32(), c = random.next32()
            XCTAssertEqual(sm_emu_ternarylogic(a, b, c, 0xf0), a)
            XCTAssertEqual(sm_emu_ternarylogic(a, b, c, 0xcc), b)
            XCTAssertEqual(sm_emu_ternarylogic(a, b, c, 0xaa), c)
            XCTAssertEqual(sm_emu_ternarylogic(a, b, c, 0x96), a ^ b ^ c)
            XCTAssertEqual(sm_emu_ternarylogic(a, b, c, 0xca), (a & b) | (~a & c))
            XCTAssertEqual(sm_emu_ternarylogic(a, b, c, 0xe8), (a & b) | (a & c) | (b & c))
        }
    }

    /// The same 10,000 random headers, targets and nonce ranges as the real kernels.
    func testEmulatedAVX512BodyMatchesReference() {
        ISAKernelTests.checkAgainstReference(EmulatedAVX512Kernel(), name: "avx512 (emulated)")
    }

    /// A real header: the genesis nonce at difficulty 1, and nothing else in a range around it
    /// (pins the nonce's byte order through the emulated byte swap).
    func testEmulatedAVX512BodyFindsTheGenesisNonce() {
        var found = [UInt32](repeating: 0, count: 8)
        let nonce = ISAKernelTests.genesisNonce
        let matches = found.withUnsafeMutableBufferPointer {
            EmulatedAVX512Kernel().scan(ISAKernelTests.genesisWork, firstNonce: nonce - 50_000, count: 100_001, found: $0)
        }
        XCTAssertEqual(matches, 1)
        XCTAssertEqual(found[0], nonce)
    }
}
