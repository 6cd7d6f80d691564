import StratumProtocol
import XCTest

final class ClientRequestTests: XCTestCase {
    private func object(_ line: String) throws -> JSONValue { try JSONValue.parse(Array(line.utf8)) }

    func testSubscribe() throws {
        XCTAssertEqual(ClientRequest.subscribe(id: 1, userAgent: "swiftminer/0.1").line,
                       #"{"id":1,"method":"mining.subscribe","params":["swiftminer/0.1"]}"#)
        XCTAssertEqual(ClientRequest.subscribe(id: 1, userAgent: "ua", sessionID: "e26e1928").params, ["ua", "e26e1928"])
        XCTAssertEqual(ClientRequest.subscribe(id: 3, userAgent: nil).line, #"{"id":3,"method":"mining.subscribe","params":[]}"#)
    }

    func testAuthorizeEscapesStrings() throws {
        let line = ClientRequest.authorize(id: 2, user: "bc1q\"x\\y\n", password: "p").line
        XCTAssertEqual(try object(line)["params"], ["bc1q\"x\\y\n", "p"])
        XCTAssertFalse(line.contains("\n"))
    }

    func testConfigure() throws {
        XCTAssertEqual(ClientRequest.configure(id: 1).line,
                       #"{"id":1,"method":"mining.configure","params":[["version-rolling"],{"version-rolling.mask":"1fffe000","version-rolling.min-bit-count":0}]}"#)
    }

    func testOtherRequests() {
        XCTAssertEqual(ClientRequest.extranonceSubscribe(id: 4).line, #"{"id":4,"method":"mining.extranonce.subscribe","params":[]}"#)
        XCTAssertEqual(ClientRequest.suggestDifficulty(id: 4, difficulty: 512).line,
                       #"{"id":4,"method":"mining.suggest_difficulty","params":[512]}"#)
    }

    /// The submit of the real public-pool session in vectors.json (`wire.submit`).
    func testSubmitMatchesRealPublicPoolLine() throws {
        let request = ClientRequest.submit(id: 5, worker: "tb1qumezefzdeqqwn5zfvgdrhxjzc5ylr39uhuxcz4.bitaxe3", jobID: "1",
                                           extranonce2: [0xc7, 0x08, 0x00, 0x00], ntime: 0x64b3_f3ec, nonce: 0xed46_0d91,
                                           versionBits: 0x0000_2000)
        let expected = try object(#"{"id":5,"method":"mining.submit","params":["tb1qumezefzdeqqwn5zfvgdrhxjzc5ylr39uhuxcz4.bitaxe3","1","c7080000","64b3f3ec","ed460d91","00002000"]}"#)
        XCTAssertEqual(try object(request.line), expected)
        let noRolling = ClientRequest.submit(id: 6, worker: "w", jobID: "j", extranonce2: [0, 1], ntime: 1, nonce: 2, versionBits: nil)
        XCTAssertEqual(noRolling.params, ["w", "j", "0001", "00000001", "00000002"])
    }

    func testReplies() throws {
        XCTAssertEqual(try object(ClientReply.version(id: 9, userAgent: "ua")), ["id": 9, "result": "ua", "error": nil])
        XCTAssertEqual(try object(ClientReply.pong(id: "p")), ["id": "p", "result": "pong", "error": nil])
        XCTAssertEqual(try object(ClientReply.methodNotFound(id: 3, method: "x.y")),
                       ["id": 3, "result": nil, "error": [-32601, "Method 'x.y' not found", nil]])
    }
}
