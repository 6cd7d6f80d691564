import FarmProxyCore
import MonitoringAddresses
import PoolSettings
import XCTest

final class ProxyConfigurationTests: XCTestCase {
    private func configuration(listen: String = "127.0.0.1:3333", allow: [String] = []) throws -> ProxyConfiguration {
        ProxyConfiguration(listen: try ListenAddress.parse(listen), allow: allow, user: "acct.farm",
                           pools: [PoolConfiguration(url: "stratum+tcp://127.0.0.1:3334")])
    }

    func testLoopbackListenNeedsNoAllowList() throws {
        XCTAssertEqual(try configuration().problems, [])
    }

    func testNonLoopbackListenWithoutAllowIsAProblem() throws {
        let problems = try configuration(listen: "0.0.0.0:3333").problems
        XCTAssertEqual(problems.count, 1)
        XCTAssertTrue(problems[0].contains("allow"), problems[0])
        XCTAssertEqual(try configuration(listen: "0.0.0.0:3333", allow: ["10.0.0.0/8"]).problems, [])
    }

    func testMalformedAllowEntriesAreNamed() throws {
        let problems = try configuration(allow: ["10.0.0.0/33", "W:10.0.0.0/8", "nonsense"]).problems
        XCTAssertEqual(problems.count, 3, "\(problems)")
    }

    func testIPv6EntriesAreAllowedAndTooManyDownstreamsForThePrefixAreAProblem() throws {
        XCTAssertEqual(try configuration(allow: ["::1/128", "fd00::/8"]).problems, [])
        var small = try configuration()
        small.extranoncePrefixSize = 1
        XCTAssertEqual(small.problems.count, 1, "1024 miners cannot have distinct 1-byte prefixes")
        small.maximumDownstreams = 256
        XCTAssertEqual(small.problems, [])
    }

    func testAllowListMatchesByPrefixAndAlwaysAdmitsLoopback() throws {
        let proxy = try configuration(listen: "0.0.0.0:3333", allow: ["10.0.0.0/8", "192.168.1.0/24"])
        XCTAssertTrue(proxy.allows(clientAddress: "10.20.30.40"))
        XCTAssertTrue(proxy.allows(clientAddress: "192.168.1.7"))
        XCTAssertFalse(proxy.allows(clientAddress: "192.168.2.7"))
        XCTAssertFalse(proxy.allows(clientAddress: "8.8.8.8"))
        XCTAssertTrue(proxy.allows(clientAddress: "127.0.0.1"))
        XCTAssertTrue(proxy.allows(clientAddress: "::1"))
        XCTAssertFalse(proxy.allows(clientAddress: "not an address"))
    }
}
