@testable import HashingEngine
import MiningCore
import XCTest

/// The job-switch latency (notify read to every thread hashing the new work) is recorded once per
/// template that carries a notify time, when its last thread takes it up, and never otherwise.
final class JobSwitchLatencyTests: XCTestCase {
    func testTrackerRecordsWhenTheLastThreadAdoptsAndOnlyThen() {
        let tracker = JobSwitchTracker(threadCount: 3)
        let notified = ContinuousClock.now
        tracker.published(generation: 1, notifiedAt: notified)
        tracker.adopted(generation: 1)
        tracker.adopted(generation: 1)
        XCTAssertEqual(tracker.take(), [], "two of three threads: not switched yet")
        tracker.adopted(generation: 1)
        let latencies = tracker.take()
        XCTAssertEqual(latencies.count, 1)
        XCTAssertGreaterThanOrEqual(latencies.first ?? .seconds(-1), .zero)
        XCTAssertLessThanOrEqual(latencies.first ?? .seconds(-1), ContinuousClock.now - notified)
        XCTAssertEqual(tracker.take(), [], "taken once")
    }

    func testWorkWithoutANotifyTimeStaleAdoptionsAndReplacedWorkAreNotRecorded() {
        let tracker = JobSwitchTracker(threadCount: 2)
        tracker.published(generation: 1, notifiedAt: nil)
        tracker.adopted(generation: 1)
        tracker.adopted(generation: 1)
        XCTAssertEqual(tracker.take(), [], "no notify time (benchmark, re-authorization)")

        tracker.published(generation: 2, notifiedAt: .now)
        tracker.adopted(generation: 2)
        tracker.published(generation: 3, notifiedAt: .now)  // replaces 2 before the second thread took it
        tracker.adopted(generation: 2)  // a late adoption of the old generation
        tracker.adopted(generation: 3)
        XCTAssertEqual(tracker.take(), [], "generation 2 never reached every thread; 3 only one")
        tracker.adopted(generation: 3)
        XCTAssertEqual(tracker.take().count, 1, "generation 3 reached both threads")
    }

    func testEngineMeasuresEachNotifiedTemplateOnceEveryThreadHashesIt() async throws {
        let engine = HashingEngine(threadCount: 2, kernel: SwiftKernel())
        engine.start()
        defer { engine.stop() }
        let job = try HashingEngineTests.easyJob(difficulty: 1e15)
        engine.setWork(WorkTemplate(job: job, epoch: 1))  // no notify time: not measured
        try await waitUntil { engine.hashCounts.allSatisfy { $0 > 0 } }
        let notified = ContinuousClock.now
        engine.setWork(WorkTemplate(job: job, epoch: 1, notifiedAt: notified))
        var latencies: [Duration] = []
        try await waitUntil {
            latencies += engine.takeJobSwitchLatencies()
            return !latencies.isEmpty
        }
        XCTAssertEqual(latencies.count, 1, "one measurement for the one notified template")
        XCTAssertGreaterThanOrEqual(latencies[0], .zero)
        XCTAssertLessThanOrEqual(latencies[0], ContinuousClock.now - notified)
    }
}
