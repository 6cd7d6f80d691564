import Foundation
import MinerDaemon
import StratumProtocol
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// `swiftminer demo` as a user runs it: real mining against the embedded pool, and with
/// `--config` its [metrics] / [api] sections served while it runs.
final class DemoCommandTests: XCTestCase {
    func testDemoMinesAndServesTheConfiguredEndpoints() async throws {
        let directory = try temporaryDirectory()
        let metricsPort = try freeLoopbackPort(), apiPort = try freeLoopbackPort()
        let config = directory + "/demo.toml"
        try """
        [miner]
        status_file = "\(directory)/status.json"
        share_log = "\(directory)/shares.jsonl"

        [metrics]
        enabled = true
        listen = "127.0.0.1:\(metricsPort)"

        [api]
        enabled = true
        listen = "127.0.0.1:\(apiPort)"
        """.write(toFile: config, atomically: true, encoding: .utf8)

        let scrape = Task { () -> (String, String) in
            // The demo measures the machine before it starts its pool and endpoints: wait for them.
            let deadline = ContinuousClock.now + .seconds(25)
            while true {
                do {
                    return (try httpGet(port: metricsPort, path: "/metrics"), try tcpRequest(port: apiPort, #"{"command":"summary"}"#))
                } catch where ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(300))
                }
            }
        }
        let run = try SwiftMinerBinary.run(["demo", "--seconds", "8", "--threads", "1", "--config", config])
        XCTAssertEqual(run.status, 0, run.stderr)
        let (metrics, summary) = try await scrape.value

        XCTAssertTrue(metrics.contains("swiftminer_shares_total{worker=\"demo\",result=\"accepted\"}"), metrics)
        XCTAssertTrue(metrics.contains("swiftminer_hashrate_hashes_per_second{worker=\"demo\",window=\"10s\"}"), metrics)
        let reply = try JSONValue.parse(Array(summary.utf8.filter { $0 != 0 }))
        XCTAssertEqual(reply["STATUS"]?.arrayValue?.first?["STATUS"]?.stringValue, "S")
        XCTAssertNotNil(reply["SUMMARY"]?.arrayValue?.first?["Accepted"]?.integerValue)

        // The demo printed the pool's verdict on each share, and the final counts agree.
        let accepted = run.stdout.split(separator: "\n").filter { $0.hasPrefix("pool: accepted share") }.count
        XCTAssertGreaterThan(accepted, 0, run.stdout)
        XCTAssertTrue(run.stdout.contains("demo finished: pool accepted \(accepted), rejected 0; miner counted accepted \(accepted)"),
                      run.stdout)
        // `swiftminer status` reads the demo's status file: the same accepted count.
        let status = try SwiftMinerBinary.run(["status", "--status-file", directory + "/status.json", "--json"])
        XCTAssertEqual(try JSONValue.parse(Array(status.stdout.utf8))["shares"]?["accepted"]?.integerValue, Int64(accepted))
    }

    /// `demo --stratum-v2`: the same daemon against the embedded Stratum V2 pool; the handshake is
    /// logged and every share the pool printed as accepted is counted accepted by the miner.
    func testDemoMinesOnTheEmbeddedStratumV2Pool() throws {
        let directory = try temporaryDirectory()
        let config = directory + "/demo.toml"
        try """
        [miner]
        status_file = "\(directory)/status.json"
        share_log = "\(directory)/shares.jsonl"
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let run = try SwiftMinerBinary.run(["demo", "--stratum-v2", "--seconds", "6", "--threads", "1", "--config", config])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.hasPrefix("demo Stratum V2 pool listening on stratum2+tcp://127.0.0.1:"), run.stdout)
        XCTAssertTrue(run.stderr.contains("Stratum V2 handshake complete"), run.stderr)
        let accepted = run.stdout.split(separator: "\n").filter { $0.hasPrefix("pool: accepted share") }.count
        XCTAssertGreaterThan(accepted, 0, run.stdout)
        XCTAssertTrue(run.stdout.contains("demo finished: pool accepted \(accepted), rejected 0; miner counted accepted \(accepted)"),
                      run.stdout)
        let status = try JSONValue.parse(Array(try XCTUnwrap(FileManager.default.contents(atPath: directory + "/status.json"))))
        XCTAssertEqual(status["workers"]?.arrayValue?.first?["pool"]?["protocol"]?.stringValue, "stratum-v2")
    }
}

/// A port nobody listens on right now (bind to 0, read it, close).
func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw VectorLikeError("cannot bind a loopback port") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Sends `request` to 127.0.0.1:port and reads until the peer closes.
func tcpRequest(port: Int, _ request: String) throws -> String {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
    guard connected else { throw VectorLikeError("cannot connect to 127.0.0.1:\(port)") }
    var timeout = timeval(tv_sec: 5, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    _ = Array(request.utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
    var response = [UInt8]()
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = recv(fd, &buffer, buffer.count, 0)
        if count <= 0 { break }
        response += buffer[0..<count]
    }
    return String(decoding: response, as: UTF8.self)
}

func httpGet(port: Int, path: String) throws -> String {
    let response = try tcpRequest(port: port, "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    guard let split = response.range(of: "\r\n\r\n") else { return response }
    return String(response[split.upperBound...])
}

struct VectorLikeError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
