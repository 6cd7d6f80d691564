import PoolSettings
import StratumClient
import XCTest

final class FailoverTests: XCTestCase {
    func testBackoffDoublesAndIsCapped() {
        let backoff = ReconnectBackoff(initial: .seconds(1), maximum: .seconds(60), jitter: 0)
        XCTAssertEqual((1...8).map { backoff.delay(failures: $0, random: 0.5) },
                       [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(32), .seconds(60), .seconds(60)])
        XCTAssertEqual(backoff.delay(failures: 10_000, random: 0.5), .seconds(60))
        XCTAssertEqual(backoff.delay(failures: 0, random: 0.5), .zero)
    }

    func testJitterStaysWithinBoundsAndCap() {
        let backoff = ReconnectBackoff(initial: .seconds(1), maximum: .seconds(60), jitter: 0.2)
        func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
        XCTAssertEqual(seconds(backoff.delay(failures: 3, random: 0)), 3.2, accuracy: 1e-9)
        XCTAssertEqual(seconds(backoff.delay(failures: 3, random: 1)), 4.8, accuracy: 1e-9)
        XCTAssertEqual(seconds(backoff.delay(failures: 20, random: 1)), 60, accuracy: 1e-9)
        XCTAssertEqual(seconds(backoff.delay(failures: 20, random: 0)), 48, accuracy: 1e-9)
        for random in stride(from: 0.0, through: 1.0, by: 0.1) {
            XCTAssertLessThanOrEqual(backoff.delay(failures: 7, random: random), .seconds(60))
        }
    }

    func testFailoverOrder() {
        let backoff = ReconnectBackoff(initial: .seconds(1), maximum: .seconds(60), jitter: 0)
        var state = FailoverState(poolCount: 3)
        var order: [Int] = []
        var delays: [Duration] = []
        for _ in 0..<4 {
            let decision = state.next(after: .connectFailed, backoff: backoff, stableAfter: .seconds(30), random: 0.5)
            order.append(decision.poolIndex)
            delays.append(decision.delay)
        }
        XCTAssertEqual(order, [1, 2, 0, 1])
        XCTAssertEqual(delays, [.seconds(1), .seconds(2), .seconds(4), .seconds(8)])
        // A short-lived connection is a failure too.
        XCTAssertEqual(state.next(after: .closed(authorizedFor: .seconds(2)), backoff: backoff, stableAfter: .seconds(30), random: 0.5),
                       .init(poolIndex: 2, delay: .seconds(16)))
        // A stable connection that drops: same pool, initial delay, failures reset.
        XCTAssertEqual(state.next(after: .closed(authorizedFor: .seconds(31)), backoff: backoff, stableAfter: .seconds(30), random: 0.5),
                       .init(poolIndex: 2, delay: .seconds(1)))
        XCTAssertEqual(state.consecutiveFailures, 0)
        // Stable on a non-primary → back to the primary at once.
        XCTAssertEqual(state.next(after: .returnToPrimary, backoff: backoff, stableAfter: .seconds(30), random: 0.5),
                       .init(poolIndex: 0, delay: .zero))
    }

    func testAuthorizationFailureDoesNotHammer() {
        let backoff = ReconnectBackoff(initial: .seconds(1), maximum: .seconds(60), jitter: 0.2)
        var state = FailoverState(poolCount: 1)
        let decision = state.next(after: .authorizationFailed, backoff: backoff, stableAfter: .seconds(30), random: 0)
        XCTAssertEqual(decision, .init(poolIndex: 0, delay: .seconds(60)))
    }

    func testReconnectRequestKeepsPoolAndUsesWaitTime() {
        var state = FailoverState(poolCount: 2)
        let decision = state.next(after: .reconnectRequested(after: .seconds(5), host: "h", port: 1), backoff: ReconnectBackoff(),
                                  stableAfter: .seconds(30), random: 0.5)
        XCTAssertEqual(decision, .init(poolIndex: 0, delay: .seconds(5), host: "h", port: 1))
    }

    func testPoolEndpointParsing() {
        XCTAssertEqual(PoolEndpoint(url: "stratum+tcp://pool.example.com:3333"),
                       PoolEndpoint(scheme: "stratum+tcp", host: "pool.example.com", port: 3333, useTLS: false))
        for scheme in ["stratum+ssl", "stratum+tls", "stratum+tcps"] {
            XCTAssertEqual(PoolEndpoint(url: "\(scheme)://pool.example.com:443")?.useTLS, true, scheme)
        }
        XCTAssertEqual(PoolEndpoint(url: "127.0.0.1:3333")?.port, 3333)
        XCTAssertEqual(PoolEndpoint(url: "stratum+tcp://[::1]:3333")?.host, "::1")
        XCTAssertEqual(PoolEndpoint(url: "stratum+tcp://[::1]:3333")?.url, "stratum+tcp://[::1]:3333")
        for bad in ["http://pool:80", "stratum+tcp://pool", "stratum+tcp://pool:0", "stratum+tcp://pool:70000",
                    "stratum+tcp://:3333", "stratum+tcp://pool:33x", "stratum+tcp://u@pool:1", ""] {
            XCTAssertNil(PoolEndpoint(url: bad), bad)
        }
    }

    func testCertificateFingerprint() {
        XCTAssertEqual(CertificateFingerprint.sha256Hex(Array("abc".utf8)),
                       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(CertificateFingerprint.sha256Hex([]),
                       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(CertificateFingerprint.sha256Hex(Array(repeating: 0x61, count: 1000)),
                       "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
        XCTAssertEqual(CertificateFingerprint.normalized("BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD"),
                       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertNil(CertificateFingerprint.normalized("abcd"))
    }
}
