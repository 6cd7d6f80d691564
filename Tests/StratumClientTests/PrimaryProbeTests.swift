import StratumClient
import XCTest

/// The decisions behind probing the primary while mining on a backup, without sockets.
final class PrimaryProbeTests: XCTestCase {
    func testProbesOncePerIntervalWhileThePrimaryStaysDown() {
        let start = ContinuousClock.now
        var schedule = PrimaryProbeSchedule(interval: .seconds(60), backupStartedAt: start)
        XCTAssertFalse(schedule.isDue(now: start + .seconds(59)))
        XCTAssertFalse(schedule.probeStarted(now: start + .seconds(59)), "not before one interval on the backup")
        XCTAssertTrue(schedule.probeStarted(now: start + .seconds(60)))
        XCTAssertFalse(schedule.probeStarted(now: start + .seconds(61)), "one probe at a time")
        var levels: [Bool] = []
        var now = start + .seconds(62)
        for _ in 1...20 {
            guard case .stayOnBackup(let next, let logAtInfo) = schedule.probeEnded(.failed("connection refused"), now: now) else {
                return XCTFail("a failed probe never switches")
            }
            XCTAssertEqual(next, now + .seconds(60), "next probe one interval after this one ended")
            levels.append(logAtInfo)
            XCTAssertFalse(schedule.probeStarted(now: next - .seconds(1)))
            now = next
            XCTAssertTrue(schedule.probeStarted(now: now))
            now += .seconds(2)
        }
        XCTAssertEqual(schedule.probes, 21)
        XCTAssertEqual(schedule.failures, 20)
        XCTAssertEqual(levels.enumerated().filter(\.element).map(\.offset), [0, 9, 19],
                       "info for the first failure and every 10th, debug otherwise")
    }

    func testOnlyAnAuthorizedProbeSwitches() {
        let start = ContinuousClock.now
        var schedule = PrimaryProbeSchedule(interval: .milliseconds(200), backupStartedAt: start)
        XCTAssertTrue(schedule.probeStarted(now: start + .milliseconds(200)))
        XCTAssertNotEqual(schedule.probeEnded(.failed("authorization failed: refused"), now: start + .milliseconds(250)),
                          .switchToPrimary)
        XCTAssertEqual(schedule.consecutiveFailures, 1)
        XCTAssertTrue(schedule.probeStarted(now: start + .milliseconds(450)))
        XCTAssertEqual(schedule.probeEnded(.authorized, now: start + .milliseconds(470)), .switchToPrimary)
        XCTAssertEqual(schedule.consecutiveFailures, 0)
        XCTAssertEqual(schedule.failures, 1)
    }

    func testBackupClosesWhenItsSharesAreAnsweredOrAtTheSubmitTimeout() {
        let switched = ContinuousClock.now
        let drain = BackupDrain(switchedAt: switched, submitTimeout: .seconds(30), grace: .milliseconds(100))
        XCTAssertFalse(drain.isDone(pendingSubmits: 0, now: switched), "a share found just before the switch may still come")
        XCTAssertTrue(drain.isDone(pendingSubmits: 0, now: switched + .milliseconds(100)))
        XCTAssertFalse(drain.isDone(pendingSubmits: 2, now: switched + .seconds(10)), "pending shares keep it open")
        XCTAssertFalse(drain.isDone(pendingSubmits: 1, now: switched + .seconds(30)))
        XCTAssertTrue(drain.isDone(pendingSubmits: 1, now: switched + .seconds(30) + .milliseconds(100)),
                      "never longer than the submit timeout (plus the grace)")
    }
}
