import Foundation
import XCTest

/// `swiftminer check-config`, and `run` with a bad file.
final class CheckConfigCommandTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func testCheckConfigRefusesBadTimers() throws {
        let directory = NSTemporaryDirectory() + "swiftminer-timers-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let bad = directory + "/bad.toml"
        try """
        [[worker]]
        user = "u"
        primary_probe_interval = 0
        [[worker.pool]]
        url = "stratum+tcp://127.0.0.1:3333"
        suggest_difficulty = "sometimes"
        """.write(toFile: bad, atomically: true, encoding: .utf8)
        let result = try SwiftMinerBinary.run(["check-config", bad])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("\(bad):3: key worker[0].primary_probe_interval:"), result.stderr)
        XCTAssertTrue(result.stderr.contains("\(bad):6: key worker[0].pool[0].suggest_difficulty:"), result.stderr)
    }

    /// A Stratum V2 pool: check-config says its key is valid and which channel it opens; a mistyped
    /// key is an error on the URL's line that names the checksum.
    func testCheckConfigChecksStratumV2AuthorityKeys() throws {
        let directory = try temporaryDirectory()
        let key = "9bXiEd8boQVhq7WddEcERUL5tyyJVFYdU8th3HfbNXK3Yw6GRXh"
        let good = directory + "/v2.toml"
        try """
        [[worker]]
        user = "u"
        [[worker.pool]]
        url = "stratum2+tcp://127.0.0.1:3336/\(key)"
        """.write(toFile: good, atomically: true, encoding: .utf8)
        let ok = try SwiftMinerBinary.run(["check-config", good])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertTrue(ok.stdout.contains("stratum2+tcp://127.0.0.1:3336/\(key) (Stratum V2, authority key valid, standard channel)"), ok.stdout)
        let bad = directory + "/v2-typo.toml"
        try """
        [[worker]]
        user = "u"
        [[worker.pool]]
        url = "stratum2+tcp://127.0.0.1:3336/\(key.dropLast())X"
        """.write(toFile: bad, atomically: true, encoding: .utf8)
        let refused = try SwiftMinerBinary.run(["check-config", bad])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("\(bad):4: key worker[0].pool[0].url: not a Stratum V2 pool URL: the authority key is not valid base58check"),
                      refused.stderr)
    }

    /// A file with only `[[proxy]]` tables is valid; a proxy listening beyond loopback without an
    /// allow list is an error on its line, from check-config and from `proxy` (before anything starts).
    func testCheckConfigChecksProxies() throws {
        let directory = NSTemporaryDirectory() + "swiftminer-proxy-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let proxy = """
            [miner]
            kernel = "auto"
            [[proxy]]
            name = "farm"
            user = "acct.farm"
            password = "very-secret-pass"
            [[proxy.pool]]
            url = "stratum+tcp://127.0.0.1:3333"
            """
        let good = directory + "/good.toml"
        try proxy.write(toFile: good, atomically: true, encoding: .utf8)
        let ok = try SwiftMinerBinary.run(["check-config", good])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertTrue(ok.stdout.contains("proxy farm: listen 127.0.0.1:3333 (loopback only), user acct.farm, pools stratum+tcp://127.0.0.1:3333"),
                      ok.stdout)
        XCTAssertFalse(ok.stdout.contains("very-secret-pass"))

        let bad = directory + "/bad.toml"
        try proxy.replacingOccurrences(of: "name = \"farm\"", with: "name = \"farm\"\nlisten = \"0.0.0.0:3333\"")
            .write(toFile: bad, atomically: true, encoding: .utf8)
        let failed = try SwiftMinerBinary.run(["check-config", bad])
        XCTAssertNotEqual(failed.status, 0)
        XCTAssertTrue(failed.stderr.contains("\(bad):3: key proxy[0]: listen 0.0.0.0:3333 is not a loopback address"), failed.stderr)
        let run = try SwiftMinerBinary.run(["proxy", "--config", bad, "--status-file", directory + "/status.json"], timeout: 20)
        XCTAssertEqual(run.status, 78, "EX_CONFIG")
        XCTAssertTrue(run.stderr.contains("\(bad):3: key proxy[0]: listen 0.0.0.0:3333"), run.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/status.json"), "nothing started")
        XCTAssertFalse((failed.stderr + run.stderr).contains("very-secret-pass"))
    }

    func testCheckConfigCommand() throws {
        let directory = try serviceTemporaryDirectory()
        let bad = directory + "/bad.toml"
        try """
        [miner]
        kernel = "warp"
        [[worker]]
        user = "u"
        password = "very-secret-pass"
        unknown = true
        [[worker.pool]]
        url = "ftp://x"
        """.write(toFile: bad, atomically: true, encoding: .utf8)
        let failed = try SwiftMinerBinary.run(["check-config", bad])
        XCTAssertNotEqual(failed.status, 0)
        XCTAssertTrue(failed.stderr.contains("\(bad):2: key miner.kernel:"), failed.stderr)
        XCTAssertTrue(failed.stderr.contains("\(bad):6: key worker[0].unknown: unknown key"), failed.stderr)
        XCTAssertTrue(failed.stderr.contains("\(bad):8: key worker[0].pool[0].url:"), failed.stderr)
        XCTAssertFalse((failed.stdout + failed.stderr).contains("very-secret-pass"))

        let example = Self.repository.appendingPathComponent("Config/swiftminer.toml").path
        let good = try SwiftMinerBinary.run(["check-config", example])
        XCTAssertEqual(good.status, 0, good.stderr)
        XCTAssertTrue(good.stdout.contains("OK"))

        // `run` refuses the bad file the same way, before starting anything.
        let run = try SwiftMinerBinary.run(["run", "--config", bad, "--status-file", directory + "/status.json"], timeout: 20)
        XCTAssertEqual(run.status, 78, "EX_CONFIG")
        XCTAssertTrue(run.stderr.contains("\(bad):2: key miner.kernel:"), run.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/status.json"), "nothing started")
        XCTAssertFalse(run.stderr.contains("very-secret-pass"))
    }
}
