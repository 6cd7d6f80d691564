import StratumProtocol
import XCTest

final class SubmitResultTests: XCTestCase {
    private func result(_ line: String) throws -> SubmitResult {
        guard case .response(let response) = try JSONRPCMessage.parse(Array(line.utf8)) else {
            throw StratumProtocolError.malformedMessage("not a response")
        }
        return SubmitResult(response: response)
    }

    func testAccepted() throws {
        XCTAssertEqual(try result(#"{"id":5,"result":true,"error":null}"#), .accepted)
        XCTAssertEqual(try result(#"{"id":5,"result":true}"#), .accepted)
    }

    func testArrayErrorCodes() throws {
        XCTAssertEqual(try result(#"{"id":5,"result":null,"error":[21,"Job not found",null]}"#), .rejected(.stale, message: "Job not found"))
        XCTAssertEqual(try result(#"{"id":5,"result":false,"error":[22,"Duplicate share",null]}"#), .rejected(.duplicate, message: "Duplicate share"))
        XCTAssertEqual(try result(#"{"id":5,"result":null,"error":[23,"Low difficulty share",null]}"#),
                       .rejected(.lowDifficulty, message: "Low difficulty share"))
        XCTAssertEqual(try result(#"{"id":5,"result":null,"error":[24,"Unauthorized worker",null]}"#),
                       .rejected(.unauthorized, message: "Unauthorized worker"))
        XCTAssertEqual(try result(#"{"id":5,"result":null,"error":[25,"Not subscribed",null]}"#),
                       .rejected(.notSubscribed, message: "Not subscribed"))
        XCTAssertEqual(try result(#"{"id":5,"result":null,"error":[20,"Other/Unknown",null]}"#), .rejected(.other, message: "Other/Unknown"))
        // Code 20 with a telling message falls back to the message.
        XCTAssertEqual(try result(#"{"id":5,"result":null,"error":[20,"Stale share",null]}"#), .rejected(.stale, message: "Stale share"))
    }

    func testObjectAndStringErrors() throws {
        XCTAssertEqual(try result(#"{"id":5,"result":null,"error":{"code":23,"message":"low difficulty"}}"#),
                       .rejected(.lowDifficulty, message: "low difficulty"))
        XCTAssertEqual(try result(#"{"id":5,"result":null,"error":{"code":-1,"message":"Duplicate"}}"#),
                       .rejected(.duplicate, message: "Duplicate"))
        XCTAssertEqual(try result(#"{"id":5,"result":false,"error":"job not found"}"#), .rejected(.stale, message: "job not found"))
        XCTAssertEqual(try result(#"{"id":5,"result":false,"error":[23]}"#), .rejected(.lowDifficulty, message: nil))
    }

    func testRejectReasonField() throws {
        XCTAssertEqual(try result(#"{"id":5,"result":false,"error":null,"reject-reason":"Above target"}"#),
                       .rejected(.lowDifficulty, message: "Above target"))
        XCTAssertEqual(try result(#"{"id":5,"result":false,"error":null,"reject-reason":"stale-prevblk"}"#),
                       .rejected(.stale, message: "stale-prevblk"))
    }

    func testFalseOrNullWithoutReason() throws {
        XCTAssertEqual(try result(#"{"id":5,"result":false,"error":null}"#), .rejected(.other, message: nil))
        XCTAssertEqual(try result(#"{"id":5,"result":null,"error":null}"#), .rejected(.other, message: nil))
        XCTAssertEqual(try result(#"{"id":5,"result":true,"error":[21,"Stale",null]}"#), .rejected(.stale, message: "Stale"))
        XCTAssertEqual(try result(#"{"id":5,"result":"yes","error":null}"#), .rejected(.other, message: nil))
    }

    func testHostileMessageIsTruncatedAndBounded() throws {
        let long = String(repeating: "z", count: 5000)
        guard case .rejected(let reason, let message) = try result(#"{"id":5,"result":null,"error":[99,""# + long + #"",null]}"#) else {
            return XCTFail()
        }
        XCTAssertEqual(reason, .other)
        XCTAssertEqual(message?.count, SubmitResult.maxMessageLength)
        XCTAssertEqual(RejectReason.classify(message: "unauthorised worker"), .unauthorized)
        XCTAssertEqual(RejectReason.classify(message: "high-hash"), .lowDifficulty)
        XCTAssertEqual(RejectReason(code: 12345, message: nil), .other)
    }

    func testSubscribeResultShapesAndLimits() throws {
        let pairList: JSONValue = [[["mining.set_difficulty", "b4b6693b72a50c7116db18d6497cac52"],
                                    ["mining.notify", "ae6812eb4cd7735a302a8a9dd95cf71f"]], "08000002", 4]
        XCTAssertEqual(try SubscribeResult(result: pairList).subscriptionID, "ae6812eb4cd7735a302a8a9dd95cf71f")
        let barePair: JSONValue = [["mining.notify", "deadbeef"], "08000002", 8]
        XCTAssertEqual(try SubscribeResult(result: barePair).subscriptionID, "deadbeef")
        let none: JSONValue = [[], "", 0]
        let empty = try SubscribeResult(result: none)
        XCTAssertNil(empty.subscriptionID)
        XCTAssertEqual(empty.extranonce1, [])
        XCTAssertEqual(try SubscribeResult(result: [nil, "00", 16]).extranonce2Size, 16)
        for bad: JSONValue in [[[], "0a0", 4], [[], "0a", 17], [[], "0a", -1], [[], 5, 4], [[], "0a"], "x", nil,
                               [[], .string(String(repeating: "00", count: 33)), 4], [[], "0a", 4.5]] {
            XCTAssertThrowsError(try SubscribeResult(result: bad), "\(bad)")
        }
    }
}
