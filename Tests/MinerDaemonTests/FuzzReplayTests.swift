import Foundation
import XCTest

/// The fuzz harness (`Fuzz/StratumFuzzer`, built by `swift build` as a replay / mutation driver)
/// in every test run: the seed corpus, every kept crash input (`Fuzz/regressions/`) and ten
/// thousand seeded mutations go through framing → JSON-RPC → ServerMessage → MiningJob → the
/// reference scanner and the session state machine. A broken invariant traps the driver, which
/// fails here with its message. The coverage-guided libFuzzer runs are in Fuzz/README.md.
final class FuzzReplayTests: XCTestCase {
    static let fuzzDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fuzz")

    func inputCount(_ folder: String) -> Int {
        let path = Self.fuzzDirectory.appendingPathComponent(folder).path
        return ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { !$0.hasPrefix(".") }.count
    }

    func testSeedCorpusRegressionsAndSeededMutationsKeepEveryInvariant() throws {
        let driver = SwiftMinerBinary.productURL("StratumFuzzer")
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: driver.path),
                      "StratumFuzzer was not built next to the tests (\(driver.path))")
        let seeds = inputCount("corpus")
        XCTAssertGreaterThanOrEqual(seeds, 40, "the seed corpus of real pool lines is missing")
        let regressions = inputCount("regressions")
        let folders = ["corpus", "regressions"].map { Self.fuzzDirectory.appendingPathComponent($0).path }
        let result = try SwiftMinerBinary.run(["--mutate", "10000", "--seed", "20261129"] + folders, timeout: 300,
                                              executable: driver)
        XCTAssertEqual(result.status, 0, "a fuzz invariant broke:\n\(result.stderr.suffix(2000))")
        XCTAssertTrue(result.stdout.contains("replayed \(seeds + regressions) inputs"), result.stdout)
        XCTAssertTrue(result.stdout.contains("ran 10000 mutations (seed 20261129)"), result.stdout)
    }
}
