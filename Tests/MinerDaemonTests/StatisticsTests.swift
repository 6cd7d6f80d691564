import Foundation
import MinerDaemon
import StratumProtocol
import XCTest

final class StatisticsTests: XCTestCase {
    func testHashrateWindowsWithAMockClock() {
        var meter = HashrateMeter()
        // Two threads: 1000 H/s and 3000 H/s for 120 s, then thread 0 stops.
        var counts: [UInt64] = [0, 0]
        for second in 0...120 {
            meter.record(time: Double(second), counts: counts)
            counts[0] += 1000
            counts[1] += 3000
        }
        XCTAssertEqual(meter.total(over: 10), 4000, accuracy: 1e-9)
        XCTAssertEqual(meter.perThread(over: 60), [1000, 3000])
        for second in 121...130 {
            meter.record(time: Double(second), counts: counts)
            counts[1] += 3000
        }
        // The last 10 s: thread 0 idle (its count froze at the sample of t = 121).
        let recent = meter.perThread(over: 10)
        XCTAssertEqual(recent[0], 100, accuracy: 1e-9, "only the first of the 10 seconds counted")
        XCTAssertEqual(recent[1], 3000, accuracy: 1e-9)
        // 15 min window with only 130 s of history: the rate over what there is.
        XCTAssertEqual(meter.total(over: 900), Double(counts[0] + counts[1] - 3000) / 130, accuracy: 1e-6)
    }

    func testHashrateMeterForgetsBeyondItsHorizonAndIgnoresDenseSamples() {
        var meter = HashrateMeter(horizon: 60, spacing: 1)
        var count: UInt64 = 0
        for step in 0..<2000 {
            // 10 samples a second: 9 of 10 ignored.
            meter.record(time: Double(step) / 10, counts: [count])
            count += 100  // 1000 H/s
        }
        XCTAssertEqual(meter.total(over: 60), 1000, accuracy: 1)
        XCTAssertEqual(meter.total(over: 900), 1000, accuracy: 1, "older samples are gone, the rate stays right")
        XCTAssertEqual(HashrateMeter().total(over: 10), 0, "no samples: zero, not a crash")
    }

    func testShareCountersInvariantUnderRandomEventSequences() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            var counters = ShareCounters()
            var pending = 0
            for _ in 0..<200 {
                switch Int.random(in: 0..<6, using: &generator) {
                case 0, 1:
                    counters.recordSubmitted(shareDifficulty: Double.random(in: 1...100, using: &generator), isBlock: false)
                    pending += 1
                case 2, 3:
                    counters.recordStaleBeforeSubmit(shareDifficulty: 1)
                default:
                    guard pending > 0 else { continue }
                    let outcomes: [ShareCounters.Outcome] = [.accepted, .rejected(.lowDifficulty), .rejected(.stale),
                                                             .rejected(.other), .stale, .lost]
                    counters.recordOutcome(outcomes.randomElement(using: &generator)!, targetDifficulty: 2)
                    pending -= 1
                }
                XCTAssertTrue(counters.invariantHolds, "found \(counters.found) != \(counters.accounted)")
                XCTAssertEqual(counters.pending, UInt64(pending))
            }
            XCTAssertEqual(counters.acceptedDifficulty, Double(counters.accepted) * 2)
            XCTAssertEqual(counters.rejectReasons.values.reduce(0, +), counters.rejected)
            XCTAssertNil(counters.rejectReasons[.stale], "stale answers count as stale, not as a reject reason")
        }
    }

    func testAtomicWritesAreNeverSeenHalfWritten() throws {
        let directory = try temporaryDirectory()
        let path = directory + "/status.json"
        try AtomicFileWriter.write(Array(#"{"n":0,"pad":""}"#.utf8), to: path)
        let stop = ManagedFlag()
        let failures = ManagedCounter()
        let reads = ManagedCounter()
        let reader = Thread {
            while !stop.isSet {
                guard let data = FileManager.default.contents(atPath: path) else { failures.increment(); continue }
                if (try? JSONValue.parse(Array(data)))?["n"]?.integerValue == nil { failures.increment() }
                reads.increment()
            }
        }
        reader.start()
        for n in 1...300 {
            // Sizes vary so a torn read would show as invalid JSON.
            let padding = String(repeating: "x", count: (n * 7919) % 20_000)
            try AtomicFileWriter.write(Array(#"{"n":\#(n),"pad":"\#(padding)"}"#.utf8), to: path)
        }
        stop.set()
        while !reader.isFinished { Thread.sleep(forTimeInterval: 0.01) }
        XCTAssertGreaterThan(reads.value, 10, "the reader really ran")
        XCTAssertEqual(failures.value, 0)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory)
        XCTAssertEqual(leftovers, ["status.json"], "no temporary files left behind")
    }

    func testShareLogRotatesAtItsSizeCap() throws {
        let directory = try temporaryDirectory()
        let log = ShareLog(path: directory + "/shares.jsonl", maxBytes: 1000, keep: 2)
        for n in 0..<100 { XCTAssertNil(log.append(.sample(jobID: String(n)))) }
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        XCTAssertEqual(files, ["shares.jsonl", "shares.jsonl.1", "shares.jsonl.2"])
        for file in files {
            let text = try String(contentsOfFile: directory + "/" + file, encoding: .utf8)
            XCTAssertLessThanOrEqual(text.utf8.count, 1000)
            for line in text.split(separator: "\n") { XCTAssertNoThrow(try ShareLogRecord(line: line)) }
        }
        let newest = try String(contentsOfFile: directory + "/shares.jsonl", encoding: .utf8)
        XCTAssertTrue(newest.hasSuffix(try ShareLogRecord.sample(jobID: "99").line() + "\n"))
    }

    func testShareLogKeepsLinesWhileTheDirectoryIsMissingAndWritesThemLater() throws {
        let directory = try temporaryDirectory() + "/later"
        let log = ShareLog(path: directory + "/shares.jsonl")
        XCTAssertNotNil(log.append(.sample(jobID: "1")), "the directory does not exist yet")
        XCTAssertNotNil(log.append(.sample(jobID: "2")))
        XCTAssertEqual(log.pendingLines, 2)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        XCTAssertNil(log.append(.sample(jobID: "3")))
        XCTAssertEqual(log.pendingLines, 0)
        let text = try String(contentsOfFile: directory + "/shares.jsonl", encoding: .utf8)
        XCTAssertTrue(text.hasSuffix("\n"))
        XCTAssertEqual(try text.split(separator: "\n").map { try ShareLogRecord(line: $0) }, ["1", "2", "3"].map { .sample(jobID: $0) },
                       "nothing lost, order kept")
    }

    func testShareLogReopensAfterLogrotateMovedIt() throws {
        let directory = try temporaryDirectory()
        let path = directory + "/shares.jsonl"
        let log = ShareLog(path: path)
        log.append(.sample(jobID: "1"))
        try FileManager.default.moveItem(atPath: path, toPath: path + ".old")
        log.reopen()
        log.append(.sample(jobID: "2"))
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), try ShareLogRecord.sample(jobID: "2").line() + "\n")
        XCTAssertEqual(try String(contentsOfFile: path + ".old", encoding: .utf8), try ShareLogRecord.sample(jobID: "1").line() + "\n")
    }
}

func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "swiftminer-test-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

final class ManagedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    var isSet: Bool { lock.withLock { flag } }
    func set() { lock.withLock { flag = true } }
}

final class ManagedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func increment() { lock.withLock { count += 1 } }
}
