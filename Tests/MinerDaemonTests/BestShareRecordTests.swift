import Foundation
import MinerDaemon
import XCTest

/// `best-share.json` is written and read back through `BestShareRecord`, in the format it always had.
final class BestShareRecordTests: XCTestCase {
    func testWrittenAndReadBackEqual() throws {
        let path = try temporaryDirectory() + "/best-share.json"
        let record = BestShareRecord(difficulty: 123456.789, updatedAt: Date(timeIntervalSince1970: 1_796_000_000.5))
        try record.write(to: path)
        XCTAssertEqual(BestShareRecord.load(from: path), record)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8),
                       #"{"best_share_difficulty":123456.789,"updated_at":"2026-11-30T00:53:20.500Z"}"#)
    }

    func testReadsWhatEarlierVersionsWrote() throws {
        let path = try temporaryDirectory() + "/best-share.json"
        try #"{"best_share_difficulty":42,"updated_at":"2026-11-29T07:08:55.110Z"}"#.write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(BestShareRecord.load(from: path)?.difficulty, 42)
        // Only the difficulty is needed.
        try #"{"best_share_difficulty":7.5}"#.write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(BestShareRecord.load(from: path)?.difficulty, 7.5)
        try #"{"best_share_difficulty":7.5,"updated_at":"whenever"}"#.write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(BestShareRecord.load(from: path)?.difficulty, 7.5)
    }

    func testNoFileOrAnUnusableOneReadsAsNothing() throws {
        let directory = try temporaryDirectory()
        XCTAssertNil(BestShareRecord.load(from: directory + "/missing.json"))
        let path = directory + "/best-share.json"
        for text in ["", "garbage", #"{"updated_at":"2026-11-29T07:08:55.110Z"}"#, #"{"best_share_difficulty":-1}"#,
                     #"{"best_share_difficulty":"big"}"#] {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            XCTAssertNil(BestShareRecord.load(from: path), text)
        }
    }
}
