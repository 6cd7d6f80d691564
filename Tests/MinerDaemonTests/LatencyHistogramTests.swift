import Foundation
import MinerDaemon
import XCTest

/// The workers' two latency histograms: one shape (`LatencyHistogram`), a type each.
final class LatencyHistogramTests: XCTestCase {
    func testRecordingCountsIntoCumulativeBuckets() {
        var histogram = StatusDocument.Worker.JobSwitchLatency(bucketBoundsMilliseconds: [1, 10, 100])
        for milliseconds in [0.5, 1, 7, 250] { histogram.record(milliseconds: milliseconds) }
        XCTAssertEqual(histogram.count, 4)
        XCTAssertEqual(histogram.sum, 258.5)
        XCTAssertEqual(histogram.avg, 258.5 / 4)
        XCTAssertEqual(histogram.max, 250)
        XCTAssertEqual(histogram.buckets, [.init(le: 1, count: 2), .init(le: 10, count: 3), .init(le: 100, count: 3)])
    }

    func testEachKindHasItsBounds() {
        XCTAssertEqual(StatusDocument.Worker.SubmitLatency.defaultBoundsMilliseconds,
                       [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000])
        XCTAssertEqual(StatusDocument.Worker.JobSwitchLatency.defaultBoundsMilliseconds,
                       [0.25, 0.5, 1, 2, 5, 10, 25, 50, 100, 250, 1000])
    }

    func testTheJSONIsTheSameForBothKindsAndMissingFieldsReadAsDefaults() throws {
        var worker = StatusDocument.Worker()
        worker.submitLatency = .init(bucketBoundsMilliseconds: [5])
        worker.submitLatency.record(milliseconds: 2)
        worker.jobSwitchLatency = .init(bucketBoundsMilliseconds: [5])
        worker.jobSwitchLatency.record(milliseconds: 2)
        var document = StatusDocument()
        document.workers = [worker]
        let json = String(decoding: try document.encoded(), as: UTF8.self)
        let histogram = #"{"avg":2,"buckets":[{"count":1,"le":5}],"count":1,"max":2,"sum":2}"#
        XCTAssertTrue(json.contains(#""submit_latency_ms":"# + histogram), json)
        XCTAssertTrue(json.contains(#""job_switch_latency_ms":"# + histogram), json)
        XCTAssertEqual(try StatusDocument.decode(Array(json.utf8)).workers.first, worker)

        let partial = #"{"workers":[{"name":"w","job_switch_latency_ms":{"count":3}}]}"#
        let read = try XCTUnwrap(try StatusDocument.decode(Array(partial.utf8)).workers.first?.jobSwitchLatency)
        XCTAssertEqual(read.count, 3)
        XCTAssertEqual(read.sum, 0)
        XCTAssertEqual(read.buckets, [])
    }
}
