import Foundation
import HashingEngine
import MiningCore
import MinerDaemon
import StratumProtocol
import XCTest

final class BenchmarkTests: XCTestCase {
    func testBenchJSONHasTheContractFields() throws {
        // Long enough for each thread to finish a first batch of the portable kernel (debug build).
        let duration = 0.5 * EndToEndRun.timeScale
        let result = try SwiftMinerBinary.run(["bench", "--json", "--threads", "2", "--seconds", "\(duration)", "--kernel", "swift"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let json = try JSONValue.parse(Array(result.stdout.utf8))
        // The contract's keys, plus the clock estimate and cycles per nonce (added later).
        XCTAssertEqual(Set(json.objectValue?.keys.map { $0 } ?? []),
                       ["kernel", "threads", "seconds", "hashes", "hashrate", "per_thread", "verified",
                        "clock_ghz_estimate", "cycles_per_nonce"])
        XCTAssertEqual(json["kernel"]?.stringValue, "swift")
        XCTAssertEqual(json["threads"]?.integerValue, 2)
        XCTAssertEqual(json["verified"]?.boolValue, true)
        let hashes = try XCTUnwrap(json["hashes"]?.doubleValue)
        let seconds = try XCTUnwrap(json["seconds"]?.doubleValue)
        let hashrate = try XCTUnwrap(json["hashrate"]?.doubleValue)
        let perThread = try XCTUnwrap(json["per_thread"]?.arrayValue).compactMap(\.doubleValue)
        XCTAssertGreaterThan(hashes, 0)
        XCTAssertEqual(perThread.count, 2)
        XCTAssertTrue(perThread.allSatisfy { $0 > 0 }, "both threads hashed")
        XCTAssertEqual(hashrate, hashes / seconds, accuracy: hashrate * 1e-6)
        XCTAssertEqual(perThread.reduce(0, +), hashrate, accuracy: hashrate * 1e-6)
        #if arch(x86_64) || arch(arm64)
        let gigahertz = try XCTUnwrap(json["clock_ghz_estimate"]?.doubleValue)
        let cycles = try XCTUnwrap(json["cycles_per_nonce"]?.doubleValue)
        XCTAssertGreaterThan(gigahertz, 0)
        XCTAssertEqual(cycles, gigahertz * 1e9 / (hashrate / 2), accuracy: cycles * 0.01, "clock over the per-thread rate")
        #endif
    }

    func testClockEstimateIsPositiveWhereTheAddChainExists() {
        #if arch(x86_64) || arch(arm64)
        XCTAssertGreaterThan(ClockEstimate.hertz(adds: 4_000_000, tries: 1) ?? 0, 0)
        #else
        XCTAssertNil(ClockEstimate.hertz(adds: 4_000_000, tries: 1))
        #endif
    }

    func testAutomaticKernelIsVerifiedAndNamed() throws {
        let result = try SwiftMinerBinary.run(["bench", "--json", "--threads", "1", "--seconds", "0.3"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let json = try JSONValue.parse(Array(result.stdout.utf8))
        let kind = try XCTUnwrap(json["kernel"]?.stringValue.flatMap(KernelKind.init(rawValue:)))
        XCTAssertTrue(KernelSelection.available().contains(kind))
        XCTAssertEqual(json["verified"]?.boolValue, true)
    }

    func testUnknownKernelIsRefused() throws {
        let result = try SwiftMinerBinary.run(["bench", "--kernel", "quantum", "--seconds", "0.1"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("unknown kernel"), result.stderr)
    }
}
