import StratumClient
import StratumProtocol
import XCTest

/// Each job carries the time its notify line was read: the start of the job-switch latency.
final class JobArrivalTimeTests: XCTestCase {
    func testAJobCarriesTheTimeItsNotifyWasRead() {
        var h = SessionHarness()
        h.establish()
        _ = h.advance(.milliseconds(1250))
        let first = h.receive(Lines.notify(job: "a", clean: true)).jobs
        XCTAssertEqual(first.count, 1)
        XCTAssertEqual(first.first?.receivedAt, h.t0 + .milliseconds(1250))
        _ = h.advance(.seconds(3))
        let second = h.receive(Lines.notify(job: "b")).jobs
        XCTAssertEqual(second.first?.receivedAt, h.t0 + .milliseconds(4250))
    }
}
