import StratumProtocol
import XCTest

final class JSONRPCMessageTests: XCTestCase {
    private func parse(_ line: String) throws -> JSONRPCMessage {
        try JSONRPCMessage.parse(Array(line.utf8))
    }

    func testRealPublicPoolSubscribeResponse() throws {
        let line = #"{"id":1,"error":null,"result":[[["mining.notify","e26e1928"]],"e26e1928",4]}"#
        guard case .response(let response) = try parse(line) else { return XCTFail("not a response") }
        XCTAssertEqual(response.integerID, 1)
        let result = try SubscribeResult(result: response.result)
        XCTAssertEqual(result.subscriptionID, "e26e1928")
        XCTAssertEqual(result.extranonce1, [0xe2, 0x6e, 0x19, 0x28])
        XCTAssertEqual(result.extranonce2Size, 4)
    }

    func testRealConfigureResponse() throws {
        let line = #"{"id":2,"error":null,"result":{"version-rolling":true,"version-rolling.mask":"1fffe000"}}"#
        guard case .response(let response) = try parse(line) else { return XCTFail("not a response") }
        XCTAssertEqual(ConfigureResult.versionRollingMask(response), 0x1fff_e000)
        let refused = JSONRPCResponse(id: 2, result: ["version-rolling": false])
        XCTAssertNil(ConfigureResult.versionRollingMask(refused))
        let error = JSONRPCResponse(id: 2, result: nil, error: [20, "Method not found", nil])
        XCTAssertNil(ConfigureResult.versionRollingMask(error))
    }

    func testNotificationRequestAndStringIDs() throws {
        XCTAssertEqual(try parse(#"{"id":null,"method":"mining.set_difficulty","params":[512]}"#),
                       .notification(method: "mining.set_difficulty", params: [512]))
        XCTAssertEqual(try parse(#"{"method":"mining.ping"}"#), .notification(method: "mining.ping", params: []))
        XCTAssertEqual(try parse(#"{"id":"abc","method":"client.get_version","params":[]}"#),
                       .request(id: "abc", method: "client.get_version", params: []))
        XCTAssertEqual(try parse(#"{"id":7,"method":"mining.ping","params":null}"#),
                       .request(id: 7, method: "mining.ping", params: []))
        guard case .response(let response) = try parse(#"{"id":"x1","result":true,"error":null}"#) else {
            return XCTFail("not a response")
        }
        XCTAssertEqual(response.id, "x1")
        XCTAssertNil(response.integerID)
    }

    func testRejectReasonFieldIsKept() throws {
        let line = #"{"id":5,"result":false,"error":null,"reject-reason":"Above target"}"#
        guard case .response(let response) = try parse(line) else { return XCTFail("not a response") }
        XCTAssertEqual(response.rejectReason, "Above target")
    }

    func testMalformedLinesThrowMalformedMessage() {
        let lines = ["", "not json", "[1,2,3]", "42", #"{"id":1}"#, #"{"method":5,"params":[]}"#,
                     #"{"method":"","params":[]}"#, #"{"id":1,"method":"x","params":{"a":1}}"#,
                     #"{"id":[1],"result":true}"#, #"{"id":true,"method":"mining.ping"}"#,
                     #"{"result":true,"error":null}"#, #"{"id":1,"result":tru"#,
                     String(repeating: "[", count: 10_000)]
        for line in lines {
            XCTAssertThrowsError(try parse(line), line.prefix(40).description) { error in
                guard case .malformedMessage = error as? StratumProtocolError else {
                    return XCTFail("\(line.prefix(40)): \(error)")
                }
            }
        }
        let longMethod = #"{"id":1,"method":""# + String(repeating: "m", count: 500) + #"","params":[]}"#
        XCTAssertThrowsError(try parse(longMethod))
    }

    func testInvalidUTF8IsAnErrorNotACrash() {
        let bytes: [UInt8] = Array(#"{"id":1,"method":"mining."#.utf8) + [0xff, 0xfe, 0xc3] + Array(#"","params":[]}"#.utf8)
        XCTAssertThrowsError(try JSONRPCMessage.parse(bytes))
    }
}
