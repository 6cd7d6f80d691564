import Configuration
import XCTest

/// Solo pool entries (`http(s)://` URL, `coinbase_addr`, `rpc_cookie_file`, `poll_interval`) and
/// `run -o http://… --coinbase-addr`.
final class ConfigurationSoloTests: XCTestCase {
    func testSoloPoolWithCookieFileNeedsNoUser() throws {
        let settings = try ConfigurationFile.parse("""
            [[worker]]
            name = "solo"
            threads = 2
            [[worker.pool]]
            url = "http://127.0.0.1:18443"
            coinbase_addr = "bcrt1qdavt4j2sd7dlhqsavtnfxvzppw6k7qy97tmnu9"
            rpc_cookie_file = "/var/lib/bitcoind/regtest/.cookie"
            poll_interval = 2.5
            """, file: "t.toml")
        let solo = try XCTUnwrap(settings.workers.first?.solo)
        XCTAssertEqual(solo.url, "http://127.0.0.1:18443")
        XCTAssertEqual(solo.coinbaseAddress, "bcrt1qdavt4j2sd7dlhqsavtnfxvzppw6k7qy97tmnu9")
        XCTAssertEqual(solo.cookieFile, "/var/lib/bitcoind/regtest/.cookie")
        XCTAssertEqual(solo.pollInterval, .milliseconds(2500))
        XCTAssertEqual(settings.workers.first?.pools.count, 0)
    }

    /// A solo worker with a login, its pool entry on lines 4-6, then `extra` lines (from line 7).
    private static func soloWorker(url: String = "https://node.example:8443", password: String = "pw",
                                   address: String = "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx", _ extra: String = "") -> String {
        """
        [[worker]]
        user = "rpc"
        password = "\(password)"
        [[worker.pool]]
        url = "\(url)"
        coinbase_addr = "\(address)"
        \(extra)
        """
    }

    func testHTTPSNodeTakesTheTLSTrustSettings() throws {
        let settings = try ConfigurationFile.parse(Self.soloWorker("""
            tls_fingerprint_sha256 = "7E:79:DE:32:03:6D:58:12:26:B8:03:F3:50:7B:F4:3A:16:72:14:46:AB:6C:86:96:E5:C1:21:5C:27:AF:91:40"
            allow_self_signed = true
            """), file: "t.toml")
        let solo = try XCTUnwrap(settings.workers.first?.solo)
        XCTAssertEqual(solo.tlsFingerprintSHA256?.count, 95)
        XCTAssertTrue(solo.allowSelfSigned)
        let plain = try ConfigurationFile.parse(Self.soloWorker(), file: "t.toml")
        XCTAssertNil(plain.workers.first?.solo?.tlsFingerprintSHA256)
        XCTAssertEqual(plain.workers.first?.solo?.allowSelfSigned, false, "default: the system's certificate authorities")
    }

    func testSoloFingerprintThatIsNotSHA256IsAnErrorWithItsLine() {
        XCTAssertThrowsError(try ConfigurationFile.parse(Self.soloWorker("tls_fingerprint_sha256 = \"7E:79:DE\""), file: "t.toml")) { error in
            let issues = (error as? ConfigurationErrors)?.issues ?? []
            XCTAssertEqual(issues.map(\.key), ["worker[0].pool[0].tls_fingerprint_sha256"])
            XCTAssertEqual(issues.first?.line, 7)
        }
    }

    func testInvalidAddressIsAnErrorWithItsKey() {
        XCTAssertThrowsError(try ConfigurationFile.parse(Self.soloWorker(
            url: "http://127.0.0.1:18443", password: "secret", address: "bcrt1qdavt4j2sd7dlhqsavtnfxvzppw6k7qy97tmnu8"),
            file: "t.toml")) { error in
            let issues = (error as? ConfigurationErrors)?.issues ?? []
            XCTAssertEqual(issues.map(\.key), ["worker[0].pool[0].coinbase_addr"])
            XCTAssertEqual(issues.first?.line, 6)
            XCTAssertFalse(issues.description.contains("secret"))
        }
    }

    func testSoloWithoutLoginIsAnError() {
        XCTAssertThrowsError(try ConfigurationFile.parse("""
            [[worker]]
            [[worker.pool]]
            url = "https://node.example:8332"
            coinbase_addr = "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx"
            """, file: "t.toml")) { error in
            let keys = (error as? ConfigurationErrors)?.issues.compactMap(\.key) ?? []
            XCTAssertEqual(keys, ["worker[0].user"])
        }
    }

    func testCommandLineSoloFlags() throws {
        let settings = try ConfigurationFile.settings(file: nil, overrides: CommandLineOverrides(
            urls: ["http://127.0.0.1:18443"], user: "rpcuser", password: "rpcpass", threads: 2,
            coinbaseAddress: "bcrt1qdavt4j2sd7dlhqsavtnfxvzppw6k7qy97tmnu9"))
        let worker = try XCTUnwrap(settings.workers.first)
        XCTAssertEqual(worker.solo?.url, "http://127.0.0.1:18443")
        XCTAssertEqual(worker.solo?.coinbaseAddress, "bcrt1qdavt4j2sd7dlhqsavtnfxvzppw6k7qy97tmnu9")
        XCTAssertEqual(worker.user, "rpcuser")
        XCTAssertEqual(worker.threads, 2)
    }

    func testCommandLineSoloWithoutAddressIsAnError() {
        XCTAssertThrowsError(try ConfigurationFile.settings(file: nil, overrides: CommandLineOverrides(
            urls: ["http://127.0.0.1:18443"], user: "rpcuser", password: "rpcpass"))) { error in
            let keys = (error as? ConfigurationErrors)?.issues.compactMap(\.key) ?? []
            XCTAssertEqual(keys, ["worker[0].pool[0].coinbase_addr"])
        }
    }
}
