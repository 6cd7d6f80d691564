import MiningCore
import StratumProtocol
import XCTest
import Foundation

final class DifficultyTests: XCTestCase {
    func testHashesPerDifficultyOneShareIsTwoToThe32() {
        XCTAssertEqual(Difficulty.hashesPerDifficultyOneShare, 0x1p32)
        // The diff-1 target admits 0xFFFF·2^208 + 1 of the 2^256 hashes: about one in 2^32.
        let admitted = Double(0xFFFF) * 0x1p208
        XCTAssertEqual(0x1p256 / admitted, Difficulty.hashesPerDifficultyOneShare, accuracy: Difficulty.hashesPerDifficultyOneShare / 60_000)
    }

    func testInvalidDifficultiesHaveNoTarget() {
        for bad in [0.0, -1.0, -0.5, .nan, .infinity, -.infinity] {
            XCTAssertNil(Difficulty.target(for: bad), "\(bad)")
        }
    }

    func testTinyDifficultySaturatesAndHugeDifficultyIsTiny() throws {
        XCTAssertEqual(Difficulty.target(for: 1e-30), .max)
        XCTAssertEqual(Difficulty.target(for: 0x1p-33), .max)  // 0xFFFF·2^241 > 2^256
        // 1e300 is far past any target: floor(diff1 / 1e300) = 0.
        XCTAssertEqual(Difficulty.target(for: 1e300), .zero)
    }

    func testTargetIsExactFloorOfDiff1OverDifficulty() throws {
        // difficulty 3: floor(0xFFFF·2^208 / 3) = 0x5555·2^208 exactly.
        XCTAssertEqual(Difficulty.target(for: 3)?.hex, "0000000055550000000000000000000000000000000000000000000000000000")
        // A fractional difficulty that is not a power of two: 0.1 as a Double is m·2^-56 with
        // m = 0x1999999999999a; the exact quotient is floor(0xFFFF·2^264 / m).
        let target = try XCTUnwrap(Difficulty.target(for: 0.1))
        XCTAssertEqual(Difficulty.of(target: target), 0.1, accuracy: 1e-15)
        // Monotonic: a higher difficulty never gives a larger target.
        var previous = UInt256.max
        for exponent in stride(from: -20.0, through: 40.0, by: 0.37) {
            let next = try XCTUnwrap(Difficulty.target(for: pow(2, exponent)))
            XCTAssertLessThanOrEqual(next, previous)
            previous = next
        }
    }

    func testShareDifficultyOfAHashAtTheTarget() throws {
        for difficulty in [0.001, 1, 512, 65536.5, 1e12] {
            let target = try XCTUnwrap(Difficulty.target(for: difficulty))
            XCTAssertEqual(Difficulty.of(hash: target), difficulty, accuracy: difficulty * 1e-12)
        }
        XCTAssertEqual(Difficulty.of(hash: .zero), .infinity)
    }

    func testVersionRollingAppliesOnlyMaskedBits() {
        XCTAssertEqual(VersionRolling.apply(version: 0x2000_0000, bits: 0x0000_2000, mask: 0x1fff_e000), 0x2000_2000)
        XCTAssertEqual(VersionRolling.apply(version: 0x2000_0004, bits: 0xffff_ffff, mask: 0x1fff_e000), 0x3fff_e004)
        XCTAssertEqual(VersionRolling.bits(forIndex: 1, mask: 0x1fff_e000), 0x0000_2000)
        XCTAssertEqual(VersionRolling.bits(forIndex: 3, mask: 0x1fff_e000), 0x0000_6000)
        XCTAssertEqual(VersionRolling.combinationCount(mask: 0x1fff_e000), 65536)
    }

    func testWireEncodingsRejectBadInput() {
        XCTAssertNil(WireEncoding.uint32(fromHex: "1234567"))
        XCTAssertNil(WireEncoding.uint32(fromHex: "1234567g"))
        XCTAssertEqual(WireEncoding.uint32(fromHex: "7552034c"), 0x7552_034c)
        XCTAssertEqual(WireEncoding.hex(0x0000_2000), "00002000")
        XCTAssertNil(WireEncoding.headerPrevHash(fromWire: String(repeating: "0", count: 62)))
        XCTAssertNil(Hex.decode("abc"))
        XCTAssertNil(Hex.decode("zz"))
    }

    func testNotifyValidationRejectsHostileValues() {
        let good: [JSONValue] = ["1", .string(String(repeating: "0", count: 64)), "01", "02", [], "20000000", "1d00ffff", "5b906723", true]
        XCTAssertNoThrow(try MiningNotify(params: good))
        var longID = good; longID[0] = .string(String(repeating: "x", count: 10_000))
        XCTAssertThrowsError(try MiningNotify(params: longID))
        var hugeBranch = good; hugeBranch[4] = .array(Array(repeating: .string(String(repeating: "ab", count: 32)), count: 100_000))
        XCTAssertThrowsError(try MiningNotify(params: hugeBranch))
        var shortPrev = good; shortPrev[1] = "00"
        XCTAssertThrowsError(try MiningNotify(params: shortPrev))
        var oddCoinbase = good; oddCoinbase[2] = "abc"
        XCTAssertThrowsError(try MiningNotify(params: oddCoinbase))
        // clean_jobs that is not a boolean: false (cgminer/cpuminer read it with json_is_true); the session counts it.
        var badClean = good; badClean[8] = "yes"
        XCTAssertEqual(try MiningNotify(params: badClean).cleanJobs, false)
        XCTAssertThrowsError(try MiningNotify(params: Array(good.prefix(7))))
        XCTAssertEqual(try MiningNotify(params: Array(good.prefix(8))).cleanJobs, false)  // missing clean_jobs: false
        let notify = try! MiningNotify(params: good)
        XCTAssertEqual(notify.params, good)
        XCTAssertThrowsError(try MiningJob(notify: notify, extranonce1: [], extranonce2Size: 4, difficulty: .nan))
        XCTAssertThrowsError(try MiningJob(notify: notify, extranonce1: [], extranonce2Size: 17, difficulty: 1))
    }
}
