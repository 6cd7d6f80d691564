import StratumProtocol
import XCTest

final class ServerMessageTests: XCTestCase {
    static let notifyParams: [JSONValue] = [
        "1", "171592f223740e92d223f6e68bff25279af7ac4f2246451e0000000200000000",
        "02000000010000000000000000000000000000000000000000000000000000000000000000ffffffff1903",
        "ffffffff0100f2052a010000001976a914000000000000000000000000000000000000000088ac00000000",
        [], "20000000", "192495f8", "64b3f3ec", false,
    ]

    func testNotify() throws {
        guard case .notify(let notify) = try ServerMessage(method: "mining.notify", params: Self.notifyParams) else {
            return XCTFail("not a notify")
        }
        XCTAssertEqual(notify.jobID, "1")
        XCTAssertEqual(notify.version, 0x2000_0000)
        XCTAssertFalse(notify.cleanJobs)
        XCTAssertThrowsError(try ServerMessage(method: "mining.notify", params: Array(Self.notifyParams.prefix(7))))
        XCTAssertTrue(MiningNotify.hasBooleanCleanJobs(Self.notifyParams))
        // clean_jobs missing, null, a string or a number: false, as cgminer and cpuminer read it
        // (json_is_true); the caller counts the deviation.
        let head = Array(Self.notifyParams.prefix(8))
        for params in [head, head + [nil], head + ["true"], head + ["yes"], head + [1], head + [0], head + [[true]]] {
            guard case .notify(let lenient) = try ServerMessage(method: "mining.notify", params: params) else { return XCTFail() }
            XCTAssertFalse(lenient.cleanJobs)
            XCTAssertFalse(MiningNotify.hasBooleanCleanJobs(params))
        }
        guard case .notify(let clean) = try ServerMessage(method: "mining.notify", params: Array(Self.notifyParams.prefix(8)) + [true]) else {
            return XCTFail()
        }
        XCTAssertTrue(clean.cleanJobs)
    }

    func testSetDifficulty() throws {
        XCTAssertEqual(try ServerMessage(method: "mining.set_difficulty", params: [512]), .setDifficulty(512))
        XCTAssertEqual(try ServerMessage(method: "mining.set_difficulty", params: [0.001]), .setDifficulty(0.001))
        XCTAssertEqual(try ServerMessage(method: "mining.set_difficulty", params: ["1024"]), .setDifficulty(1024))
        for bad: [JSONValue] in [[0], [-1], [.double(.nan)], [.double(.infinity)], [.double(-.infinity)], [], [nil],
                                 ["abc"], ["nan"], ["inf"], [[1]], [true]] {
            XCTAssertThrowsError(try ServerMessage(method: "mining.set_difficulty", params: bad), "\(bad)")
        }
    }

    func testSetExtranonce() throws {
        XCTAssertEqual(try ServerMessage(method: "mining.set_extranonce", params: ["0a0b0c0d", 4]),
                       .setExtranonce(extranonce1: [0x0a, 0x0b, 0x0c, 0x0d], extranonce2Size: 4))
        for bad: [JSONValue] in [["0a0", 4], ["zz", 4], ["0a", 17], ["0a", -1], ["0a", "4"],
                                 [.string(String(repeating: "ab", count: 33)), 4], ["0a"], []] {
            XCTAssertThrowsError(try ServerMessage(method: "mining.set_extranonce", params: bad), "\(bad)")
        }
    }

    func testSetVersionMask() throws {
        XCTAssertEqual(try ServerMessage(method: "mining.set_version_mask", params: ["1fffe000"]), .setVersionMask(0x1fff_e000))
        XCTAssertThrowsError(try ServerMessage(method: "mining.set_version_mask", params: ["1fffe0"]))
        XCTAssertThrowsError(try ServerMessage(method: "mining.set_version_mask", params: [0x1fffe000]))
    }

    func testReconnect() throws {
        XCTAssertEqual(try ServerMessage(method: "client.reconnect", params: []), .reconnect(host: nil, port: nil, waitTime: nil))
        XCTAssertEqual(try ServerMessage(method: "client.reconnect", params: ["pool.example", 3333, 5]),
                       .reconnect(host: "pool.example", port: 3333, waitTime: 5))
        XCTAssertEqual(try ServerMessage(method: "client.reconnect", params: ["pool.example", "3334"]),
                       .reconnect(host: "pool.example", port: 3334, waitTime: nil))
        XCTAssertThrowsError(try ServerMessage(method: "client.reconnect", params: ["h", 70000]))
        XCTAssertThrowsError(try ServerMessage(method: "client.reconnect", params: ["h", 3333, -5]))
        // An absurd wait is clamped (the client caps it much lower), not a reason to ignore the request.
        XCTAssertEqual(try ServerMessage(method: "client.reconnect", params: ["h", 3333, 1_000_000]),
                       .reconnect(host: "h", port: 3333, waitTime: ServerMessage.Limits.maxWaitTime))
        XCTAssertEqual(try ServerMessage(method: "client.reconnect", params: ["h", "3333", "30"]),
                       .reconnect(host: "h", port: 3333, waitTime: 30))
        XCTAssertThrowsError(try ServerMessage(method: "client.reconnect", params: ["h", 3333, "soon"]))
        XCTAssertThrowsError(try ServerMessage(method: "client.reconnect", params: [5]))
    }

    func testMessagesAndUnknown() throws {
        XCTAssertEqual(try ServerMessage(method: "client.show_message", params: ["hello"]), .showMessage("hello"))
        guard case .showMessage(let long) = try ServerMessage(method: "client.show_message",
                                                                 params: [.string(String(repeating: "x", count: 10_000))]) else {
            return XCTFail()
        }
        XCTAssertEqual(long.count, ServerMessage.Limits.maxMessageLength)
        XCTAssertEqual(try ServerMessage(method: "client.get_version", params: []), .getVersion)
        XCTAssertEqual(try ServerMessage(method: "mining.ping", params: []), .ping)
        XCTAssertEqual(try ServerMessage(method: "mining.whatever", params: [1, 2]), .unknown("mining.whatever"))
    }
}
