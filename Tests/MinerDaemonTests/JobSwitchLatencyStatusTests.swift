import Foundation
import HashingEngine
@testable import MinerDaemon
import StratumClient
import XCTest

/// The job-switch latency: the notify's read time goes into the engine's template, and what the
/// engine measured lands in status.json (`job_switch_latency_ms`) and on /metrics.
final class JobSwitchLatencyStatusTests: XCTestCase {
    func testTheNotifysReadTimeGoesIntoTheTemplate() {
        var h = CoreHarness()
        h.establish()
        let plain = h.assignment("j1", difficulty: 1e-9)
        let readAt = h.t0 + .milliseconds(42)
        let assignment = JobAssignment(notify: plain.notify, epoch: plain.epoch, extranonce1: plain.extranonce1,
                                       extranonce2Size: plain.extranonce2Size, difficulty: plain.difficulty,
                                       versionMask: nil, isClean: true, poolURL: plain.poolURL, receivedAt: readAt)
        let templates = h.send(.source(.job(assignment))).templates
        XCTAssertEqual(templates.count, 1)
        XCTAssertEqual(templates.first??.notifiedAt, readAt)
    }

    func testMeasuredSwitchesFillTheStatusHistogram() throws {
        var h = CoreHarness()
        XCTAssertEqual(h.snapshot.status.jobSwitchLatency.count, 0)
        XCTAssertEqual(h.snapshot.status.jobSwitchLatency.buckets.map(\.le),
                       StatusDocument.Worker.JobSwitchLatency.defaultBoundsMilliseconds)
        _ = h.send(.jobSwitches([.microseconds(800), .milliseconds(3), .milliseconds(40)]))
        let latency = h.snapshot.status.jobSwitchLatency
        XCTAssertEqual(latency.count, 3)
        XCTAssertEqual(latency.sum, 43.8, accuracy: 1e-9)
        XCTAssertEqual(latency.max, 40, accuracy: 1e-9)
        let cumulative = Dictionary(uniqueKeysWithValues: latency.buckets.map { ($0.le, $0.count) })
        XCTAssertEqual(cumulative[0.5], 0)
        XCTAssertEqual(cumulative[1], 1)
        XCTAssertEqual(cumulative[5], 2)
        XCTAssertEqual(cumulative[50], 3)

        // In status.json under its own key, and read back.
        var document = StatusDocument()
        document.workers = [h.snapshot.status]
        let json = String(decoding: try document.encoded(), as: UTF8.self)
        XCTAssertTrue(json.contains("\"job_switch_latency_ms\":{"), json)
        XCTAssertEqual(try StatusDocument.decode(Array(json.utf8)).workers.first?.jobSwitchLatency, latency)
    }

    func testMetricsExposeTheHistogramInSeconds() throws {
        var h = CoreHarness()
        _ = h.send(.jobSwitches([.microseconds(800), .milliseconds(3)]))
        var document = StatusDocument()
        document.workers = [h.snapshot.status]
        let families = try MonitoringFixtures.parsePrometheus(PrometheusExposition.render(status: document))
        XCTAssertEqual(families.family("swiftminer_job_switch_latency_seconds")?.type, "histogram")
        let worker = ["worker": "rig1"]
        XCTAssertEqual(families.value("swiftminer_job_switch_latency_seconds_bucket", ["worker": "rig1", "le": "0.0005"]), 0)
        XCTAssertEqual(families.value("swiftminer_job_switch_latency_seconds_bucket", ["worker": "rig1", "le": "0.001"]), 1)
        XCTAssertEqual(families.value("swiftminer_job_switch_latency_seconds_bucket", ["worker": "rig1", "le": "0.005"]), 2)
        XCTAssertEqual(families.value("swiftminer_job_switch_latency_seconds_bucket", ["worker": "rig1", "le": "+Inf"]), 2)
        XCTAssertEqual(families.value("swiftminer_job_switch_latency_seconds_count", worker), 2)
        XCTAssertEqual(try XCTUnwrap(families.value("swiftminer_job_switch_latency_seconds_sum", worker)), 0.0038, accuracy: 1e-12)
    }
}
