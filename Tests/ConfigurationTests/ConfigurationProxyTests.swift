import Configuration
import FarmProxyCore
import Foundation
import MonitoringAddresses
import PoolSettings
import XCTest

/// `[[proxy]]` tables (the farm proxy, issue 24): every key, the defaults, the checks (with
/// `ProxyConfiguration.problems` on the proxy's line), and `swiftminer proxy`'s flags.
final class ConfigurationProxyTests: XCTestCase {
    /// Two proxies: the first on lines 1-5 (its pool's `url` on line 4, `pool` lines from line 5),
    /// the second from line 6 (name on 7, listen 127.0.0.1:3400 on 8, `extra` keys from line 10),
    /// then `after` (other tables).
    private static func proxy(_ extra: String = "", pool: String = "", url: String = "stratum+tcp://pool.example.com:3333",
                              after: String = "") -> String {
        """
        [[proxy]]
        user = "acct.farm"
        [[proxy.pool]]
        url = "\(url)"
        \(pool)
        [[proxy]]
        name = "second"
        listen = "127.0.0.1:3400"
        user = "acct.other"
        \(extra)
        [[proxy.pool]]
        url = "stratum+tcp://pool.example.com:3333"
        """ + (after.isEmpty ? "" : "\n" + after)
    }

    private func issues(_ text: String) -> [String] {
        do {
            _ = try ConfigurationFile.parse(text, file: "p.toml", environment: [:])
            return []
        } catch {
            return error.issues.map(\.description)
        }
    }

    private func issues(proxy overrides: ProxyCommandLineOverrides, file: String? = nil) -> [ConfigurationIssue] {
        do {
            _ = try ConfigurationFile.proxySettings(file: file, overrides: overrides, environment: [:])
            return []
        } catch {
            return error.issues
        }
    }

    // MARK: Keys and defaults

    func testAFullProxyParsesToEveryValue() throws {
        let settings = try ConfigurationFile.parse("""
            [[proxy]]
            name = "farm"
            listen = "0.0.0.0:3400"
            allow = ["10.0.0.0/8", "192.168.1.0/24"]
            user = "acct.farm"
            password = "farm-pass"
            connect_timeout = 3
            subscribe_timeout = 4.5
            idle_timeout = 90
            job_timeout = 45
            submit_timeout = 12
            reconnect_backoff_min = 0.5
            reconnect_backoff_max = 20
            primary_probe_interval = 30
            max_reconnect_wait = 15
            downstream_share_interval = 7.5
            downstream_min_difficulty = 0.5
            downstream_max_difficulty = 65536
            hold_downstreams = 0
            max_downstreams = 200
            max_line_length = 4096
            handshake_timeout = 10
            downstream_idle_timeout = 120
            max_submits_per_second = 25.5
            max_invalid_lines = 3
            extranonce_prefix_size = 1
            [[proxy.pool]]
            url = "stratum+ssl://pool.example.com:4443"
            tls_fingerprint_sha256 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
            allow_self_signed = true
            extranonce_subscribe = false
            suggest_difficulty = 1024
            version_rolling = false
            allow_reconnect_to_other_host = true
            [[proxy.pool]]
            url = "stratum+tcp://backup.example.com:3333"
            """, file: "p.toml", environment: [:])
        XCTAssertEqual(settings.workers.count, 0)
        XCTAssertEqual(settings.proxies.count, 1)
        let proxy = try XCTUnwrap(settings.proxies.first)
        XCTAssertEqual(proxy.name, "farm")
        XCTAssertEqual(proxy.listen, try ListenAddress(host: "0.0.0.0", port: 3400))
        XCTAssertEqual(proxy.allow, ["10.0.0.0/8", "192.168.1.0/24"])
        XCTAssertEqual(proxy.user, "acct.farm")
        XCTAssertEqual(proxy.password, "farm-pass")
        var timers = ConnectionTimers()
        timers.connectTimeout = .seconds(3)
        timers.subscribeTimeout = .milliseconds(4500)
        timers.idleTimeout = .seconds(90)
        timers.jobTimeout = .seconds(45)
        timers.submitTimeout = .seconds(12)
        timers.backoff.initial = .milliseconds(500)
        timers.backoff.maximum = .seconds(20)
        timers.primaryProbeInterval = .seconds(30)
        timers.maximumReconnectWait = .seconds(15)
        XCTAssertEqual(proxy.timers, timers)
        XCTAssertEqual(proxy.downstreamShareInterval, 7.5)
        XCTAssertEqual(proxy.downstreamMinimumDifficulty, 0.5)
        XCTAssertEqual(proxy.downstreamMaximumDifficulty, 65536)
        XCTAssertEqual(proxy.holdDownstreams, 0)
        XCTAssertEqual(proxy.maximumDownstreams, 200)
        XCTAssertEqual(proxy.maximumLineLength, 4096)
        XCTAssertEqual(proxy.handshakeTimeout, 10)
        XCTAssertEqual(proxy.idleTimeout, 120)
        XCTAssertEqual(proxy.maximumSubmitsPerSecond, 25.5)
        XCTAssertEqual(proxy.maximumInvalidLines, 3)
        XCTAssertEqual(proxy.extranoncePrefixSize, 1)
        XCTAssertEqual(proxy.pools, [
            PoolConfiguration(url: "stratum+ssl://pool.example.com:4443",
                              tlsFingerprintSHA256: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                              allowSelfSigned: true, extranonceSubscribe: false, versionRolling: false,
                              allowReconnectToOtherHost: true, difficultySuggestion: .fixed(1024), stratumV2Channel: .extended),
            PoolConfiguration(url: "stratum+tcp://backup.example.com:3333", extranonceSubscribe: true, difficultySuggestion: .off,
                              stratumV2Channel: .extended),
        ])
    }

    func testAMinimalProxyTakesTheDefaults() throws {
        let settings = try ConfigurationFile.parse("""
            [[proxy]]
            user = "acct.farm"
            [[proxy.pool]]
            url = "stratum+tcp://pool.example.com:3333"
            [[proxy]]
            user = "acct.farm"
            listen = "127.0.0.1:3334"
            [[proxy.pool]]
            url = "stratum+tcp://pool.example.com:3333"
            """, file: "p.toml", environment: [:])
        XCTAssertEqual(settings.proxies.map(\.name), ["proxy", "proxy1"])
        let proxy = settings.proxies[0]
        let defaults = ProxyConfiguration(user: "acct.farm", pools: [])
        XCTAssertEqual(proxy.listen, try ListenAddress(host: "127.0.0.1", port: 3333))
        XCTAssertEqual(proxy.allow, [])
        XCTAssertEqual(proxy.password, "x")
        XCTAssertEqual(proxy.timers, ConnectionTimers())
        XCTAssertEqual(proxy.downstreamShareInterval, defaults.downstreamShareInterval)
        XCTAssertEqual(proxy.downstreamMinimumDifficulty, defaults.downstreamMinimumDifficulty)
        XCTAssertEqual(proxy.downstreamMaximumDifficulty, defaults.downstreamMaximumDifficulty)
        XCTAssertEqual(proxy.holdDownstreams, defaults.holdDownstreams)
        XCTAssertEqual(proxy.maximumDownstreams, defaults.maximumDownstreams)
        XCTAssertEqual(proxy.maximumLineLength, defaults.maximumLineLength)
        XCTAssertEqual(proxy.handshakeTimeout, defaults.handshakeTimeout)
        XCTAssertEqual(proxy.idleTimeout, defaults.idleTimeout)
        XCTAssertEqual(proxy.maximumSubmitsPerSecond, defaults.maximumSubmitsPerSecond)
        XCTAssertEqual(proxy.maximumInvalidLines, defaults.maximumInvalidLines)
        XCTAssertEqual(proxy.extranoncePrefixSize, defaults.extranoncePrefixSize)
        XCTAssertEqual(proxy.pools, [PoolConfiguration(url: "stratum+tcp://pool.example.com:3333", extranonceSubscribe: true,
                                                       versionRolling: true, difficultySuggestion: .off, stratumV2Channel: .extended)])
    }

    func testExtranonceSubscribeDefaultsToTrueForProxyPoolsOnly() throws {
        let settings = try ConfigurationFile.parse("""
            [[worker]]
            user = "acct.rig"
            [[worker.pool]]
            url = "stratum+tcp://pool.example.com:3333"
            [[proxy]]
            user = "acct.farm"
            [[proxy.pool]]
            url = "stratum+tcp://pool.example.com:3333"
            [[proxy.pool]]
            url = "stratum+tcp://backup.example.com:3333"
            extranonce_subscribe = false
            suggest_difficulty = "auto"
            """, file: "p.toml", environment: [:])
        XCTAssertEqual(settings.workers[0].pools[0].extranonceSubscribe, false, "a worker's pool keeps its own default")
        XCTAssertEqual(settings.workers[0].pools[0].difficultySuggestion, .auto)
        XCTAssertEqual(settings.proxies[0].pools.map(\.extranonceSubscribe), [true, false], "given: kept")
        XCTAssertEqual(settings.proxies[0].pools.map(\.difficultySuggestion), [.off, .auto])
    }

    // MARK: Run and check-config

    func testAFileWithOnlyProxiesIsValidForRunAndOneWithNeitherIsNot() throws {
        let directory = try configurationTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/proxy.toml"
        try Self.proxy().write(toFile: path, atomically: true, encoding: .utf8)
        let settings = try ConfigurationFile.settings(file: path, overrides: CommandLineOverrides(), environment: [:])
        XCTAssertEqual(settings.workers.count, 0)
        XCTAssertEqual(settings.proxies.map(\.name), ["proxy", "second"])

        let empty = directory + "/empty.toml"
        try "[miner]\nkernel = \"auto\"\n".write(toFile: empty, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ConfigurationFile.settings(file: empty, overrides: CommandLineOverrides(), environment: [:])) { error in
            let issues = (error as! ConfigurationErrors).issues
            XCTAssertEqual(issues.map(\.key), ["worker"], "\(issues)")
            XCTAssertTrue(issues[0].message.contains("[[proxy]]"), issues[0].message)
        }
    }

    // MARK: Checks

    func testANonLoopbackListenWithoutAllowIsAnErrorOnTheProxysLine() {
        let found = issues("""
            [miner]
            kernel = "auto"
            [[proxy]]
            listen = "0.0.0.0:3333"
            user = "acct.farm"
            [[proxy.pool]]
            url = "stratum+tcp://pool.example.com:3333"
            """)
        XCTAssertEqual(found.count, 1, "\(found)")
        XCTAssertTrue(found.first?.hasPrefix("p.toml:3: key proxy[0]: listen 0.0.0.0:3333 is not a loopback address") ?? false, "\(found)")
        XCTAssertTrue(found.first?.contains("allow") ?? false, "\(found)")
        XCTAssertEqual(issues(Self.proxy("", pool: "").replacingOccurrences(
            of: "user = \"acct.farm\"", with: "user = \"acct.farm\"\nlisten = \"0.0.0.0:3333\"\nallow = [\"10.0.0.0/8\"]")), [])
    }

    func testBadAllowEntriesAreErrors() {
        let malformed = issues(Self.proxy().replacingOccurrences(of: "user = \"acct.farm\"",
                                                                  with: "user = \"acct.farm\"\nallow = [\"10.0.0.0/33\", \"W:10.0.0.0/8\"]"))
        XCTAssertEqual(malformed.count, 2, "\(malformed)")
        XCTAssertTrue(malformed.allSatisfy { $0.hasPrefix("p.toml:1: key proxy[0]: allow entry") }, "\(malformed)")
        XCTAssertTrue(malformed.contains { $0.contains("\"10.0.0.0/33\"") }, "\(malformed)")
        XCTAssertTrue(malformed.contains { $0.contains("\"W:10.0.0.0/8\"") }, "\(malformed)")

        let notStrings = issues(Self.proxy().replacingOccurrences(of: "user = \"acct.farm\"", with: "user = \"acct.farm\"\nallow = [8]"))
        XCTAssertEqual(notStrings, ["p.toml:3: key proxy[0].allow[0]: expected a network string, e.g. \"10.0.0.0/8\""])
        let notAnArray = issues(Self.proxy().replacingOccurrences(of: "user = \"acct.farm\"",
                                                                   with: "user = \"acct.farm\"\nallow = \"10.0.0.0/8\""))
        XCTAssertEqual(notAnArray.count, 1, "\(notAnArray)")
        XCTAssertTrue(notAnArray.first?.hasPrefix("p.toml:3: key proxy[0].allow: expected an array") ?? false, "\(notAnArray)")
    }

    func testUnknownKeysAreErrors() {
        let found = issues(Self.proxy("colour = \"red\"\nthreads = 2", pool: "coinbase = 1"))
        XCTAssertEqual(found.count, 3, "\(found)")
        XCTAssertTrue(found.contains { $0.hasPrefix("p.toml:5: key proxy[0].pool[0].coinbase: unknown key") }, "\(found)")
        XCTAssertTrue(found.contains { $0.hasPrefix("p.toml:10: key proxy[1].colour: unknown key") }, "\(found)")
        XCTAssertTrue(found.contains { $0.hasPrefix("p.toml:11: key proxy[1].threads: unknown key") }, "a worker key: \(found)")
    }

    func testASoloNodeIsRefusedAsAProxyPool() {
        let byURL = issues(Self.proxy(url: "http://127.0.0.1:8332"))
        XCTAssertEqual(byURL.count, 1, "\(byURL)")
        XCTAssertTrue(byURL.first?.hasPrefix("p.toml:4: key proxy[0].pool[0].url: a proxy forwards to Stratum pools only") ?? false,
                      "\(byURL)")
        XCTAssertTrue(byURL.first?.contains("[[worker]]") ?? false, "\(byURL)")

        let byAddress = issues(Self.proxy(pool: "coinbase_addr = \"bcrt1qdavt4j2sd7dlhqsavtnfxvzppw6k7qy97tmnu9\""))
        XCTAssertEqual(byAddress.count, 1, "\(byAddress)")
        XCTAssertTrue(byAddress.first?.hasPrefix("p.toml:5: key proxy[0].pool[0].coinbase_addr: a proxy forwards to Stratum pools only")
                      ?? false, "\(byAddress)")
    }

    func testProxyNamesMustDiffer() {
        let found = issues(Self.proxy().replacingOccurrences(of: "name = \"second\"", with: "name = \"proxy\""))
        XCTAssertEqual(found, ["p.toml:7: key proxy[1].name: duplicate proxy name \"proxy\" (also proxy[0])"])
        let spaced = issues(Self.proxy().replacingOccurrences(of: "name = \"second\"", with: "name = \"a b\""))
        XCTAssertEqual(spaced, ["p.toml:7: key proxy[1].name: must be 1 to 64 characters without spaces"])
    }

    func testTwoListenersMayNotShareAnAddress() {
        let same = issues(Self.proxy().replacingOccurrences(of: "127.0.0.1:3400", with: "127.0.0.1:3333"))
        XCTAssertEqual(same.count, 1, "\(same)")
        XCTAssertTrue(same.first?.hasPrefix("p.toml:8: key proxy[1].listen: 127.0.0.1:3333 is already taken by proxy[0]") ?? false,
                      "\(same)")
        let wildcard = issues(Self.proxy().replacingOccurrences(of: "\"127.0.0.1:3400\"",
                                                                 with: "\"0.0.0.0:3333\"\nallow = [\"10.0.0.0/8\"]"))
        XCTAssertEqual(wildcard.count, 1, "0.0.0.0 takes the port on 127.0.0.1 too: \(wildcard)")
        XCTAssertTrue(wildcard.first?.hasPrefix("p.toml:8: key proxy[1].listen:") ?? false, "\(wildcard)")
        XCTAssertEqual(issues(Self.proxy().replacingOccurrences(of: "\"127.0.0.1:3400\"", with: "\"[::1]:3333\"")), [],
                       "another address on the same port")

        let metrics = Self.proxy(after: "[metrics]\nenabled = true\nlisten = \"127.0.0.1:3400\"")
        let taken = issues(metrics)
        XCTAssertEqual(taken.count, 1, "\(taken)")
        XCTAssertTrue(taken.first?.hasPrefix("p.toml:8: key proxy[1].listen: 127.0.0.1:3400 is already taken by [metrics] listen") ?? false,
                      "\(taken)")
        XCTAssertEqual(issues(metrics.replacingOccurrences(of: "enabled = true", with: "enabled = false")), [],
                       "a disabled endpoint takes no address")
    }

    func testValuesAreCheckedAgainstTheirRanges() {
        let found = issues(Self.proxy("""
            max_downstreams = 0
            max_line_length = 255
            extranonce_prefix_size = 9
            downstream_share_interval = 0
            hold_downstreams = -1
            max_submits_per_second = "many"
            downstream_min_difficulty = 2048
            downstream_max_difficulty = 1024
            """))
        let expected = [
            "p.toml:6: key proxy[1]: downstream_min_difficulty must be positive and not above downstream_max_difficulty",
            "p.toml:10: key proxy[1].max_downstreams: must be between 1 and 65536",
            "p.toml:11: key proxy[1].max_line_length: must be between 256 and 1048576",
            "p.toml:12: key proxy[1].extranonce_prefix_size: must be between 1 and 8",
            "p.toml:13: key proxy[1].downstream_share_interval: must be greater than 0",
            "p.toml:14: key proxy[1].hold_downstreams: must be at least 0",
            "p.toml:15: key proxy[1].max_submits_per_second: expected a number",
        ]
        XCTAssertEqual(found.count, expected.count, found.joined(separator: "\n"))
        for (line, prefix) in zip(found, expected) {
            XCTAssertTrue(line.hasPrefix(prefix), "\(line) is not \(prefix)")
        }
    }

    func testAMissingLoginOrPoolIsReportedOnce() {
        let found = issues("""
            [[proxy]]
            listen = "nowhere"
            [[proxy]]
            user = ""
            pool = []
            [[proxy]]
            user = "acct.farm"
            listen = "127.0.0.1:3335"
            """)
        XCTAssertEqual(found, [
            "p.toml:1: key proxy[0].user: missing: the upstream pool login, one for the whole farm (usually ADDRESS.NAME)",
            "p.toml:1: key proxy[0].pool: missing: at least one [[proxy.pool]] with a url",
            "p.toml:2: key proxy[0].listen: listen address \"nowhere\" is not HOST:PORT with HOST an IP address (e.g. 127.0.0.1:9464 or [::1]:9464)",
            "p.toml:4: key proxy[1].user: must not be empty",
            "p.toml:5: key proxy[1].pool: expected [[proxy.pool]] tables, at least one",
            "p.toml:6: key proxy[2].pool: missing: at least one [[proxy.pool]] with a url",
        ])
    }

    // MARK: swiftminer proxy

    func testProxyFlagsAloneCreateTheProxy() throws {
        let settings = try ConfigurationFile.proxySettings(file: nil, overrides: ProxyCommandLineOverrides(
            listen: "0.0.0.0:4444", allow: ["10.0.0.0/8", "172.16.0.0/12"],
            urls: ["stratum+tcp://pool.example.com:3333", "stratum+ssl://backup.example.com:4443"],
            user: "acct.farm", password: "farm-pass", statusFile: "", logLevel: .debug), environment: [:])
        XCTAssertEqual(settings.workers.count, 0)
        XCTAssertEqual(settings.proxies.count, 1)
        let proxy = settings.proxies[0]
        XCTAssertEqual(proxy.name, "proxy")
        XCTAssertEqual(proxy.listen, try ListenAddress(host: "0.0.0.0", port: 4444))
        XCTAssertEqual(proxy.allow, ["10.0.0.0/8", "172.16.0.0/12"])
        XCTAssertEqual(proxy.user, "acct.farm")
        XCTAssertEqual(proxy.password, "farm-pass")
        XCTAssertEqual(proxy.pools.map(\.url), ["stratum+tcp://pool.example.com:3333", "stratum+ssl://backup.example.com:4443"])
        XCTAssertEqual(proxy.pools.map(\.extranonceSubscribe), [true, true], "a proxy pool's default")
        XCTAssertEqual(proxy.pools.map(\.difficultySuggestion), [.off, .off])
        XCTAssertNil(settings.statusFile)
        XCTAssertEqual(settings.shareLog, "./shares.jsonl")
        XCTAssertEqual(settings.logLevel, .debug)

        let loopback = try ConfigurationFile.proxySettings(file: nil, overrides: ProxyCommandLineOverrides(
            urls: ["stratum+tcp://pool.example.com:3333"], user: "acct.farm"), environment: [:])
        XCTAssertEqual(loopback.proxies.first?.listen, ProxyConfiguration.defaultListen)
        XCTAssertEqual(loopback.proxies.first?.password, "x")
    }

    func testProxyFlagsReplaceTheFilesFirstProxyAndTheWorkersAreNotRun() throws {
        let directory = try configurationTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/farm.toml"
        try ("""
            [[worker]]
            user = "acct.rig"
            [[worker.pool]]
            url = "stratum+tcp://pool.example.com:3333"

            """ + Self.proxy("", pool: "suggest_difficulty = 64")).write(toFile: path, atomically: true, encoding: .utf8)

        let plain = try ConfigurationFile.proxySettings(file: path, overrides: ProxyCommandLineOverrides(), environment: [:])
        XCTAssertEqual(plain.workers.count, 0, "proxy runs the proxies only")
        XCTAssertEqual(plain.proxies.map(\.name), ["proxy", "second"])
        XCTAssertEqual(plain.proxies[0].pools.map(\.difficultySuggestion), [.fixed(64)])
        let run = try ConfigurationFile.settings(file: path, overrides: CommandLineOverrides(), environment: [:])
        XCTAssertEqual(run.workers.count, 1, "run runs both")
        XCTAssertEqual(run.proxies.count, 2)

        let merged = try ConfigurationFile.proxySettings(file: path, overrides: ProxyCommandLineOverrides(
            listen: "192.168.1.2:3500", allow: ["192.168.1.0/24"], urls: ["stratum+tcp://flag.example.com:1"],
            user: "flag.user", password: "flag-pass"), environment: [:])
        XCTAssertEqual(merged.proxies.count, 2)
        XCTAssertEqual(merged.proxies[0].name, "proxy")
        XCTAssertEqual(merged.proxies[0].listen, try ListenAddress(host: "192.168.1.2", port: 3500))
        XCTAssertEqual(merged.proxies[0].allow, ["192.168.1.0/24"])
        XCTAssertEqual(merged.proxies[0].user, "flag.user")
        XCTAssertEqual(merged.proxies[0].password, "flag-pass")
        XCTAssertEqual(merged.proxies[0].pools, [PoolConfiguration(url: "stratum+tcp://flag.example.com:1", extranonceSubscribe: true,
                                                                   difficultySuggestion: .off, stratumV2Channel: .extended)])
        XCTAssertEqual(merged.proxies[1].user, "acct.other", "only the first proxy changes")
        XCTAssertEqual(merged.proxies[1].listen, try ListenAddress(host: "127.0.0.1", port: 3400))

        let partial = try ConfigurationFile.proxySettings(file: path, overrides: ProxyCommandLineOverrides(user: "other.user"),
                                                          environment: [:])
        XCTAssertEqual(partial.proxies[0].user, "other.user")
        XCTAssertEqual(partial.proxies[0].pools.map(\.url), ["stratum+tcp://pool.example.com:3333"], "the rest from the file")
        XCTAssertEqual(partial.proxies[0].listen, ProxyConfiguration.defaultListen)
    }

    func testProxyFlagErrors() throws {
        XCTAssertEqual(issues(proxy: ProxyCommandLineOverrides()).map(\.key), ["proxy"], "neither a file nor flags")
        XCTAssertEqual(issues(proxy: ProxyCommandLineOverrides(urls: ["stratum+tcp://pool.example.com:3333"])).map(\.key),
                       ["proxy[0].user"])
        XCTAssertEqual(issues(proxy: ProxyCommandLineOverrides(user: "acct.farm")).map(\.key), ["proxy[0].pool"])

        let base = ProxyCommandLineOverrides(urls: ["stratum+tcp://pool.example.com:3333"], user: "acct.farm")
        var listen = base
        listen.listen = "nowhere:3333"
        XCTAssertEqual(issues(proxy: listen).map(\.key), ["--listen"])
        var open = base
        open.listen = "0.0.0.0:3333"
        let openIssues = issues(proxy: open)
        XCTAssertEqual(openIssues.map(\.key), ["proxy[0]"])
        XCTAssertTrue(openIssues.first?.message.contains("allow") ?? false, "\(openIssues)")
        var badAllow = base
        badAllow.allow = ["10.0.0.0/99"]
        XCTAssertEqual(issues(proxy: badAllow).map(\.key), ["proxy[0]"])
        var solo = base
        solo.urls = ["http://127.0.0.1:8332"]
        let soloIssues = issues(proxy: solo)
        XCTAssertEqual(soloIssues.map(\.key), ["-o"])
        XCTAssertTrue(soloIssues.first?.message.contains("Stratum pools only") ?? false, "\(soloIssues)")

        // --listen onto the address of the file's second proxy.
        let directory = try configurationTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/farm.toml"
        try Self.proxy().write(toFile: path, atomically: true, encoding: .utf8)
        let clash = issues(proxy: ProxyCommandLineOverrides(listen: "127.0.0.1:3400"), file: path)
        XCTAssertEqual(clash.map(\.key), ["proxy[1].listen"], "\(clash)")
    }

    // MARK: The example file

    /// The example's `[[proxy]]` section, uncommented: from `# [[proxy]]` to the first line that
    /// is not a comment.
    static func exampleProxySection() throws -> String {
        let path = ConfigurationTests.repository.appendingPathComponent("Config/swiftminer.toml").path
        let lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n")
        let start = try XCTUnwrap(lines.firstIndex(of: "# [[proxy]]"), "the example shows a [[proxy]]")
        let section = lines[start...].prefix { $0.hasPrefix("#") }
        return section.map { $0.hasPrefix("# # ") || $0 == "# #" ? "" : String($0.dropFirst(2)) }.joined(separator: "\n")
    }

    func testTheExampleFileDocumentsEveryProxyKeyWithItsDefault() throws {
        let path = ConfigurationTests.repository.appendingPathComponent("Config/swiftminer.toml").path
        XCTAssertEqual(try ConfigurationFile.load(path: path, environment: [:]).proxies.count, 0, "commented out")

        let section = try Self.exampleProxySection()
        let keys = ["name", "listen", "allow", "user", "password", "connect_timeout", "subscribe_timeout", "idle_timeout",
                    "job_timeout", "submit_timeout", "reconnect_backoff_min", "reconnect_backoff_max", "primary_probe_interval",
                    "max_reconnect_wait", "downstream_share_interval", "downstream_min_difficulty", "downstream_max_difficulty",
                    "hold_downstreams", "max_downstreams", "max_line_length", "handshake_timeout", "downstream_idle_timeout",
                    "max_submits_per_second", "max_invalid_lines", "extranonce_prefix_size", "[[proxy.pool]]"]
        for key in keys {
            XCTAssertTrue(section.components(separatedBy: "\n").contains { $0.hasPrefix(key + " = ") || $0 == key }, "\(key) not shown")
        }
        let settings = try ConfigurationFile.parse(section, file: "example [[proxy]]", environment: [:])
        let proxy = try XCTUnwrap(settings.proxies.first)
        let defaults = ProxyConfiguration(user: "bc1qexampleaddress.farm", pools: [])
        XCTAssertEqual(proxy.user, "bc1qexampleaddress.farm")
        XCTAssertEqual(proxy.allow, ["10.0.0.0/8", "192.168.1.0/24"])
        XCTAssertEqual(proxy.name, defaults.name)
        XCTAssertEqual(proxy.listen, defaults.listen)
        XCTAssertEqual(proxy.password, defaults.password)
        XCTAssertEqual(proxy.timers, defaults.timers)
        XCTAssertEqual(proxy.downstreamShareInterval, defaults.downstreamShareInterval)
        XCTAssertEqual(proxy.downstreamMinimumDifficulty, defaults.downstreamMinimumDifficulty)
        XCTAssertEqual(proxy.downstreamMaximumDifficulty, defaults.downstreamMaximumDifficulty)
        XCTAssertEqual(proxy.holdDownstreams, defaults.holdDownstreams)
        XCTAssertEqual(proxy.maximumDownstreams, defaults.maximumDownstreams)
        XCTAssertEqual(proxy.maximumLineLength, defaults.maximumLineLength)
        XCTAssertEqual(proxy.handshakeTimeout, defaults.handshakeTimeout)
        XCTAssertEqual(proxy.idleTimeout, defaults.idleTimeout)
        XCTAssertEqual(proxy.maximumSubmitsPerSecond, defaults.maximumSubmitsPerSecond)
        XCTAssertEqual(proxy.maximumInvalidLines, defaults.maximumInvalidLines)
        XCTAssertEqual(proxy.extranoncePrefixSize, defaults.extranoncePrefixSize)
        XCTAssertEqual(proxy.pools.map(\.extranonceSubscribe), [true, true])
        XCTAssertEqual(proxy.pools.map(\.difficultySuggestion), [.off, .off])
    }
}
