import MiningCore
import StratumProtocol
import XCTest
import Foundation

/// The nonce-scanning reference (midstate, precomputed rounds, early reject) against plain
/// SHA-256d of the full header.
final class ReferenceNonceScannerTests: XCTestCase {
    func testMatchesPlainSHA256DOnRandomHeaders() {
        var generator = SystemRandomNumberGenerator()
        var matches = 0
        for _ in 0..<300 {
            var header = (0..<80).map { _ in UInt8.random(in: 0...255, using: &generator) }
            // Difficulty 2^-k gives a target of about 2^(224+k): a nonce matches with probability
            // about 2^(k-32), from one in 2^13 up to every nonce.
            let difficulty = pow(2, -Double.random(in: 19...34, using: &generator))
            let target = Difficulty.target(for: difficulty)!
            let scanner = ReferenceNonceScanner(work: KernelWork(header: header, target: target))
            let first = UInt32.random(in: 0...UInt32.max, using: &generator)
            var found: [UInt32] = []
            scanner.scan(firstNonce: first, count: 16) { found.append($0) }
            var expected: [UInt32] = []
            for offset in 0..<UInt32(16) {
                let nonce = first &+ offset
                withUnsafeBytes(of: nonce.littleEndian) { header.replaceSubrange(76..<80, with: $0) }
                let value = UInt256(littleEndianBytes: SHA256.hashTwice(header))!
                if value <= target { expected.append(nonce) }
            }
            XCTAssertEqual(found, expected)
            matches += expected.count
        }
        // The targets chosen make both outcomes common: the comparison exercised both paths.
        XCTAssertGreaterThan(matches, 100)
        XCTAssertLessThan(matches, 300 * 16)
    }

    func testHashIfMeetsTargetReturnsTheDigestState() {
        let header = (0..<80).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let scanner = ReferenceNonceScanner(work: KernelWork(header: header, target: .max))
        let state = scanner.hashIfMeetsTarget(nonce: 0x0403_0201 ^ 0x4c4d_4e4f)
        var full = header
        withUnsafeBytes(of: (0x0403_0201 ^ 0x4c4d_4e4f as UInt32).littleEndian) { full.replaceSubrange(76..<80, with: $0) }
        XCTAssertEqual(state.map(SHA256.serialize), SHA256.hashTwice(full))
    }

    func testNonceRangeWrapsAtTheTop() {
        let header = [UInt8](repeating: 0x5a, count: 80)
        let scanner = ReferenceNonceScanner(work: KernelWork(header: header, target: .max))
        var found: [UInt32] = []
        scanner.scan(firstNonce: 0xFFFF_FFFE, count: 4) { found.append($0) }
        XCTAssertEqual(found, [0xFFFF_FFFE, 0xFFFF_FFFF, 0, 1])
    }

    func testGenesisNonceIsFoundAndItsNeighboursAreNot() throws {
        // Mainnet genesis header (chainparams) with the nonce field zeroed.
        var header = BlockHeader(bytes: Hex.decode(
            "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c")!)!
        let nonce = header.nonce
        header.nonce = 0
        let scanner = ReferenceNonceScanner(work: KernelWork(header: header.bytes, target: CompactTarget(nbits: header.nbits).target))
        var found: [UInt32] = []
        scanner.scan(firstNonce: nonce - 500, count: 1000) { found.append($0) }
        XCTAssertEqual(found, [nonce])
    }
}
