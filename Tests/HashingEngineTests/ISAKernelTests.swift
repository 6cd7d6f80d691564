import CSHA256Kernels
import HashingEngine
import MiningCore
import XCTest

/// The C kernels (SHA-NI, AVX2, AVX-512; ARM SHA-256 and NEON on ARM64) against the Swift reference scanner: identical found
/// lists and match counts on many random headers and targets, at the nonce-range edges, across the
/// 2^32 wrap-around, with odd counts and short found buffers. Kernels this CPU lacks are skipped
/// (never silently passed).
final class ISAKernelTests: XCTestCase {
    // MARK: - The comparison cases (computed once, shared by every kernel's test)

    /// A deterministic generator (SplitMix64), so that a failure reproduces.
    struct SplitMix64 {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
        mutating func next32() -> UInt32 { UInt32(truncatingIfNeeded: next() >> 32) }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    }

    struct Case: Sendable {
        let work: KernelWork
        let firstNonce: UInt32
        let count: UInt32
        /// The found buffer's size (sometimes smaller than the number of matches).
        let capacity: Int
        /// What ReferenceNonceScanner wrote and returned.
        let expectedFound: [UInt32]
        let expectedMatches: Int
        let label: String
    }

    static let caseCount = 10_000

    /// Target limbs (least significant first) as a UInt256.
    static func uint256(_ limbs: SIMD8<UInt32>) -> UInt256 {
        func pair(_ i: Int) -> UInt64 { UInt64(limbs[2 * i]) | UInt64(limbs[2 * i + 1]) << 32 }
        return UInt256(limbs: (pair(0), pair(1), pair(2), pair(3)))
    }

    /// The double SHA-256 of the header with this nonce, as the little-endian 256-bit number.
    static func hashValue(header: [UInt8], nonce: UInt32) -> UInt256 {
        var bytes = header
        bytes[76] = UInt8(truncatingIfNeeded: nonce)
        bytes[77] = UInt8(truncatingIfNeeded: nonce >> 8)
        bytes[78] = UInt8(truncatingIfNeeded: nonce >> 16)
        bytes[79] = UInt8(truncatingIfNeeded: nonce >> 24)
        return UInt256(littleEndianBytes: SHA256.hashTwice(bytes))!
    }

    static let cases: [Case] = {
        var random = SplitMix64(state: 0x5eed_5eed_0bad_cafe)
        let firstNonces: [(UInt32, String)] = [
            (0, "0"), (0xffff_ffff, "0xffffffff"), (0xffff_fff0, "wrap-16"), (0xffff_fffb, "wrap-5"),
            (0xffff_fff9, "wrap-7"), (1, "1"), (0x8000_0000, "2^31"),
        ]
        let counts: [UInt32] = [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 23, 31, 32, 33, 47, 64]
        var cases: [Case] = []
        cases.reserveCapacity(caseCount)
        for index in 0..<caseCount {
            var header = (0..<80).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            // Now and then a header with long runs of equal bytes, like real ones.
            if index % 7 == 3 { for i in 36..<68 { header[i] = 0 } }

            // Nonce range: edges and wrap-around half of the time, random otherwise.
            let firstNonce: UInt32, firstLabel: String
            if index % 2 == 0 {
                (firstNonce, firstLabel) = firstNonces[(index / 2) % firstNonces.count]
            } else {
                (firstNonce, firstLabel) = (random.next32(), "random")
            }
            let count = index % 3 == 0 ? UInt32(random.below(65)) : counts[index % counts.count]

            // Targets from "everything matches" to "nothing does", and exact boundaries.
            var limbs = SIMD8<UInt32>((0..<8).map { _ in random.next32() })
            let targetLabel: String
            switch index % 9 {
            case 0: limbs[7] = 0x0fff_ffff; targetLabel = "1/16"
            case 1: limbs[7] = 0x7fff_ffff; targetLabel = "1/2"
            case 2: limbs = SIMD8(repeating: .max); targetLabel = "max"
            case 3: limbs[7] = 0; targetLabel = "hard"
            case 4: limbs[7] = 0x00ff_ffff; targetLabel = "1/256"
            case 5: limbs[7] = random.next32() >> UInt32(random.below(32)); targetLabel = "random"
            case 6: limbs[7] = 0x1fff_ffff; limbs[6] = 0; targetLabel = "1/8"
            default:
                // The hash of one nonce in the range itself (it must match) or one less (it must
                // not): the full comparison below the most significant limb decides.
                let nonce = firstNonce &+ UInt32(random.below(max(Int(count), 1)))
                var target = hashValue(header: header, nonce: nonce)
                if index % 9 == 8 && !target.isZero {
                    // target - 1
                    var words = target.words32
                    for i in 0..<8 {
                        let borrow = words[i] == 0
                        words[i] &-= 1
                        if !borrow { break }
                    }
                    target = uint256(words)
                    targetLabel = "hash-1"
                } else {
                    targetLabel = "hash"
                }
                limbs = target.words32
            }
            let work = KernelWork(header: header, target: uint256(limbs))

            // Usually room for every match; sometimes only for a few, to check the contract.
            let capacity = index % 11 == 5 ? random.below(4) : Int(count) + 1
            var found = [UInt32](repeating: 0xdead_beef, count: capacity)
            let matches = found.withUnsafeMutableBufferPointer {
                ReferenceNonceScanner(work: work).scan(firstNonce: firstNonce, count: count, into: $0)
            }
            cases.append(Case(
                work: work, firstNonce: firstNonce, count: count, capacity: capacity,
                expectedFound: Array(found.prefix(min(matches, capacity))), expectedMatches: matches,
                label: "case \(index): first \(firstLabel) (\(firstNonce)), count \(count), target \(targetLabel), capacity \(capacity)"))
        }
        return cases
    }()

    // MARK: - Comparison with the reference

    func kernel(_ kind: KernelKind) throws -> any NonceScanningKernel {
        guard CPUFeatures.current.supports(kind) else {
            switch kind {
            case .avx512: throw XCTSkip("kernel avx512 not tested: this CPU lacks AVX-512 (F+VL)")
            case .shani: throw XCTSkip("kernel shani not tested: this CPU lacks SHA-NI")
            case .avx2: throw XCTSkip("kernel avx2 not tested: this CPU lacks AVX2")
            case .armsha2: throw XCTSkip("kernel armsha2 not tested: this CPU lacks the ARM64 SHA-256 instructions (scripts/check-arm64-kernels.sh checks it under qemu)")
            case .neon: throw XCTSkip("kernel neon not tested: this CPU lacks ARM64 NEON (scripts/check-arm64-kernels.sh checks it under qemu)")
            case .swift: fatalError("always supported")
            }
        }
        return try KernelSelection.make(kind)
    }

    func checkAgainstReference(_ kind: KernelKind) throws {
        let kernel = try kernel(kind)
        XCTAssertEqual(kernel.kind, kind)
        Self.checkAgainstReference(kernel, name: kind.rawValue)
    }

    /// Runs `kernel` on every case and compares its found list, match count and buffer use with
    /// the reference's (also used for the emulated AVX-512 body).
    static func checkAgainstReference(_ kernel: any NonceScanningKernel, name: String) {
        let cases = Self.cases
        XCTAssertEqual(cases.count, Self.caseCount)
        var failures = 0, totalMatches = 0, casesWithMatches = 0, wrapCasesWithMatches = 0
        for testCase in cases {
            // A guard word after the buffer: the kernel must not write past `capacity`.
            var buffer = [UInt32](repeating: 0xdead_beef, count: testCase.capacity + 1)
            let matches = buffer.withUnsafeMutableBufferPointer { whole in
                kernel.scan(testCase.work, firstNonce: testCase.firstNonce, count: testCase.count,
                            found: UnsafeMutableBufferPointer(rebasing: whole[0..<testCase.capacity]))
            }
            let written = Array(buffer.prefix(min(matches, testCase.capacity)))
            if matches != testCase.expectedMatches || written != testCase.expectedFound
                || buffer[testCase.capacity] != 0xdead_beef
            {
                failures += 1
                if failures <= 10 {
                    XCTFail("\(name), \(testCase.label): got \(matches) matches \(written), reference \(testCase.expectedMatches) \(testCase.expectedFound)")
                }
            }
            totalMatches += testCase.expectedMatches
            if testCase.expectedMatches > 0 {
                casesWithMatches += 1
                if UInt64(testCase.firstNonce) + UInt64(testCase.count) > 1 << 32 { wrapCasesWithMatches += 1 }
            }
        }
        XCTAssertEqual(failures, 0, "\(name): \(failures) of \(cases.count) cases differ from the reference")
        // The cases exercise what they claim to.
        XCTAssertGreaterThan(totalMatches, 20_000)
        XCTAssertGreaterThan(casesWithMatches, 3_000)
        XCTAssertGreaterThan(wrapCasesWithMatches, 100)
    }

    func testSHANIMatchesReference() throws { try checkAgainstReference(.shani) }
    func testAVX2MatchesReference() throws { try checkAgainstReference(.avx2) }
    func testAVX512MatchesReference() throws { try checkAgainstReference(.avx512) }
    func testARMSHA2MatchesReference() throws { try checkAgainstReference(.armsha2) }
    func testNEONMatchesReference() throws { try checkAgainstReference(.neon) }

    // MARK: - Long scans: the kernels agree with each other, and every nonce found is right

    func testLongScansAgreeAcrossKernels() throws {
        let kinds = KernelSelection.available().filter { $0 != .swift }
        guard !kinds.isEmpty else { throw XCTSkip("this CPU has none of SHA-NI, AVX2, AVX-512, ARM SHA-256, NEON") }
        var random = SplitMix64(state: 42)
        for round in 0..<4 {
            let header = (0..<80).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            var limbs = SIMD8<UInt32>((0..<8).map { _ in random.next32() })
            limbs[7] = 0x000f_ffff  // about 1 in 4096
            let work = KernelWork(header: header, target: Self.uint256(limbs))
            // Crosses 2^32 in the middle, from an unaligned start.
            let firstNonce = UInt32.max - 300_000 + UInt32(round) * 7
            let count: UInt32 = 600_003
            var results: [(KernelKind, [UInt32])] = []
            for kind in kinds {
                let kernel = try KernelSelection.make(kind)
                var found = [UInt32](repeating: 0, count: 1024)
                let matches = found.withUnsafeMutableBufferPointer {
                    kernel.scan(work, firstNonce: firstNonce, count: count, found: $0)
                }
                XCTAssertLessThanOrEqual(matches, found.count)
                results.append((kind, Array(found.prefix(matches))))
            }
            let reference = ReferenceNonceScanner(work: work)
            let (firstKind, firstFound) = results[0]
            XCTAssertGreaterThan(firstFound.count, 60, "about 146 expected")
            for nonce in firstFound {
                XCTAssertNotNil(reference.hashIfMeetsTarget(nonce: nonce), "\(firstKind.rawValue) found \(nonce)")
                XCTAssertTrue(nonce >= firstNonce || nonce < firstNonce &+ count, "\(nonce) is outside the range")
            }
            for (kind, found) in results.dropFirst() {
                XCTAssertEqual(found, firstFound, "\(kind.rawValue) and \(firstKind.rawValue) differ")
            }
        }
    }

    /// The genesis block: the kernels find its nonce at difficulty 1, and only it, in a range
    /// around it (a real header, so this also pins the nonce's byte order).
    static let genesisHeader = bytes(fromHex:
        "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c")
    static let genesisNonce: UInt32 = 2_083_236_893
    /// The genesis header at difficulty 1 (0x00000000ffff0000...0000).
    static let genesisWork: KernelWork = {
        var limbs = SIMD8<UInt32>(repeating: 0)
        limbs[6] = 0xffff_0000
        return KernelWork(header: genesisHeader, target: uint256(limbs))
    }()

    func testFindsTheGenesisNonce() throws {
        let work = Self.genesisWork, nonce = Self.genesisNonce
        var tested = 0
        for kind in KernelSelection.available() where kind != .swift {
            let kernel = try KernelSelection.make(kind)
            var found = [UInt32](repeating: 0, count: 8)
            let matches = found.withUnsafeMutableBufferPointer {
                kernel.scan(work, firstNonce: nonce - 100_000, count: 200_001, found: $0)
            }
            XCTAssertEqual(matches, 1, kind.rawValue)
            XCTAssertEqual(found[0], nonce, kind.rawValue)
            tested += 1
        }
        if tested == 0 { throw XCTSkip("this CPU has none of SHA-NI, AVX2, AVX-512, ARM SHA-256, NEON") }
    }

    // MARK: - Selection

    func testAvailableKernelsMatchTheCPU() {
        let available = KernelSelection.available()
        XCTAssertEqual(available.last, .swift)
        XCTAssertEqual(Set(available).count, available.count)
        let features = CPUFeatures.current
        for kind in KernelKind.allCases {
            XCTAssertEqual(available.contains(kind), features.supports(kind), kind.rawValue)
        }
        XCTAssertEqual(features.hasAVX2, sm_cpu_features() & UInt32(SM_CPU_AVX2) != 0)
        XCTAssertEqual(KernelSelection.available(CPUFeatures(hasAVX2: false, hasSHANI: false, hasAVX512: false)), [.swift])
        XCTAssertEqual(KernelSelection.available(CPUFeatures(hasAVX2: true, hasSHANI: true, hasAVX512: true)),
                       [.avx512, .shani, .avx2, .swift])
        // ARM64: armsha2 before neon; a CPU without the SHA-256 instructions gets neon.
        let arm = CPUFeatures(hasAVX2: false, hasSHANI: false, hasAVX512: false, hasARMSHA2: true, hasNEON: true)
        XCTAssertEqual(KernelSelection.available(arm), [.armsha2, .neon, .swift])
        let armWithoutSHA2 = CPUFeatures(hasAVX2: false, hasSHANI: false, hasAVX512: false, hasNEON: true)
        XCTAssertEqual(KernelSelection.available(armWithoutSHA2), [.neon, .swift])
        XCTAssertEqual(features.hasNEON, sm_cpu_features() & UInt32(SM_CPU_NEON) != 0)
        XCTAssertEqual(features.hasARMSHA2, sm_cpu_features() & UInt32(SM_CPU_ARMSHA2) != 0)
        #if arch(x86_64)
        XCTAssertFalse(features.hasNEON || features.hasARMSHA2)
        #elseif arch(arm64)
        XCTAssertFalse(features.hasAVX2 || features.hasSHANI || features.hasAVX512)
        #endif
    }

    func testAutomaticPicksTheFirstAvailableKernel() {
        let kernel = KernelSelection.automatic()
        XCTAssertTrue(KernelSelection.available().contains(kernel.kind))
        XCTAssertEqual(kernel.kind, KernelSelection.available().first)
        XCTAssertEqual(KernelSelection.automatic(features: CPUFeatures(hasAVX2: false, hasSHANI: false, hasAVX512: false)).kind, .swift)
    }

    func testMakingAnUnsupportedKernelThrows() throws {
        // A CPU without AVX-512 (whatever this one has): asking for avx512 is an error, not SIGILL.
        let withoutAVX512 = CPUFeatures(hasAVX2: true, hasSHANI: true, hasAVX512: false)
        XCTAssertThrowsError(try KernelSelection.make(.avx512, features: withoutAVX512)) { error in
            XCTAssertEqual("\(error)", "kernel avx512 needs AVX-512 (F+VL), which this CPU does not have")
            XCTAssertEqual(error as? KernelSelection.UnsupportedKernel, KernelSelection.UnsupportedKernel(kind: .avx512))
        }
        let bare = CPUFeatures(hasAVX2: false, hasSHANI: false, hasAVX512: false)
        for kind in [KernelKind.shani, .avx2, .avx512, .armsha2, .neon] {
            XCTAssertThrowsError(try KernelSelection.make(kind, features: bare), kind.rawValue)
        }
        // An ARM64 CPU without the SHA-256 instructions (a Raspberry Pi 4): `--kernel armsha2` is refused.
        let armWithoutSHA2 = CPUFeatures(hasAVX2: false, hasSHANI: false, hasAVX512: false, hasNEON: true)
        XCTAssertThrowsError(try KernelSelection.make(.armsha2, features: armWithoutSHA2)) { error in
            XCTAssertEqual("\(error)", "kernel armsha2 needs the ARM64 SHA-256 instructions (HWCAP_SHA2), which this CPU does not have")
        }
        XCTAssertThrowsError(try KernelSelection.make(.neon, features: bare)) { error in
            XCTAssertEqual("\(error)", "kernel neon needs ARM64 Advanced SIMD (NEON), which this CPU does not have")
        }
        XCTAssertEqual(try KernelSelection.make(.swift, features: bare).kind, .swift)
        // On this CPU: every kernel it supports can be made; the rest throw.
        for kind in KernelKind.allCases {
            if CPUFeatures.current.supports(kind) {
                XCTAssertEqual(try KernelSelection.make(kind).kind, kind)
            } else {
                XCTAssertThrowsError(try KernelSelection.make(kind))
            }
        }
    }

    func testZeroCountAndZeroCapacity() throws {
        var tested = 0
        let work = KernelWork(header: [UInt8](repeating: 7, count: 80), target: .max)
        for kind in KernelSelection.available() where kind != .swift {
            let kernel = try KernelSelection.make(kind)
            var found = [UInt32](repeating: 0xdead_beef, count: 4)
            found.withUnsafeMutableBufferPointer { buffer in
                XCTAssertEqual(kernel.scan(work, firstNonce: 0xffff_fffe, count: 0, found: buffer), 0, kind.rawValue)
                // Everything meets the maximum target: the count is exact even with no room.
                XCTAssertEqual(kernel.scan(work, firstNonce: 0xffff_fffe, count: 1000,
                                           found: UnsafeMutableBufferPointer(rebasing: buffer[0..<0])), 1000, kind.rawValue)
                XCTAssertEqual(kernel.scan(work, firstNonce: 0xffff_fffe, count: 3, found: buffer), 3, kind.rawValue)
            }
            XCTAssertEqual(found, [0xffff_fffe, 0xffff_ffff, 0, 0xdead_beef], kind.rawValue)
            tested += 1
        }
        if tested == 0 { throw XCTSkip("this CPU has none of SHA-NI, AVX2, AVX-512, ARM SHA-256, NEON") }
    }
}

private func bytes(fromHex hex: String) -> [UInt8] {
    func value(_ c: UInt8) -> UInt8 { c <= 57 ? c - 48 : (c | 0x20) - 87 }
    var bytes: [UInt8] = []
    var iterator = hex.utf8.makeIterator()
    while let high = iterator.next(), let low = iterator.next() {
        bytes.append(value(high) << 4 | value(low))
    }
    return bytes
}
