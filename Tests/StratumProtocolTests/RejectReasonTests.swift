import StratumProtocol
import XCTest

/// Reject reasons by text as well as by code (issue 14, item 7).
final class RejectReasonTests: XCTestCase {
    func testRealPoolTextsAreClassifiedCaseInsensitively() {
        let cases: [(String, RejectReason)] = [
            ("Invalid JobID", .stale),          // ckpool
            ("INVALID JOBID", .stale),
            ("job not found", .stale),          // miningcore, public-pool
            ("Job Not Found", .stale),
            ("Stale", .stale),                  // ckpool, DATUM
            ("stale share", .stale),
            ("Duplicate", .duplicate),          // ckpool
            ("duplicate share", .duplicate),
            ("Above target", .lowDifficulty),   // ckpool
            ("low difficulty share", .lowDifficulty),
            ("Low Difficulty", .lowDifficulty),
            ("High-hash", .lowDifficulty),      // bitcoind's reason, passed on by DATUM
            ("high-hash", .lowDifficulty),
            ("Unauthorized worker", .unauthorized),
            ("Not subscribed", .notSubscribed),
            ("Invalid nonce2 length", .other),
            ("", .other),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(RejectReason.classify(message: text), expected, text)
            XCTAssertEqual(RejectReason(code: nil, message: text), expected, text)
            XCTAssertEqual(RejectReason(code: 20, message: text), expected, "code 20 (other) + \(text)")
        }
    }

    /// When a known code and the text disagree, the text decides: it is the pool's own statement,
    /// while codes are applied loosely (a pool answering every reject with 21, for example).
    func testTextWinsOverAContradictingCode() {
        XCTAssertEqual(RejectReason(code: 21, message: "Duplicate share"), .duplicate)
        XCTAssertEqual(RejectReason(code: 23, message: "Stale"), .stale)
        XCTAssertEqual(RejectReason(code: 21, message: "Above target"), .lowDifficulty)
        XCTAssertEqual(RejectReason(code: 22, message: "Invalid JobID"), .stale)
        // A text that names nothing known leaves the code in charge.
        XCTAssertEqual(RejectReason(code: 23, message: "share rejected"), .lowDifficulty)
        XCTAssertEqual(RejectReason(code: 22, message: nil), .duplicate)
        XCTAssertEqual(RejectReason(code: 99, message: "nope"), .other)
        XCTAssertEqual(RejectReason(code: nil, message: nil), .other)
    }

    func testEveryErrorShapeCarriesTheTextToTheShareLog() throws {
        let shapes: [(String, RejectReason, String?)] = [
            (#"{"id":1,"result":null,"error":[21,"Stale",null]}"#, .stale, "Stale"),                       // ckpool
            (#"{"id":1,"result":false,"error":null,"reject-reason":"Above target"}"#, .lowDifficulty, "Above target"),
            (#"{"id":1,"result":null,"error":{"code":20,"message":"job not found"}}"#, .stale, "job not found"),  // miningcore
            (#"{"id":1,"result":null,"error":{"code":23,"message":"Duplicate share"}}"#, .duplicate, "Duplicate share"),
            (#"{"id":1,"result":false,"error":"High-hash"}"#, .lowDifficulty, "High-hash"),
        ]
        for (line, reason, text) in shapes {
            guard case .response(let response) = try JSONRPCMessage.parse(Array(line.utf8)) else { return XCTFail(line) }
            XCTAssertEqual(SubmitResult(response: response), .rejected(reason, message: text), line)
        }
    }
}
