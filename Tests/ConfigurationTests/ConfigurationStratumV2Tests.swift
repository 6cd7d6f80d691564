import Configuration
import PoolSettings
import XCTest

/// `stratum2+tcp://` pools in the configuration file and on the command line.
final class ConfigurationStratumV2Tests: XCTestCase {
    static let key = "9bXiEd8boQVhq7WddEcERUL5tyyJVFYdU8th3HfbNXK3Yw6GRXh"

    func testAV2PoolWithItsKeysParsesBesideAV1Pool() throws {
        let settings = try ConfigurationFile.parse("""
        [[worker]]
        user = "acct.rig"
        [[worker.pool]]
        url = "stratum2+tcp://v2.example.com:3336/\(Self.key)"
        sv2_channel = "extended"
        sv2_certificate_leeway = 5
        [[worker.pool]]
        url = "stratum+tcp://v1.example.com:3333"
        """, file: "v2.toml")
        let pools = settings.workers[0].pools
        XCTAssertEqual(pools.count, 2)
        XCTAssertEqual(PoolEndpoint(url: pools[0].url)?.authorityKey?.base58, Self.key)
        XCTAssertEqual(pools[0].stratumV2Channel, .extended)
        XCTAssertEqual(pools[0].certificateLeewaySeconds, 5)
        XCTAssertEqual(PoolEndpoint(url: pools[1].url)?.isStratumV2, false)
    }

    func testABadAuthorityKeyIsReportedOnItsLineInItsOwnWords() {
        var typo = Array(Self.key)
        typo[5] = typo[5] == "x" ? "y" : "x"
        let text = """
        [[worker]]
        user = "acct.rig"
        [[worker.pool]]
        url = "stratum2+tcp://v2.example.com:3336/\(String(typo))"
        sv2_channel = "group"
        [[worker.pool]]
        url = "stratum2+tcp://v2.example.com:3336"
        """
        XCTAssertThrowsError(try ConfigurationFile.parse(text, file: "bad.toml")) { error in
            let lines = (error as! ConfigurationErrors).issues.map(\.description)
            XCTAssertTrue(lines.contains { $0.hasPrefix("bad.toml:4: key worker[0].pool[0].url: not a Stratum V2 pool URL")
                && $0.contains("checksum") }, lines.joined(separator: "\n"))
            XCTAssertTrue(lines.contains { $0.hasPrefix("bad.toml:5: key worker[0].pool[0].sv2_channel: expected \"standard\" or \"extended\"") },
                          lines.joined(separator: "\n"))
            XCTAssertTrue(lines.contains { $0.hasPrefix("bad.toml:7: key worker[0].pool[1].url: not a Stratum V2 pool URL")
                && $0.contains("authority key") }, lines.joined(separator: "\n"))
        }
    }

    func testAProxyMinesAV2UpstreamOnAnExtendedChannelAndRefusesStandard() throws {
        let settings = try ConfigurationFile.parse("""
        [[proxy]]
        user = "acct.farm"
        [[proxy.pool]]
        url = "stratum2+tcp://v2.example.com:3336/\(Self.key)"
        """, file: "proxy.toml")
        XCTAssertEqual(settings.proxies[0].pools[0].stratumV2Channel, .extended)
        XCTAssertThrowsError(try ConfigurationFile.parse("""
        [[proxy]]
        user = "acct.farm"
        [[proxy.pool]]
        url = "stratum2+tcp://v2.example.com:3336/\(Self.key)"
        sv2_channel = "standard"
        """, file: "proxy.toml")) { error in
            let lines = (error as! ConfigurationErrors).issues.map(\.description)
            XCTAssertTrue(lines.contains { $0.hasPrefix("proxy.toml:5: key proxy[0].pool[0].sv2_channel: a proxy opens extended channels") },
                          lines.joined(separator: "\n"))
        }
    }

    func testDashOTakesAV2URL() throws {
        var overrides = CommandLineOverrides()
        overrides.urls = ["stratum2+tcp://127.0.0.1:3336/\(Self.key)"]
        overrides.user = "acct.rig"
        let settings = try ConfigurationFile.settings(file: nil, overrides: overrides)
        XCTAssertEqual(settings.workers[0].pools.map(\.url), ["stratum2+tcp://127.0.0.1:3336/\(Self.key)"])
        overrides.urls = ["stratum2+tcp://127.0.0.1:3336/"]
        XCTAssertThrowsError(try ConfigurationFile.settings(file: nil, overrides: overrides)) { error in
            XCTAssertTrue("\(error)".contains("stratum2+tcp://HOST:PORT/KEY"), "\(error)")
        }
    }
}
