import Foundation
import HashingEngine
import Logging
@testable import MinerDaemon
import MiningCore
import StratumClient
import StratumProtocol
import XCTest

/// `WorkerCore` driven by event sequences, without sockets, threads or clocks: every path a share
/// can take, and what the core tells the engine, the client and the status reporter.
final class WorkerCoreTests: XCTestCase {
    func testAnAcceptedShareIsSubmittedOnceAndCredited() {
        var h = CoreHarness()
        h.establish()
        let job = h.send(.source(.job(h.assignment("j1", difficulty: 1e-9)))).templates
        XCTAssertEqual(job.map { $0?.job.jobID }, ["j1"], "authorized: the job goes to the engine")

        let candidate = h.candidate(job: "j1")
        let submits = h.send(.candidate(candidate)).submits
        XCTAssertEqual(submits.count, 1)
        XCTAssertEqual(submits.first?.share.nonce, candidate.nonce)
        XCTAssertTrue(h.send(.candidate(candidate)).submits.isEmpty, "the same header is one share")
        XCTAssertEqual(h.snapshot.counters.pending, 1)

        h.advance(.milliseconds(40))
        let outcomes = h.send(.submitResult(id: submits[0].id, .accepted)).outcomes
        XCTAssertEqual(outcomes.map(\.outcome), [.accepted])
        XCTAssertEqual(outcomes.first?.latency, .milliseconds(40))
        let status = h.snapshot.status
        XCTAssertEqual(status.shares.found, 1)
        XCTAssertEqual(status.shares.accepted, 1)
        XCTAssertEqual(status.shares.pending, 0)
        XCTAssertEqual(status.shares.acceptedDifficulty, 1e-9)
        XCTAssertEqual(status.submitLatency.count, 1)
        XCTAssertEqual(status.submitLatency.max, 40)
        XCTAssertNotNil(status.lastShareAt)
        XCTAssertTrue(h.snapshot.counters.invariantHolds)
    }

    func testRejectionsAreCountedByReason() {
        var h = CoreHarness()
        h.establish()
        _ = h.send(.source(.job(h.assignment("j1", difficulty: 1e-9))))
        let first = h.send(.candidate(h.candidate(job: "j1", startNonce: 0))).submits[0]
        let second = h.send(.candidate(h.candidate(job: "j1", startNonce: first.share.nonce + 1))).submits[0]
        let third = h.send(.candidate(h.candidate(job: "j1", startNonce: second.share.nonce + 1))).submits[0]
        let answers = [
            h.send(.submitResult(id: first.id, .rejected(.lowDifficulty, message: "Low difficulty share"))),
            h.send(.submitResult(id: second.id, .rejected(.duplicate, message: nil))),
            h.send(.submitResult(id: third.id, .rejected(.lowDifficulty, message: nil))),
        ].flatMap(\.outcomes)
        XCTAssertEqual(answers.map(\.outcome), [.rejected(.lowDifficulty), .rejected(.duplicate), .rejected(.lowDifficulty)])
        XCTAssertEqual(answers.map(\.reason), ["Low difficulty share", "duplicate", "low-difficulty"])
        let shares = h.snapshot.status.shares
        XCTAssertEqual(shares.rejected, 3)
        XCTAssertEqual(shares.rejectReasons, ["low-difficulty": 2, "duplicate": 1])
        XCTAssertEqual(shares.accepted, 0)
        XCTAssertEqual(h.snapshot.status.submitLatency.count, 3, "rejections are answers: their latency counts")
    }

    func testACandidateForAJobAClean_JobReplacedIsStaleAndNotSent() {
        var h = CoreHarness()
        h.establish()
        _ = h.send(.source(.job(h.assignment("j1", difficulty: 1e-9))))
        let old = h.candidate(job: "j1")
        _ = h.send(.source(.job(h.assignment("j2", difficulty: 1e-9, clean: true))))
        let actions = h.send(.candidate(old))
        XCTAssertTrue(actions.submits.isEmpty, "never sent for a job clean_jobs invalidated")
        XCTAssertEqual(actions.outcomes.map(\.outcome), [.stale])
        XCTAssertEqual(actions.outcomes.first?.reason, "job no longer valid")
        XCTAssertEqual(h.snapshot.status.shares.found, 1)
        XCTAssertEqual(h.snapshot.status.shares.stale, 1)

        // A job that was not clean keeps the earlier ones valid.
        _ = h.send(.source(.job(h.assignment("j3", difficulty: 1e-9))))
        XCTAssertEqual(h.send(.candidate(h.candidate(job: "j2"))).submits.count, 1)
    }

    /// The session sends a share only while no clean job followed the share's job: the core gives
    /// each share the generation of the job it was found for (not the newest job's).
    func testASubmitCarriesTheGenerationOfItsOwnJob() {
        var h = CoreHarness()
        h.establish()
        _ = h.send(.source(.job(h.assignment("j1", difficulty: 1e-9, clean: true, generation: 4))))
        _ = h.send(.source(.job(h.assignment("j2", difficulty: 1e-9, generation: 4))))
        XCTAssertEqual(h.send(.candidate(h.candidate(job: "j1"))).submits.map(\.share.jobGeneration), [4])
        _ = h.send(.source(.job(h.assignment("j3", difficulty: 1e-9, clean: true, generation: 5))))
        // (The harness's jobs share their headers: each candidate starts at its own nonce, or it is a duplicate.)
        XCTAssertEqual(h.send(.candidate(h.candidate(job: "j3", startNonce: 1 << 16))).submits.map(\.share.jobGeneration), [5])
        // The current job rebuilt for a new version-rolling mask keeps its generation.
        _ = h.send(.source(.versionRollingMask(0x1fff_e000)))
        XCTAssertEqual(h.send(.candidate(h.candidate(job: "j3", startNonce: 1 << 20))).submits.map(\.share.jobGeneration), [5])
    }

    func testAShareThePoolCallsStaleCountsAsStaleNotRejected() {
        var h = CoreHarness()
        h.establish()
        _ = h.send(.source(.job(h.assignment("j1", difficulty: 1e-9))))
        let submit = h.send(.candidate(h.candidate(job: "j1"))).submits[0]
        XCTAssertEqual(h.send(.submitResult(id: submit.id, .rejected(.stale, message: "Stale share"))).outcomes.map(\.outcome), [.stale])
        XCTAssertEqual(h.snapshot.status.shares.stale, 1)
        XCTAssertEqual(h.snapshot.status.shares.rejected, 0)
        XCTAssertEqual(h.snapshot.status.shares.rejectReasons, [:])
    }

    func testALostShareIsCountedWithoutLatency() {
        var h = CoreHarness()
        h.establish()
        _ = h.send(.source(.job(h.assignment("j1", difficulty: 1e-9))))
        let submit = h.send(.candidate(h.candidate(job: "j1"))).submits[0]
        h.advance(.seconds(30))
        let outcome = h.send(.submitResult(id: submit.id, .lost("no answer within 30 seconds"))).outcomes
        XCTAssertEqual(outcome.map(\.outcome), [.lost])
        XCTAssertNil(outcome.first?.latency)
        XCTAssertEqual(h.snapshot.status.shares.lost, 1)
        XCTAssertEqual(h.snapshot.status.submitLatency.count, 0, "no answer, no latency")
        XCTAssertTrue(h.snapshot.counters.invariantHolds)
    }

    /// The connection dies with a share in flight; the pool resumes the session and the client
    /// sends it again: it stays pending across the reconnect and is counted once, when answered.
    func testAShareInFlightAcrossAResumedSessionIsCountedOnce() {
        var h = CoreHarness()
        h.establish()
        _ = h.send(.source(.job(h.assignment("j1", difficulty: 1e-9))))
        let submit = h.send(.candidate(h.candidate(job: "j1"))).submits[0]

        let down = h.send(.source(.disconnected(url: CoreHarness.url, reason: "connection reset")))
        XCTAssertEqual(down.templates.count, 1)
        XCTAssertNil(down.templates.first ?? nil, "nothing to mine while disconnected")
        XCTAssertEqual(h.snapshot.status.pool.state, .disconnected)
        XCTAssertEqual(h.snapshot.status.shares.pending, 1, "in flight, not lost")

        h.epoch = 2
        h.establish(resumed: true)
        XCTAssertEqual(h.snapshot.status.pool.reconnects, 1)
        _ = h.send(.source(.sharesResubmitted(count: 1)))
        XCTAssertEqual(h.snapshot.status.shares.pending, 1)
        XCTAssertEqual(h.send(.submitResult(id: submit.id, .accepted)).outcomes.map(\.outcome), [.accepted])
        XCTAssertEqual(h.send(.submitResult(id: submit.id, .accepted)).outcomes.count, 0, "answered once")
        let shares = h.snapshot.status.shares
        XCTAssertEqual([shares.found, shares.accepted, shares.pending, shares.lost], [1, 1, 0, 0])
    }

    /// set_difficulty while a share is in flight: it is credited at its job's difficulty.
    func testDifficultyChangedWhileAShareIsInFlight() {
        var h = CoreHarness()
        h.establish()
        _ = h.send(.source(.job(h.assignment("j1", difficulty: 2e-9))))
        let submit = h.send(.candidate(h.candidate(job: "j1"))).submits[0]
        _ = h.send(.source(.difficulty(8)))
        XCTAssertEqual(h.snapshot.status.pool.difficulty, 8, "the pool's difficulty now")
        let outcome = h.send(.submitResult(id: submit.id, .accepted)).outcomes
        XCTAssertEqual(outcome.first?.candidate.targetDifficulty, 2e-9)
        XCTAssertEqual(h.snapshot.status.shares.acceptedDifficulty, 2e-9, "credited at the difficulty it was found for")
    }

    /// miningcore's vardiff: set_difficulty, then the identical job again with the same id. A
    /// candidate found before, at the old difficulty, is judged by it: submitted, never a
    /// hardware error; the same header found again is not sent twice.
    func testTheSameJobResentAtAHigherDifficultyJudgesEarlierCandidatesByTheirDifficulty() {
        var h = CoreHarness()
        h.establish()
        _ = h.send(.source(.job(h.assignment("j1", difficulty: 1e-9, clean: true))))
        // A header that meets 1e-9 but not 1e-3, found before the change.
        var start: UInt32 = 0
        var early = h.candidate(job: "j1")
        while early.shareDifficulty >= 1e-3 { start = early.nonce + 1; early = h.candidate(job: "j1", startNonce: start) }
        _ = h.send(.source(.difficulty(1e-3)))
        let resent = h.send(.source(.job(h.assignment("j1", difficulty: 1e-3))))
        XCTAssertEqual(resent.templates.first??.job.difficulty, 1e-3, "the engine gets the new target")
        let actions = h.send(.candidate(early))
        XCTAssertEqual(actions.submits.count, 1, "judged by the difficulty it was found at")
        XCTAssertEqual(h.snapshot.status.shares.hardwareErrors, 0)
        XCTAssertTrue(h.send(.candidate(early)).submits.isEmpty, "the same header is one share")
        let outcome = h.send(.submitResult(id: actions.submits[0].id, .accepted)).outcomes
        XCTAssertEqual(outcome.first?.candidate.targetDifficulty, 1e-9, "credited at its own difficulty")
        XCTAssertEqual(h.snapshot.status.shares.accepted, 1)

        // A difficulty never handed out for the job is still a hardware error (a lying kernel).
        let forged = ShareCandidate(jobID: early.jobID, epoch: early.epoch, extranonce1: early.extranonce1,
                                    extranonce2: early.extranonce2, ntime: early.ntime, nonce: early.nonce,
                                    versionBits: nil, generation: 2, targetDifficulty: 1e-6, evaluation: early.evaluation)
        XCTAssertTrue(h.send(.candidate(forged)).submits.isEmpty)
        XCTAssertEqual(h.snapshot.status.shares.hardwareErrors, 1)
    }

    func testWorkWaitsForAuthorizationAndStopsWhenRefused() {
        var h = CoreHarness()
        _ = h.send(.source(.connecting(url: CoreHarness.url, attempt: 1)))
        XCTAssertEqual(h.snapshot.status.pool.state, .connecting)
        _ = h.send(.source(.connected(url: CoreHarness.url)))
        XCTAssertEqual(h.snapshot.status.pool.state, .subscribing)
        XCTAssertNotNil(h.snapshot.status.pool.connectedSince)
        _ = h.send(.source(.subscribed(url: CoreHarness.url, extranonce1: CoreHarness.extranonce1, extranonce2Size: 4, resumed: false)))
        XCTAssertTrue(h.send(.source(.job(h.assignment("j1", difficulty: 1e-9)))).templates.isEmpty,
                      "not authorized yet: nothing to mine")
        XCTAssertFalse(h.snapshot.hasJob)
        XCTAssertEqual(h.send(.source(.authorized(worker: "w"))).templates.map { $0?.job.jobID }, ["j1"])
        XCTAssertEqual(h.snapshot.status.pool.state, .mining)
        XCTAssertTrue(h.snapshot.hasJob)

        let refused = h.send(.source(.authorizationFailed(worker: "w", reason: "unknown user")))
        XCTAssertEqual(refused.templates.count, 1)
        XCTAssertNil(refused.templates.first ?? nil)
        XCTAssertEqual(h.snapshot.status.pool.state, .unauthorized)
    }

    /// A node's events: work waits until the node is ready (in sync, the address on its chain), and
    /// stops while the node refuses the credentials or the address, each said in one error line.
    func testNodeWorkWaitsUntilTheNodeIsReadyAndStopsWhenItCannotBeUsed() {
        var h = CoreHarness()
        _ = h.send(.source(.connecting(url: "http://127.0.0.1:8332", attempt: 1)))
        _ = h.send(.source(.connected(url: "http://127.0.0.1:8332")))
        XCTAssertTrue(h.send(.source(.job(h.assignment("t1", difficulty: 1e-9)))).templates.isEmpty, "the node is not ready yet")
        let ready = h.send(.source(.nodeReady(chain: "regtest", coinbaseAddress: "bcrt1qaddress")))
        XCTAssertEqual(ready.templates.map { $0?.job.jobID }, ["t1"])
        XCTAssertEqual(ready.logLines, [.init(level: .info, text: "node ready on regtest: mining for coinbase bcrt1qaddress")])
        XCTAssertEqual(h.snapshot.status.pool.state, .mining)

        let credentials = h.send(.source(.nodeRefusedCredentials(credentials: "rpc user alice", reason: "HTTP 401")))
        XCTAssertEqual(credentials.templates.count, 1)
        XCTAssertNil(credentials.templates.first ?? nil)
        XCTAssertEqual(credentials.logLines, [.init(level: .error, text: "the node refused rpc user alice: HTTP 401")])
        XCTAssertEqual(h.snapshot.status.pool.state, .unauthorized)

        _ = h.send(.source(.nodeReady(chain: "regtest", coinbaseAddress: "bcrt1qaddress")))
        let address = h.send(.source(.coinbaseAddressUnusable(address: "bc1qmainnet", reason: "wrong network")))
        XCTAssertNil(address.templates.first ?? nil)
        XCTAssertEqual(address.logLines,
                       [.init(level: .error, text: "coinbase bc1qmainnet cannot be paid on the node's chain: wrong network")])
        XCTAssertEqual(h.snapshot.status.pool.state, .unauthorized)
    }

    func testVersionRollingMaskRebuildsTheCurrentJob() {
        var h = CoreHarness()
        h.establish()
        _ = h.send(.source(.job(h.assignment("j1", difficulty: 1e-9))))
        let rebuilt = h.send(.source(.versionRollingMask(0x1fff_e000))).templates
        XCTAssertEqual(rebuilt.first??.job.versionMask, 0x1fff_e000)
        XCTAssertEqual(h.snapshot.status.pool.versionRollingMask, "1fffe000")
    }

    /// Hardware errors: what the engine's re-check refused (reported with its hash counts) plus
    /// candidates this core refuses because they do not meet the job's target.
    func testHardwareErrorsCountTheEnginesRefusalsAndNeverAShare() {
        var h = CoreHarness()
        h.establish()
        _ = h.send(.source(.job(h.assignment("j1", difficulty: 1e-9))))
        _ = h.send(.hashSample(counts: [1000], hardwareErrors: 2))
        XCTAssertEqual(h.snapshot.status.shares.hardwareErrors, 2)
        let liar = h.nonMatchingCandidate(job: "j1")
        let actions = h.send(.candidate(liar))
        XCTAssertTrue(actions.submits.isEmpty)
        XCTAssertTrue(actions.outcomes.isEmpty)
        let shares = h.snapshot.status.shares
        XCTAssertEqual(shares.hardwareErrors, 3)
        XCTAssertEqual(shares.found, 0, "a hardware error is not a share")
    }

    func testHashRateAndExpectedSharesComeFromHashSamples() {
        var h = CoreHarness(threads: 2)
        h.establish()
        _ = h.send(.source(.job(h.assignment("j1", difficulty: 1))))
        _ = h.send(.hashSample(counts: [0, 0], hardwareErrors: 0))
        h.advance(.seconds(10))
        _ = h.send(.hashSample(counts: [10_000_000, 30_000_000], hardwareErrors: 0))
        let status = h.snapshot.status
        XCTAssertEqual(status.hashrate.perThread, [1_000_000, 3_000_000])
        XCTAssertEqual(status.hashrate.windows.tenSeconds, 4_000_000)
        XCTAssertEqual(status.hashesTotal, 40_000_000)
        XCTAssertEqual(status.expectedShares, (40_000_000 / 4_294_967_296.0).rounded3)
        XCTAssertEqual(h.snapshot.threads, 2)
    }

    /// A sample read before the last one but handled after it (the periodic reader racing the
    /// shutdown's final read) changes nothing: no hashes counted twice, no wrapped difference
    /// predicting 2^64 hashes' worth of shares, no share-rate warning.
    func testAnOlderHashSampleHandledLateIsIgnored() {
        var h = CoreHarness()
        h.establish()
        _ = h.send(.source(.job(h.assignment("j1", difficulty: 1))))
        _ = h.send(.hashSample(counts: [0], hardwareErrors: 0))
        h.advance(.seconds(10))
        _ = h.send(.hashSample(counts: [50_000_000], hardwareErrors: 0))
        let expected = h.snapshot.status.expectedShares
        h.advance(.seconds(1))
        let late = h.send(.hashSample(counts: [49_999_000], hardwareErrors: 0))
        XCTAssertFalse(late.contains { if case .log(.warning, _) = $0 { true } else { false } })
        let status = h.snapshot.status
        XCTAssertEqual(status.hashesTotal, 50_000_000)
        XCTAssertEqual(status.expectedShares, expected)
        XCTAssertNil(status.warning)
        h.advance(.seconds(1))
        _ = h.send(.hashSample(counts: [51_000_000], hardwareErrors: 0))
        XCTAssertEqual(h.snapshot.status.hashesTotal, 51_000_000)
        XCTAssertEqual(h.snapshot.status.expectedShares, (51_000_000 / 4_294_967_296.0).rounded3)
    }

    func testEveryEventEndsWithASnapshot() {
        var h = CoreHarness()
        let actions = h.send(.source(.poolMessage("hello")))
        guard case .publish(let snapshot)? = actions.last else { return XCTFail("\(actions)") }
        XCTAssertEqual(snapshot.status.name, "rig1")
        XCTAssertTrue(actions.contains { if case .log(.notice, let text) = $0 { text.contains("hello") } else { false } })
    }
}

/// Drives a `WorkerCore` with a fake clock, as a client and an engine would.
struct CoreHarness {
    static let url = "stratum+tcp://pool.example:3333"
    static let extranonce1: [UInt8] = [0xe2, 0x6e, 0x19, 0x28]

    var core: WorkerCore
    let t0 = ContinuousClock.now
    var elapsed: Duration = .zero
    var epoch: UInt64 = 1
    private var jobs: [String: (job: MiningJob, epoch: UInt64)] = [:]

    init(threads: Int = 1) {
        core = WorkerCore(name: "rig1", user: "tester.rig1", threads: threads, origin: t0)
    }

    var snapshot: WorkerSnapshot { core.snapshot }

    mutating func advance(_ duration: Duration) { elapsed += duration }

    mutating func send(_ event: WorkerCore.Event) -> [WorkerCore.Action] {
        let moment = WorkerCore.Moment(instant: t0 + elapsed, date: Date(timeIntervalSince1970: 1_800_000_000) + (elapsed / .seconds(1)))
        return core.handle(event, at: moment)
    }

    /// connecting → connected → subscribed → authorized.
    mutating func establish(resumed: Bool = false) {
        _ = send(.source(.connecting(url: Self.url, attempt: 1)))
        _ = send(.source(.connected(url: Self.url)))
        _ = send(.source(.subscribed(url: Self.url, extranonce1: Self.extranonce1, extranonce2Size: 4, resumed: resumed)))
        _ = send(.source(.authorized(worker: "tester.rig1")))
    }

    mutating func assignment(_ jobID: String, difficulty: Double, clean: Bool = false, ntime: String = "64b3f3ec",
                             generation: UInt64 = 1) -> JobAssignment {
        let notify = try! MiningNotify(params: [
            .string(jobID), "171592f223740e92d223f6e68bff25279af7ac4f2246451e0000000200000000", "0200000001", "ffffffff", [],
            "20000000", "192495f8", .string(ntime), .bool(clean),
        ])
        jobs[jobID] = (try! MiningJob(notify: notify, extranonce1: Self.extranonce1, extranonce2Size: 4, difficulty: difficulty), epoch)
        return JobAssignment(notify: notify, epoch: epoch, jobGeneration: generation, extranonce1: Self.extranonce1,
                             extranonce2Size: 4, difficulty: difficulty, versionMask: nil, isClean: clean, poolURL: Self.url)
    }

    /// The first nonce from `startNonce` whose header meets the job's share target, as the engine reports it.
    func candidate(job jobID: String, startNonce: UInt32 = 0) -> ShareCandidate {
        search(jobID, from: startNonce) { $0.meetsShareTarget }
    }

    /// A nonce whose header does not meet the job's target, reported as if it did (a lying kernel).
    func nonMatchingCandidate(job jobID: String) -> ShareCandidate {
        search(jobID, from: 0) { !$0.meetsShareTarget }
    }

    private func search(_ jobID: String, from start: UInt32, where accept: (ShareEvaluation) -> Bool) -> ShareCandidate {
        let (job, epoch) = jobs[jobID]!
        let extranonce2: [UInt8] = [0, 0, 0, 1]
        var nonce = start
        while true {
            let evaluation = job.evaluate(extranonce2: extranonce2, ntime: job.notify.ntime, nonce: nonce, versionBits: nil)
            if accept(evaluation) {
                return ShareCandidate(jobID: jobID, epoch: epoch, extranonce1: job.extranonce1, extranonce2: extranonce2,
                                      ntime: job.notify.ntime, nonce: nonce, versionBits: nil, generation: 1,
                                      targetDifficulty: job.difficulty, evaluation: evaluation)
            }
            nonce += 1
        }
    }
}

extension [WorkerCore.Action] {
    var templates: [WorkTemplate?] { compactMap { if case .setWork(let template) = $0 { .some(template) } else { nil } } }
    var submits: [(id: UInt64, share: ShareSubmission)] {
        compactMap { if case .submit(let id, let share) = $0 { (id, share) } else { nil } }
    }
    var outcomes: [ShareEvent] { compactMap { if case .shareOutcome(let event) = $0 { event } else { nil } } }
    var logLines: [LogLine] { compactMap { if case .log(let level, let text) = $0 { LogLine(level: level, text: text) } else { nil } } }
}

/// A `.log` action, comparable.
struct LogLine: Equatable {
    let level: Logger.Level
    let text: String
}
