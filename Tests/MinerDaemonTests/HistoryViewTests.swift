import Foundation
import MinerDaemon
import XCTest

/// The history lines of `swiftminer status`: known input, exact output.
final class HistoryViewTests: XCTestCase {
    func buckets(_ rates: [Double], accepted: [UInt64]? = nil, rejected: [UInt64]? = nil) -> [MinuteHistory.Bucket] {
        rates.enumerated().map { index, rate in
            MinuteHistory.Bucket(start: Date(timeIntervalSince1970: Double(index) * 60), hashrate: rate,
                                 accepted: accepted?[index] ?? 0, rejected: rejected?[index] ?? 0)
        }
    }

    func testSparklineScalesBetweenMinAndMax() {
        XCTAssertEqual(HistoryView.sparkline([0, 1, 2, 3, 4, 5, 6, 7]), "▁▂▃▄▅▆▇█")
        XCTAssertEqual(HistoryView.sparkline([10, 20, 15]), "▁█▅", "15 is 3.5 of 7 steps: rounds up")
        XCTAssertEqual(HistoryView.sparkline([7, 6, 5, 4, 3, 2, 1, 0].map { $0 * 1e6 + 5e6 }), "█▇▆▅▄▃▂▁")
    }

    func testSparklineEdgeCases() {
        XCTAssertEqual(HistoryView.sparkline([]), "")
        XCTAssertEqual(HistoryView.sparkline([42]), "▄", "one value: the middle")
        XCTAssertEqual(HistoryView.sparkline([3, 3, 3]), "▄▄▄", "all equal: the middle")
        XCTAssertEqual(HistoryView.sparkline([0, 0]), "▁▁", "all zero: the bottom")
        XCTAssertEqual(HistoryView.sparkline([.nan, 2, .infinity]), "▁█▁", "not finite counts as zero")
    }

    func testLines() {
        XCTAssertEqual(HistoryView.lines([]), ["history     none yet (one bucket a minute)"])
        XCTAssertEqual(HistoryView.lines(buckets([2e6])), [
            "hashrate 1m  ▄  (min 2.00 MH/s max 2.00 MH/s)",
            "a/r 1m  0/0  (accepted/rejected per minute, oldest first)",
        ])
        XCTAssertEqual(HistoryView.lines(buckets([1e6, 3e6, 2e6], accepted: [4, 0, 7], rejected: [0, 2, 1])), [
            "hashrate 3m  ▁█▅  (min 1.00 MH/s max 3.00 MH/s)",
            "a/r 3m  4/0 0/2 7/1  (accepted/rejected per minute, oldest first)",
        ])
    }

    func testAFullHourShowsSixtyBarsAndTheLastFifteenMinutesOfShares() {
        let lines = HistoryView.lines(buckets((0..<60).map { Double($0) * 1000 }, accepted: (0..<60).map(UInt64.init)))
        XCTAssertEqual(lines[0], "hashrate 1h  ▁▁▁▁▁▂▂▂▂▂▂▂▂▃▃▃▃▃▃▃▃▃▄▄▄▄▄▄▄▄▅▅▅▅▅▅▅▅▆▆▆▆▆▆▆▆▆▇▇▇▇▇▇▇▇█████"
            + "  (min 0.00 H/s max 59.00 kH/s)")
        XCTAssertEqual(lines[1], "a/r 15m  " + (45..<60).map { "\($0)/0" }.joined(separator: " ")
            + "  (accepted/rejected per minute, oldest first)")
    }

    func testTheStatusTableEndsWithTheHistory() {
        var status = StatusViewTests.sampleStatus(updatedAt: Date(timeIntervalSince1970: 1_800_000_000))
        status.history = buckets([1e6, 3e6, 2e6], accepted: [4, 0, 7], rejected: [0, 2, 1])
        let table = StatusView.table(status, now: status.updatedAt)
        XCTAssertTrue(table.hasSuffix("""
            hashrate 3m  ▁█▅  (min 1.00 MH/s max 3.00 MH/s)
            a/r 3m  4/0 0/2 7/1  (accepted/rejected per minute, oldest first)
            """), table)
    }
}
