import Foundation
import MinerDaemon
import StratumProtocol
import TestVectors
import XCTest

/// `verify-share` reproduces the hash and difficulty of every stratum share vector, both through
/// the library and through the built `swiftminer` binary.
final class ShareVerifierTests: XCTestCase {
    static func inputs() throws -> [(id: String, input: ShareVerifier.Input, vector: JSONValue)] {
        try (VectorFile.vectors(kind: "stratum_share") + VectorFile.vectors(kind: "stratum_job_from_block")).map { v in
            let n = v["notify"]!, submit = v["submit"]!
            let params: JSONValue = [n["job_id"]!, n["prevhash"]!, n["coinb1"]!, n["coinb2"]!, n["merkle_branch"]!,
                                     n["version"]!, n["nbits"]!, n["ntime"]!, n["clean_jobs"]!]
            let input = ShareVerifier.Input(
                notifyJSON: params.serialized, extranonce1: try v["subscribe"]!.string("extranonce1"),
                extranonce2: try submit.string("extranonce2"), ntime: try submit.string("ntime"),
                nonce: try submit.string("nonce"), versionBits: submit["version_bits"]?.stringValue,
                versionMask: v["configure"]?["version_rolling_mask"]?.stringValue,
                difficulty: v["set_difficulty"]?.doubleValue ?? v["expected"]?["accepted_at_difficulty"]?.doubleValue)
            return (v.id, input, v)
        }
    }

    static func check(_ report: JSONValue, against v: JSONValue, file: StaticString = #filePath, line: UInt = #line) {
        let expected = v["expected"]!, derived = v["derived"]
        if let hash = expected["block_hash"]?.stringValue ?? derived?["block_hash"]?.stringValue {
            XCTAssertEqual(report["hash"]?.stringValue, hash, v.id, file: file, line: line)
        }
        if let header = expected["header_hex"]?.stringValue ?? derived?["header_hex"]?.stringValue {
            XCTAssertEqual(report["header"]?.stringValue, header, v.id, file: file, line: line)
        }
        if let root = expected["merkle_root_internal_hex"]?.stringValue ?? derived?["merkle_root_internal_hex"]?.stringValue {
            XCTAssertEqual(report["merkle_root"]?.stringValue, root, v.id, file: file, line: line)
        }
        let difficulty = report["share_difficulty"]?.doubleValue ?? -1
        if let floor = expected["share_difficulty_floor"]?.integerValue {
            XCTAssertEqual(Int64(difficulty.rounded(.down)), floor, v.id, file: file, line: line)
        }
        if let derivedDifficulty = derived?["share_difficulty"]?.doubleValue {
            XCTAssertEqual(difficulty, derivedDifficulty, accuracy: derivedDifficulty * 1e-9, v.id, file: file, line: line)
        }
        if expected["accepted_at_difficulty"] != nil {
            XCTAssertEqual(report["meets_difficulty"]?.boolValue, true, v.id, file: file, line: line)
        }
        if let meets = expected["meets_network_target"]?.boolValue {
            XCTAssertEqual(report["meets_network_target"]?.boolValue, meets, v.id, file: file, line: line)
        }
    }

    func testLibraryReproducesEveryShareVector() throws {
        let cases = try Self.inputs()
        XCTAssertGreaterThanOrEqual(cases.count, 3)
        for (_, input, vector) in cases {
            Self.check(try ShareVerifier.verify(input).json, against: vector)
        }
    }

    func testBinaryReproducesEveryShareVector() throws {
        for (_, input, vector) in try Self.inputs() {
            var arguments = ["verify-share", "--json", "--notify", input.notifyJSON, "--extranonce1", input.extranonce1,
                             "--extranonce2", input.extranonce2, "--ntime", input.ntime, "--nonce", input.nonce]
            if let bits = input.versionBits, let mask = input.versionMask {
                arguments += ["--version-bits", bits, "--version-mask", mask]
            }
            if let difficulty = input.difficulty { arguments += ["--difficulty", String(difficulty)] }
            let result = try SwiftMinerBinary.run(arguments)
            XCTAssertEqual(result.status, 0, result.stderr)
            Self.check(try JSONValue.parse(Array(result.stdout.utf8)), against: vector)
        }
    }

    func testDroppingTheVersionBitsTurnsTheShareIntoANonShare() throws {
        let (_, input, vector) = try XCTUnwrap(try Self.inputs().first { $0.input.versionBits != nil })
        var withoutBits = input
        withoutBits.versionBits = nil
        withoutBits.versionMask = nil
        let report = try ShareVerifier.verify(withoutBits)
        let below = try XCTUnwrap(vector["negative"]?["without_version_bits_share_difficulty_below"]?.doubleValue)
        XCTAssertLessThan(report.evaluation.shareDifficulty, below)
        XCTAssertEqual(report.meetsDifficulty, false)
    }

    func testBadInputIsAClearErrorNotACrash() throws {
        let (_, input, _) = try XCTUnwrap(try Self.inputs().first)
        var bad = input
        bad.notifyJSON = "[1,2"
        XCTAssertThrowsError(try ShareVerifier.verify(bad)) { XCTAssertTrue("\($0)".contains("--notify")) }
        bad = input
        bad.nonce = "123"
        XCTAssertThrowsError(try ShareVerifier.verify(bad)) { XCTAssertTrue("\($0)".contains("--nonce")) }
        let result = try SwiftMinerBinary.run(["verify-share", "--notify", "[]", "--extranonce1", "00", "--extranonce2", "00",
                                               "--ntime", "00000000", "--nonce", "00000000"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("expected 9 params"), result.stderr)
    }
}
