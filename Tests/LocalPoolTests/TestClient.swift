#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import MiningCore
import StratumProtocol
import XCTest

struct TestClientError: Error, CustomStringConvertible {
    var description: String
}

/// A deliberately plain Stratum client over a blocking POSIX socket to 127.0.0.1.
final class TestClient {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var nextID: Int64 = 1
    /// Server-initiated messages (method calls) received while waiting for responses.
    private(set) var notifications: [(method: String, params: [JSONValue])] = []
    private(set) var closedByPeer = false

    init(port: Int, timeoutSeconds: Int = 5) throws {
        #if canImport(Darwin)
        fd = socket(AF_INET, SOCK_STREAM, 0)
        #else
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #endif
        guard fd >= 0 else { throw TestClientError(description: "socket() failed") }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(fd)
            throw TestClientError(description: "connect() to port \(port) failed")
        }
    }

    deinit { close(fd) }

    func disconnect() { shutdown(fd, Int32(SHUT_RDWR)) }

    func sendRaw(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return }
            offset += sent
        }
    }

    func sendLine(_ text: String) { sendRaw(Array((text + "\n").utf8)) }

    /// The next line, or nil at end of stream. Throws on timeout.
    func readLine() throws -> [UInt8]? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 {
                closedByPeer = true
                return nil
            }
            if count < 0 {
                if errno == ECONNRESET {
                    closedByPeer = true
                    return nil
                }
                throw TestClientError(description: "recv timed out or failed (errno \(errno))")
            }
            buffer += chunk[..<count]
        }
    }

    /// Bytes received and not yet read, or the next chunk from the socket; nil at end of stream.
    /// Throws on timeout. (For binary protocols: Stratum V2 frames.)
    func readBytes() throws -> [UInt8]? {
        if !buffer.isEmpty {
            defer { buffer.removeAll() }
            return buffer
        }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count == 0 || (count < 0 && errno == ECONNRESET) {
            closedByPeer = true
            return nil
        }
        if count < 0 { throw TestClientError(description: "recv timed out or failed (errno \(errno))") }
        return Array(chunk[..<count])
    }

    func readMessage() throws -> JSONValue? {
        guard let line = try readLine() else { return nil }
        return try JSONValue.parse(line)
    }

    /// Sends a request and returns its response; notifications read meanwhile are queued.
    @discardableResult
    func request(_ method: String, _ params: [JSONValue]) throws -> JSONValue {
        let id = nextID
        nextID += 1
        sendLine(JSONValue.object(["id": .integer(id), "method": .string(method), "params": .array(params)]).serialized)
        return try response(id: id)
    }

    func response(id: Int64) throws -> JSONValue {
        while true {
            guard let message = try readMessage() else { throw TestClientError(description: "closed awaiting response \(id)") }
            if let method = message["method"]?.stringValue {
                notifications.append((method, message["params"]?.arrayValue ?? []))
                continue
            }
            if message["id"]?.integerValue == id { return message }
        }
    }

    /// The next server call of this method (earlier queued ones first); others are kept queued.
    func nextNotification(_ method: String) throws -> [JSONValue] {
        if let index = notifications.firstIndex(where: { $0.method == method }) {
            return notifications.remove(at: index).params
        }
        while true {
            guard let message = try readMessage() else { throw TestClientError(description: "closed awaiting \(method)") }
            guard let name = message["method"]?.stringValue else { continue }
            let params = message["params"]?.arrayValue ?? []
            if name == method { return params }
            notifications.append((name, params))
        }
    }

    /// All queued notifications' methods, in order (for ordering checks).
    var queuedMethods: [String] { notifications.map(\.method) }

    func dropQueued() { notifications.removeAll() }

    /// Reads until the peer closes (true) or the timeout hits (false).
    func waitForClose() -> Bool {
        while true {
            do {
                guard try readLine() != nil else { return true }
            } catch {
                return false
            }
        }
    }
}

/// A subscribed (and usually authorized) miner's view of its session.
struct MinerSession {
    var extranonce1: [UInt8]
    var extranonce2Size: Int
    var subscriptionID: String
    var difficulty: Double
    var job: MiningJob
}

extension TestClient {
    /// subscribe → (result) → set_difficulty → notify; builds the `MiningJob` like a miner would.
    func subscribe(_ params: [JSONValue] = ["test-client/1.0"], versionMask: UInt32 = 0) throws -> MinerSession {
        let response = try request("mining.subscribe", params)
        guard response["error"]?.isNull == true, let result = response["result"]?.arrayValue, result.count == 3,
              let subscriptions = result[0].arrayValue, let subscriptionID = subscriptions.first?.arrayValue?[1].stringValue,
              let extranonce1Text = result[1].stringValue, let extranonce1 = Hex.decode(extranonce1Text),
              let size = result[2].integerValue else {
            throw TestClientError(description: "bad subscribe response \(response.serialized)")
        }
        let difficulty = try nextNotification("mining.set_difficulty")[0].doubleValue ?? 0
        let notify = try MiningNotify(params: try nextNotification("mining.notify"))
        let job = try MiningJob(notify: notify, extranonce1: extranonce1, extranonce2Size: Int(size),
                                difficulty: difficulty, versionMask: versionMask)
        return MinerSession(extranonce1: extranonce1, extranonce2Size: Int(size), subscriptionID: subscriptionID,
                            difficulty: difficulty, job: job)
    }

    func submit(_ worker: String, jobID: String, extranonce2: String, ntime: String, nonce: String,
                versionBits: String? = nil) throws -> JSONValue {
        var params: [JSONValue] = [.string(worker), .string(jobID), .string(extranonce2), .string(ntime), .string(nonce)]
        if let versionBits { params.append(.string(versionBits)) }
        return try request("mining.submit", params)
    }

    func submit(_ worker: String, job: MiningJob, extranonce2: [UInt8], nonce: UInt32, ntime: UInt32? = nil,
                versionBits: UInt32? = nil) throws -> JSONValue {
        try submit(worker, jobID: job.jobID, extranonce2: Hex.encode(extranonce2),
                   ntime: WireEncoding.hex(ntime ?? job.notify.ntime), nonce: WireEncoding.hex(nonce),
                   versionBits: versionBits.map { WireEncoding.hex($0) })
    }
}

/// Brute force over nonces: the first one whose evaluation satisfies `predicate`.
func findNonce(_ job: MiningJob, extranonce2: [UInt8], versionBits: UInt32? = nil, from start: UInt32 = 0,
               limit: UInt32 = 200_000, where predicate: (ShareEvaluation) -> Bool) -> UInt32? {
    var nonce = start
    for _ in 0..<limit {
        let evaluation = job.evaluate(extranonce2: extranonce2, ntime: job.notify.ntime, nonce: nonce, versionBits: versionBits)
        if predicate(evaluation) { return nonce }
        nonce &+= 1
    }
    return nil
}

func findValidNonce(_ job: MiningJob, extranonce2: [UInt8], versionBits: UInt32? = nil, from start: UInt32 = 0) -> UInt32? {
    findNonce(job, extranonce2: extranonce2, versionBits: versionBits, from: start) { $0.meetsShareTarget }
}

func findInvalidNonce(_ job: MiningJob, extranonce2: [UInt8], versionBits: UInt32? = nil) -> UInt32? {
    findNonce(job, extranonce2: extranonce2, versionBits: versionBits) { !$0.meetsShareTarget }
}

/// Asserts `"result": true, "error": null`.
func XCTAssertAccepted(_ response: JSONValue, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(response["result"], .bool(true), response.serialized, file: file, line: line)
    XCTAssertEqual(response["error"], .null, response.serialized, file: file, line: line)
}

/// Asserts `"result": null, "error": [code, …, null]` and returns the message.
@discardableResult
func XCTAssertRejected(_ response: JSONValue, code: Int64, file: StaticString = #filePath, line: UInt = #line) -> String? {
    XCTAssertEqual(response["result"], .null, response.serialized, file: file, line: line)
    guard let error = response["error"]?.arrayValue, error.count == 3 else {
        XCTFail("no error array in \(response.serialized)", file: file, line: line)
        return nil
    }
    XCTAssertEqual(error[0].integerValue, code, response.serialized, file: file, line: line)
    XCTAssertEqual(error[2], .null, file: file, line: line)
    return error[1].stringValue
}
