import Foundation
import MinerDaemon
import XCTest

/// `swiftminer status --follow` waits on `FileChangeWaiter` between reads instead of polling.
final class FileChangeWaiterTests: XCTestCase {
    func testReturnsWhenTheFileIsWrittenAndTimesOutWhenNothingChanges() throws {
        #if os(Linux)
        let directory = try temporaryDirectory()
        let path = directory + "/shares.jsonl"
        let waiter = try XCTUnwrap(FileChangeWaiter(watching: path))
        let follower = ShareLogFollower(path: path)
        XCTAssertFalse(waiter.wait(timeout: .milliseconds(50)), "nothing changed yet")

        // Created by another thread while we wait.
        let writer = Thread { _ = ShareLog(path: path).append(.sample(jobID: "first")) }
        writer.start()
        XCTAssertTrue(waiter.wait(timeout: .seconds(30)), "the creation and write wake the waiter")
        var lines: [String] = []
        for _ in 0..<100 where lines.isEmpty {
            lines += follower.poll()
            if lines.isEmpty { _ = waiter.wait(timeout: .seconds(1)) }
        }
        XCTAssertEqual(try lines.map { try ShareLogRecord(line: $0) }, [.sample(jobID: "first")])

        // Rotated away and recreated: a watch on the directory still sees the new file.
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        XCTAssertTrue(waiter.wait(timeout: .seconds(30)), "the rename wakes the waiter")
        _ = ShareLog(path: path).append(.sample(jobID: "after-rotation"))
        XCTAssertTrue(waiter.wait(timeout: .seconds(30)), "the new file wakes the waiter")
        var rotated: [String] = []
        for _ in 0..<100 where rotated.isEmpty {
            rotated += follower.poll()
            if rotated.isEmpty { _ = waiter.wait(timeout: .seconds(1)) }
        }
        XCTAssertEqual(try rotated.map { try ShareLogRecord(line: $0) }, [.sample(jobID: "after-rotation")])
        // Once the writes' late events (close, attribute) are drained, silence times out again.
        var drained = 0
        while waiter.wait(timeout: .milliseconds(200)) && drained < 100 { drained += 1 }
        XCTAssertFalse(waiter.wait(timeout: .milliseconds(50)), "no change, no wake-up")
        #else
        throw XCTSkip("inotify is Linux only")
        #endif
    }
}
