import Configuration
import Foundation
import XCTest

/// The TOML parser, `ConfigurationFile` (TOML → MinerSettings) and flag precedence.
final class ConfigurationTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    // MARK: Documented examples

    func testExampleConfigFileParsesWithItsDocumentedValues() throws {
        let path = Self.repository.appendingPathComponent("Config/swiftminer.toml").path
        let settings = try ConfigurationFile.load(path: path, environment: ["STATE_DIRECTORY": "/var/lib/swiftminer"])
        XCTAssertEqual(settings.workers.count, 1)
        let worker = settings.workers[0]
        XCTAssertEqual(worker.name, "rig1")
        XCTAssertEqual(worker.user, "bc1qexampleaddress.rig1")
        XCTAssertEqual(worker.pools.map(\.url), [
            "stratum+tcp://pool.example.com:3333", "stratum+ssl://backup.example.com:4443",
            "stratum2+tcp://v2.example.com:3336/9bXiEd8boQVhq7WddEcERUL5tyyJVFYdU8th3HfbNXK3Yw6GRXh",
        ])
        XCTAssertEqual(worker.pools[0].versionRolling, true)
        XCTAssertEqual(worker.pools[0].stratumV2Channel, .standard)
        XCTAssertEqual(worker.pools[0].certificateLeewaySeconds, 30)
        XCTAssertEqual(worker.threads, ProcessInfo.processInfo.activeProcessorCount)
        XCTAssertEqual(settings.kernel, .automatic)
        XCTAssertEqual(settings.statusFile, "/var/lib/swiftminer/status.json", "default: $STATE_DIRECTORY")
        XCTAssertEqual(settings.shareLog, "/var/lib/swiftminer/shares.jsonl")
        XCTAssertEqual(settings.statusInterval, .seconds(5))
        XCTAssertEqual(settings.shutdownGrace, .seconds(5))
        XCTAssertEqual(settings.shareLogMaxBytes, 64 << 20)
        XCTAssertEqual(settings.monitoring, MonitoringSettings())
    }

    /// Documents that must exist; every other `Docs/*.md` is read as well.
    static let requiredDocuments = ["README.md", "Docs/ARCHITECTURE.md", "Docs/MONITORING.md", "Docs/SERVICE.md", "Docs/SOLO.md"]

    /// The README and every Markdown document in `Docs/`.
    static var documentsWithConfigurationExamples: [String] {
        let docs = (try? FileManager.default.contentsOfDirectory(atPath: repository.appendingPathComponent("Docs").path)) ?? []
        return Array(Set(requiredDocuments + docs.filter { $0.hasSuffix(".md") }.map { "Docs/\($0)" })).sorted()
    }

    /// Every ```toml block of the README and the documents in Docs/ parses. A required document
    /// that is missing or unreadable is a failure, not a skip.
    func testEveryTOMLExampleInTheDocsParses() throws {
        var blocks: [(String, String)] = []
        for document in Self.documentsWithConfigurationExamples {
            let url = Self.repository.appendingPathComponent(document)
            let text: String
            do {
                text = try String(contentsOf: url, encoding: .utf8)
            } catch {
                XCTFail("\(document) cannot be read (\(url.path)): \(error)")
                continue
            }
            let parts = text.components(separatedBy: "```toml\n").dropFirst()
            for part in parts {
                blocks.append((document, part.components(separatedBy: "```")[0]))
            }
        }
        XCTAssertTrue(blocks.contains { $0.0 == "README.md" }, "the README shows a configuration")
        XCTAssertTrue(blocks.contains { $0.0 == "Docs/MONITORING.md" }, "Docs/MONITORING.md shows [metrics] and [api]")
        for (document, block) in blocks {
            XCTAssertNoThrow(try ConfigurationFile.parse(block, file: document), "\(document):\n\(block)")
        }
    }

    // MARK: TOML

    func testTOMLParserSyntax() throws {
        let table = try TOMLParser.parse(#"""
        # comment
        title = "a \"quoted\" \t \u00e9 string" # trailing comment
        literal = 'C:\path\no-escapes'
        "quoted key" = 1_000
        hex = 0xff
        negative = -17
        float = 6.5e-3
        flag = true
        multi = """
        line one
        line two"""
        list = [
          1,   # first
          2,
        ]
        dotted.key = "x"
        inline = { a = 1, b = "two" }

        [[worker]]
        name = "a"
        [[worker.pool]]
        url = "u1"
        [[worker.pool]]
        url = "u2"
        [[worker]]
        name = "b"
        [[worker.pool]]
        url = "u3"
        """#)
        func string(_ node: TOMLNode?) -> String? { if case .string(let s)? = node?.value { s } else { nil } }
        XCTAssertEqual(string(table["title"]), "a \"quoted\" \t é string")
        XCTAssertEqual(string(table["literal"]), #"C:\path\no-escapes"#)
        if case .integer(let value)? = table["quoted key"]?.value { XCTAssertEqual(value, 1000) } else { XCTFail() }
        if case .integer(let value)? = table["hex"]?.value { XCTAssertEqual(value, 255) } else { XCTFail() }
        if case .integer(let value)? = table["negative"]?.value { XCTAssertEqual(value, -17) } else { XCTFail() }
        if case .float(let value)? = table["float"]?.value { XCTAssertEqual(value, 0.0065) } else { XCTFail() }
        if case .boolean(let value)? = table["flag"]?.value { XCTAssertTrue(value) } else { XCTFail() }
        XCTAssertEqual(string(table["multi"]), "line one\nline two")
        if case .array(let items)? = table["list"]?.value { XCTAssertEqual(items.count, 2) } else { XCTFail() }
        if case .table(let dotted)? = table["dotted"]?.value { XCTAssertEqual(string(dotted["key"]), "x") } else { XCTFail() }
        if case .table(let inline)? = table["inline"]?.value { XCTAssertEqual(string(inline["b"]), "two") } else { XCTFail() }

        // [[worker.pool]] attaches to the last [[worker]]; each node remembers its line.
        guard case .array(let workers)? = table["worker"]?.value else { return XCTFail("workers") }
        XCTAssertEqual(workers.count, 2)
        XCTAssertEqual(workers.map(\.line), [19, 25])
        guard case .table(let first) = workers[0].value, case .array(let pools)? = first["pool"]?.value,
              case .table(let second) = workers[1].value, case .array(let pools2)? = second["pool"]?.value
        else { return XCTFail("pools") }
        XCTAssertEqual(pools.count, 2)
        XCTAssertEqual(pools2.count, 1)
        if case .table(let pool) = pools[1].value {
            XCTAssertEqual(string(pool["url"]), "u2")
            XCTAssertEqual(pool["url"]?.line, 24)
        }
    }

    func testTOMLSyntaxErrorsCarryTheLine() {
        let cases: [(String, Int)] = [
            ("a = 1\nb = \n", 2),
            ("a = 1\na = 2\n", 2),
            ("[t]\n[t]\n", 2),
            ("x = \"unterminated\n", 1),
            ("\n\nlist = [1, 2\n", 3),
            ("k = bare\n", 1),
            ("d = 1979-05-27\n", 1),
            ("a = 1 b = 2\n", 1),
        ]
        for (text, line) in cases {
            XCTAssertThrowsError(try TOMLParser.parse(text), text) { error in
                XCTAssertEqual((error as? TOMLError)?.line, line, "\(text): \(error)")
            }
        }
    }

    // MARK: Validation

    func testEveryErrorIsReportedWithFileLineAndKey() throws {
        let text = """
        [miner]
        threads = 0
        kernel = "fast"
        colour = "red"
        status_interval = "often"

        [[worker]]
        user = "u"
        password = "hunter2-secret"
        [[worker.pool]]
        url = "http://pool.example.com"
        [[worker.pool]]
        url = "stratum+tcp://a.example.com:3333"
        suggest_difficulty = -1
        tls_fingerprint_sha256 = "abc"

        [[worker]]
        name = "second"

        [metrics]
        listen = "nowhere"
        [api]
        allow = [1]
        [extra]
        """
        XCTAssertThrowsError(try ConfigurationFile.parse(text, file: "test.toml")) { error in
            let issues = (error as! ConfigurationErrors).issues
            let lines = issues.map(\.description)
            let expected = [
                "test.toml:2: key miner.threads: must be between 1 and 1024",
                "test.toml:3: key miner.kernel: unknown kernel \"fast\": use auto, swift, shani, avx2, avx512, armsha2 or neon",
                "test.toml:4: key miner.colour: unknown key",
                "test.toml:5: key miner.status_interval: expected a number, found a string",
                "test.toml:11: key worker[0].pool[0].url: not a pool URL",
                "test.toml:14: key worker[1].pool[1].suggest_difficulty",
                "test.toml:15: key worker[0].pool[1].tls_fingerprint_sha256: expected 64 hex digits",
                "test.toml:17: key worker[1].user: missing",
                "test.toml:17: key worker[1].pool: missing",
                "test.toml:21: key metrics.listen: expected HOST:PORT",
                "test.toml:23: key api.allow[0]: expected an address string",
                "test.toml:24: key extra: unknown key",
            ]
            for prefix in expected where prefix != "test.toml:14: key worker[1].pool[1].suggest_difficulty" {
                XCTAssertTrue(lines.contains { $0.hasPrefix(prefix) }, "missing \(prefix) in\n\(lines.joined(separator: "\n"))")
            }
            XCTAssertTrue(lines.contains { $0.hasPrefix("test.toml:14: key worker[0].pool[1].suggest_difficulty") })
            XCTAssertEqual(issues.count, expected.count, lines.joined(separator: "\n"))
            XCTAssertFalse(lines.joined().contains("hunter2"), "no secret in errors")
        }
    }

    func testAnUnquotedPasswordIsNotEchoedInTheSyntaxError() {
        XCTAssertThrowsError(try ConfigurationFile.parse("[[worker]]\npassword = hunter2\n", file: "f.toml")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("f.toml:2:"), text)
            XCTAssertFalse(text.contains("hunter2"))
        }
    }

    func testMonitoringSections() throws {
        let settings = try ConfigurationFile.parse("""
        [metrics]
        enabled = true
        listen = "0.0.0.0:9100"
        allow_remote = true
        [api]
        enabled = true
        listen = "127.0.0.1:4029"
        allow = ["127.0.0.1", "10.0.0.5"]
        """, file: "m.toml")
        XCTAssertEqual(settings.monitoring, MonitoringSettings(metricsEnabled: true, metricsListen: "0.0.0.0:9100", metricsAllowRemote: true, apiEnabled: true,
                                                               apiListen: "127.0.0.1:4029", apiAllow: ["127.0.0.1", "10.0.0.5"]))
    }

    // MARK: Precedence

    func testFlagsOverrideTheFile() throws {
        let directory = try configurationTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/c.toml"
        try """
        [miner]
        threads = 3
        kernel = "swift"
        status_file = "/from/file/status.json"
        share_log = "/from/file/shares.jsonl"
        log_level = "debug"
        [[worker]]
        name = "w"
        user = "file.user"
        password = "file-pass"
        [[worker.pool]]
        url = "stratum+tcp://file.example.com:1"
        """.write(toFile: path, atomically: true, encoding: .utf8)

        // The file alone.
        let plain = try ConfigurationFile.settings(file: path, overrides: CommandLineOverrides())
        XCTAssertEqual(plain.workers[0].threads, 3, "[miner] threads is the workers' default")
        XCTAssertEqual(plain.kernel, KernelChoice(argument: "swift"))
        XCTAssertEqual(plain.statusFile, "/from/file/status.json")
        XCTAssertEqual(plain.logLevel, .debug)

        // Every flag wins.
        let merged = try ConfigurationFile.settings(file: path, overrides: CommandLineOverrides(
            urls: ["stratum+tcp://flag.example.com:2", "stratum+tcp://flag2.example.com:3"], user: "flag.user",
            password: "flag-pass", threads: 1, kernel: .automatic, statusFile: "/flag/status.json", shareLog: "",
            logLevel: .warning))
        XCTAssertEqual(merged.workers.count, 1)
        XCTAssertEqual(merged.workers[0].name, "w")
        XCTAssertEqual(merged.workers[0].user, "flag.user")
        XCTAssertEqual(merged.workers[0].password, "flag-pass")
        XCTAssertEqual(merged.workers[0].threads, 1)
        XCTAssertEqual(merged.workers[0].pools.map(\.url), ["stratum+tcp://flag.example.com:2", "stratum+tcp://flag2.example.com:3"])
        XCTAssertEqual(merged.kernel, .automatic)
        XCTAssertEqual(merged.statusFile, "/flag/status.json")
        XCTAssertNil(merged.shareLog, "--share-log \"\" disables the share log")
        XCTAssertEqual(merged.logLevel, .warning)

        // Only some flags: the rest comes from the file.
        let partial = try ConfigurationFile.settings(file: path, overrides: CommandLineOverrides(user: "other.user"))
        XCTAssertEqual(partial.workers[0].user, "other.user")
        XCTAssertEqual(partial.workers[0].password, "file-pass")
        XCTAssertEqual(partial.workers[0].pools.map(\.url), ["stratum+tcp://file.example.com:1"])
    }

    func testFlagsAloneWorkWithoutAFile() throws {
        let settings = try ConfigurationFile.settings(
            file: nil, overrides: CommandLineOverrides(urls: ["stratum+tcp://127.0.0.1:3333"], user: "me.rig", threads: 2),
            environment: [:])
        XCTAssertEqual(settings.workers.count, 1)
        XCTAssertEqual(settings.workers[0].user, "me.rig")
        XCTAssertEqual(settings.workers[0].password, "x")
        XCTAssertEqual(settings.workers[0].threads, 2)
        XCTAssertEqual(settings.statusFile, "./status.json")
        XCTAssertThrowsError(try ConfigurationFile.settings(file: nil, overrides: CommandLineOverrides(urls: ["stratum+tcp://h:1"]),
                                                            environment: [:])) { error in
            XCTAssertTrue("\(error)".contains("key worker[0].user"), "\(error)")
        }
        XCTAssertThrowsError(try ConfigurationFile.settings(file: nil, overrides: CommandLineOverrides(), environment: [:]))
    }
}

/// A new empty directory under the system's temporary directory.
func configurationTemporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "swiftminer-configuration-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
