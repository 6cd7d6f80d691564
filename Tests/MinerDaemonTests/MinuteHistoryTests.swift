import Foundation
import MinerDaemon
import XCTest

/// `MinuteHistory` with time passed in: no sleeping, no clock.
final class MinuteHistoryTests: XCTestCase {
    /// A minute start: 2027-01-15 07:59:00 UTC.
    let t0 = Date(timeIntervalSince1970: 1_799_999_940)

    func at(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }

    func testRecordsAddUpWithinAMinuteAndTheRateIsOverTheObservedPart() {
        var history = MinuteHistory(observingFrom: at(0))
        history.record(at: at(30), hashes: 3000, accepted: 2, rejected: 1)
        XCTAssertEqual(history.buckets, [.init(start: at(0), hashrate: 100, hashes: 3000, accepted: 2, rejected: 1)])
        history.record(at: at(50), hashes: 2000, accepted: 1, rejected: 0)
        XCTAssertEqual(history.buckets, [.init(start: at(0), hashrate: 100, hashes: 5000, accepted: 3, rejected: 1)])
    }

    func testStartingMidMinuteCountsOnlyTheObservedSeconds() {
        var history = MinuteHistory(observingFrom: at(30))
        history.record(at: at(45), hashes: 1500, accepted: 0, rejected: 0)
        XCTAssertEqual(history.buckets.map(\.hashrate), [100])
    }

    func testRollingOverClosesTheMinuteAndOpensTheNext() {
        var history = MinuteHistory(observingFrom: at(0))
        history.record(at: at(30), hashes: 6000, accepted: 1, rejected: 0)
        history.advance(to: at(70))
        XCTAssertEqual(history.buckets, [
            .init(start: at(0), hashrate: 100, hashes: 6000, accepted: 1, rejected: 0),
            .init(start: at(60)),
        ])
        history.record(at: at(80), hashes: 400, accepted: 0, rejected: 2)
        XCTAssertEqual(history.buckets.last, .init(start: at(60), hashrate: 20, hashes: 400, accepted: 0, rejected: 2))
    }

    func testMinutesWithoutRecordsAreEmptyBuckets() {
        var history = MinuteHistory(observingFrom: at(0))
        history.record(at: at(10), hashes: 10, accepted: 0, rejected: 0)
        history.record(at: at(3 * 60 + 5), hashes: 50, accepted: 1, rejected: 0)
        XCTAssertEqual(history.buckets.map(\.start), [at(0), at(60), at(120), at(180)])
        XCTAssertEqual(history.buckets.map(\.hashes), [10, 0, 0, 50])
        XCTAssertEqual(history.buckets.map(\.hashrate), [10.0 / 60, 0, 0, 10].map { ($0 * 1000).rounded() / 1000 })
    }

    func testAtMostAnHourIsKept() {
        var history = MinuteHistory(observingFrom: at(0))
        for minute in 0..<90 {
            history.record(at: at(Double(minute) * 60 + 1), hashes: UInt64(minute), accepted: 1, rejected: 0)
        }
        XCTAssertEqual(history.buckets.count, MinuteHistory.capacity)
        XCTAssertEqual(history.buckets.first?.start, at(30 * 60))
        XCTAssertEqual(history.buckets.last?.start, at(89 * 60))
        XCTAssertEqual(history.buckets.map(\.hashes), (30..<90).map(UInt64.init))
        // A long silence: an hour of empty minutes, consecutive, ending at the new one.
        history.advance(to: at(1000 * 60 + 30))
        XCTAssertEqual(history.buckets.count, MinuteHistory.capacity)
        XCTAssertEqual(history.buckets.map(\.start), (941...1000).map { at(Double($0) * 60) })
        XCTAssertEqual(history.buckets.map(\.hashes).reduce(0, +), 0)
    }

    func testAClockSetBackChangesNothing() {
        var history = MinuteHistory(observingFrom: at(0))
        history.record(at: at(120), hashes: 60, accepted: 0, rejected: 0)
        let before = history
        history.advance(to: at(10))
        XCTAssertEqual(history, before)
        // What is recorded then still counts, in the newest minute.
        history.record(at: at(10), hashes: 6, accepted: 1, rejected: 0)
        XCTAssertEqual(history.buckets.count, before.buckets.count)
        XCTAssertEqual(history.buckets.last?.hashes, 66)
        XCTAssertEqual(history.buckets.last?.accepted, 1)
    }

    func testIncreaseOfACumulativeCounter() {
        XCTAssertEqual(MinuteHistory.increase(from: nil, to: 5), 5, "first snapshot: all of it")
        XCTAssertEqual(MinuteHistory.increase(from: 3, to: 5), 2)
        XCTAssertEqual(MinuteHistory.increase(from: 5, to: 5), 0)
        XCTAssertEqual(MinuteHistory.increase(from: 7, to: 2), 2, "restarted from zero (reload)")
    }
}
