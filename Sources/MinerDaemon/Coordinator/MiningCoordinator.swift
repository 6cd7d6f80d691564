import Foundation
import HashingEngine
import Logging
import MiningCore
import StratumClient
import StratumProtocol

/// One per worker: the only place where the Stratum client and the hashing engine meet.
///
/// It owns the job state (jobs by session and id), turns each job into a work template for the
/// engine, re-verifies every candidate against the job it claims, submits it on the session it
/// was found for, and records what became of it. Network and hashing never see each other.
public actor MiningCoordinator {
    public let workerName: String
    private let client: StratumClient
    private let engine: HashingEngine
    private let logger: Logger
    private let observer: (@Sendable (ShareEvent) -> Void)?

    private var status: WorkerStatus
    private var counters: ShareCounters {
        get { status.counters }
        set { status.counters = newValue }
    }
    private var latencyTotalMilliseconds = 0.0
    private var latencyCount = 0
    private var hasConnectedBefore = false
    /// The pool answered mining.authorize with true on the current connection.
    private var isAuthorized = false
    private var jobs: [JobKey: MiningJob] = [:]
    private var jobOrder: [JobKey] = []
    private var current: (job: MiningJob, epoch: UInt64, key: JobKey)?
    /// Header hashes of the shares already submitted: the same header is one share, whichever
    /// session or job id it is found under again (a resumed session gets the same job and
    /// extranonce1 back, and the engine scans it again from the start).
    private var submitted: Set<[UInt8]> = []
    private var submissions: [UInt64: Task<Void, Never>] = [:]
    private var nextSubmissionID: UInt64 = 0
    /// Candidates taken from the engine so far (compared with `engine.candidatesEnqueued`).
    private var candidatesTaken: UInt64 = 0
    private var lastHashSample: (time: ContinuousClock.Instant, hashes: UInt64)?
    private var recentHashrate: Double = 0

    /// How many earlier jobs stay valid for shares (until a clean job clears them).
    static let maxRememberedJobs = 32

    struct JobKey: Hashable {
        let epoch: UInt64
        let extranonce1: [UInt8]
        let jobID: String
    }

    public init(workerName: String, user: String, client: StratumClient, engine: HashingEngine, logger: Logger,
                observer: (@Sendable (ShareEvent) -> Void)? = nil) {
        self.workerName = workerName
        status = WorkerStatus(name: workerName, user: user)
        self.client = client
        self.engine = engine
        self.logger = logger
        self.observer = observer
    }

    /// Consumes the client's events and the engine's candidates until both end or the task is
    /// cancelled.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [client] in
                for await event in client.events { await self.handle(event) }
            }
            group.addTask { [engine] in
                for await candidate in engine.candidates { await self.handle(candidate) }
            }
        }
    }

    /// The counters now.
    public var shareCounters: ShareCounters { counters }

    /// The pool session and share state now.
    public var workerStatus: WorkerStatus { status }

    /// For shutdown, after `engine.setWork(nil)`: waits until the engine's last batches are over
    /// and every candidate they found is submitted, then until every submitted share has its
    /// outcome, or the timeout passes; what is still pending then stays pending (the caller
    /// records it as lost at exit).
    public func drainPendingShares(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        let stopped = engine.currentGeneration
        while !(engine.hasSettled(at: stopped) && candidatesTaken >= engine.candidatesEnqueued)
            && ContinuousClock.now < deadline
        {
            try? await Task.sleep(for: .milliseconds(5))
        }
        while counters.pending > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return counters.pending == 0
    }

    // MARK: - Pool events

    func handle(_ event: StratumClientEvent) {
        switch event {
        case .connecting(let url, let attempt):
            isAuthorized = false
            status.poolState = .connecting
            if hasConnectedBefore { status.reconnects += 1 }
            hasConnectedBefore = true
            logger.info("connecting to \(url)", metadata: ["worker": "\(workerName)", "attempt": "\(attempt)"])
        case .connected(let url):
            isAuthorized = false
            status.poolState = .subscribing
            status.poolURL = url
            status.connectedSince = Date()
            logger.info("connected to \(url)", metadata: ["worker": "\(workerName)"])
        case .subscribed(let url, let extranonce1, let size, let resumed):
            status.extranonce2Size = size
            logger.info("subscribed to \(url)", metadata: [
                "worker": "\(workerName)", "extranonce1": "\(Hex.encode(extranonce1))", "extranonce2_size": "\(size)",
                "resumed": "\(resumed)",
            ])
        case .authorized(let worker):
            status.poolState = .mining
            isAuthorized = true
            logger.info("authorized", metadata: ["worker": "\(workerName)", "user": "\(worker)"])
            // Jobs that arrived before the answer to mining.authorize are mined from now on.
            if let current { engine.setWork(WorkTemplate(job: current.job, epoch: current.epoch)) }
        case .authorizationFailed(let worker, let reason):
            status.poolState = .unauthorized
            isAuthorized = false
            engine.setWork(nil)
            logger.error("authorization refused: \(reason)", metadata: ["worker": "\(workerName)", "user": "\(worker)"])
        case .versionRollingMask(let mask):
            status.versionRollingMask = mask
            logger.info("version rolling \(mask.map { "mask " + WireEncoding.hex($0) } ?? "refused")", metadata: ["worker": "\(workerName)"])
            if let current, let rebuilt = try? MiningJob(
                notify: current.job.notify, extranonce1: current.job.extranonce1,
                extranonce2Size: current.job.extranonce2Size, difficulty: current.job.difficulty, versionMask: mask ?? 0)
            {
                install(rebuilt, epoch: current.epoch, clean: false)
            }
        case .difficulty(let difficulty):
            status.difficulty = difficulty
            logger.info("pool difficulty \(difficulty)", metadata: ["worker": "\(workerName)"])
        case .job(let assignment):
            do {
                let job = try MiningJob(notify: assignment.notify, extranonce1: assignment.extranonce1,
                                        extranonce2Size: assignment.extranonce2Size, difficulty: assignment.difficulty,
                                        versionMask: assignment.versionMask ?? 0)
                install(job, epoch: assignment.epoch, clean: assignment.isClean)
                status.jobID = job.jobID
                status.lastNotifyAt = Date()
                status.difficulty = assignment.difficulty
                logger.debug("new job \(job.jobID)", metadata: [
                    "worker": "\(workerName)", "clean": "\(assignment.isClean)", "difficulty": "\(assignment.difficulty)",
                ])
            } catch {
                logger.warning("ignoring job \(assignment.notify.jobID.prefix(64)): \(error)", metadata: ["worker": "\(workerName)"])
            }
        case .disconnected(let url, let reason):
            isAuthorized = false
            status.poolState = .disconnected
            status.connectedSince = nil
            engine.setWork(nil)
            current = nil
            logger.warning("disconnected from \(url): \(reason)", metadata: ["worker": "\(workerName)"])
        case .sharesResubmitted(let count):
            logger.notice("session resumed: \(count) unanswered share(s) sent again", metadata: ["worker": "\(workerName)"])
        case .poolMessage(let message):
            logger.notice("message from pool: \(message.prefix(500))", metadata: ["worker": "\(workerName)"])
        case .protocolError(let error):
            logger.warning("protocol error: \(error)", metadata: ["worker": "\(workerName)"])
        }
    }

    private func install(_ job: MiningJob, epoch: UInt64, clean: Bool) {
        let key = JobKey(epoch: epoch, extranonce1: job.extranonce1, jobID: job.jobID)
        if clean {
            jobs.removeAll()
            jobOrder.removeAll()
        }
        if jobs[key] == nil { jobOrder.append(key) }
        jobs[key] = job
        while jobOrder.count > Self.maxRememberedJobs { jobs[jobOrder.removeFirst()] = nil }
        current = (job, epoch, key)
        // Shares found before the pool accepted our login would only be refused (or lost).
        if isAuthorized { engine.setWork(WorkTemplate(job: job, epoch: epoch)) }
    }

    // MARK: - Candidates

    func handle(_ candidate: ShareCandidate) {
        candidatesTaken += 1
        let key = JobKey(epoch: candidate.epoch, extranonce1: candidate.extranonce1, jobID: candidate.jobID)
        guard let job = jobs[key] else {
            counters.recordStaleBeforeSubmit(shareDifficulty: candidate.shareDifficulty)
            report(candidate, outcome: .stale, reason: "job no longer valid", latency: nil)
            return
        }
        // Re-verify against the job we hold (not the one the engine had): the share must be valid.
        let evaluation = job.evaluate(extranonce2: candidate.extranonce2, ntime: candidate.ntime,
                                      nonce: candidate.nonce, versionBits: candidate.versionBits)
        guard evaluation.meetsShareTarget, candidate.extranonce2.count == job.extranonce2Size else {
            counters.recordHardwareError()
            logger.error("candidate failed re-verification; not submitted", metadata: [
                "worker": "\(workerName)", "job": "\(candidate.jobID)", "nonce": "\(WireEncoding.hex(candidate.nonce))",
            ])
            return
        }
        guard submitted.insert(evaluation.digest).inserted else {  // found twice: send once
            logger.debug("share found again; already submitted", metadata: ["worker": "\(workerName)", "job": "\(candidate.jobID)"])
            return
        }
        if submitted.count > 100_000 { submitted.removeAll(keepingCapacity: true) }
        counters.recordSubmitted(shareDifficulty: evaluation.shareDifficulty, isBlock: evaluation.meetsNetworkTarget)
        if evaluation.meetsNetworkTarget {
            logger.notice("block candidate found: \(evaluation.displayHash)", metadata: ["worker": "\(workerName)"])
        }
        let submission = ShareSubmission(
            jobID: candidate.jobID, epoch: candidate.epoch, extranonce1: candidate.extranonce1,
            extranonce2: candidate.extranonce2, ntime: candidate.ntime, nonce: candidate.nonce,
            versionBits: job.versionMask == 0 ? nil : candidate.versionBits)
        let id = nextSubmissionID
        nextSubmissionID += 1
        let sentAt = ContinuousClock.now
        submissions[id] = Task { [client] in
            let result = await client.submit(submission)
            await self.complete(id: id, candidate: candidate, result: result, latency: ContinuousClock.now - sentAt)
        }
    }

    private func complete(id: UInt64, candidate: ShareCandidate, result: ShareResult, latency: Duration) {
        submissions[id] = nil
        let outcome: ShareCounters.Outcome
        let reason: String?
        switch result {
        case .accepted:
            outcome = .accepted
            reason = nil
        case .rejected(let why, let message):
            outcome = why == .stale ? .stale : .rejected(why)
            reason = message ?? why.rawValue
        case .lost(let why):
            outcome = .lost
            reason = why
        }
        counters.recordOutcome(outcome, targetDifficulty: candidate.targetDifficulty)
        if case .lost = outcome {} else {
            let milliseconds = latency / .milliseconds(1)
            latencyTotalMilliseconds += milliseconds
            latencyCount += 1
            status.latencyAverageMilliseconds = latencyTotalMilliseconds / Double(latencyCount)
            status.latencyMaxMilliseconds = max(status.latencyMaxMilliseconds, milliseconds)
            status.recordLatency(milliseconds: milliseconds)
        }
        status.lastShareAt = Date()
        report(candidate, outcome: outcome, reason: reason, latency: latency)
    }

    private func report(_ candidate: ShareCandidate, outcome: ShareCounters.Outcome, reason: String?, latency: Duration?) {
        let answered = counters.accepted + counters.rejected + counters.stale + counters.lost
        let percent = answered == 0 ? 0 : Double(counters.accepted) * 100 / Double(answered)
        let rate = HashrateFormat.string(currentHashrate())
        let summary = String(format: "%llu/%llu (%.1f%%)", counters.accepted, answered, percent)
        let detail = String(format: "diff %.6g/%.6g", candidate.shareDifficulty, candidate.targetDifficulty)
        switch outcome {
        case .accepted:
            logger.info("accepted: \(summary), \(detail), \(rate)", metadata: ["worker": "\(workerName)"])
        case .rejected(let why):
            logger.warning("rejected (\(reason ?? why.rawValue)): \(summary), \(detail), \(rate)", metadata: ["worker": "\(workerName)"])
        case .stale:
            logger.warning("stale (\(reason ?? "stale")): \(summary), \(detail)", metadata: ["worker": "\(workerName)"])
        case .lost:
            logger.warning("lost (\(reason ?? "no answer")): \(summary), \(detail)", metadata: ["worker": "\(workerName)"])
        }
        observer?(ShareEvent(worker: workerName, pool: status.poolURL, time: Date(), candidate: candidate, outcome: outcome,
                             reason: reason, latency: latency, counters: counters))
    }

    /// Hash rate since the previous call (at least one second apart), from the engine's counters.
    private func currentHashrate() -> Double {
        let now = ContinuousClock.now
        let hashes = engine.totalHashes
        if let last = lastHashSample {
            let elapsed = now - last.time
            if elapsed >= .seconds(1) {
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
                recentHashrate = Double(hashes - last.hashes) / seconds
                lastHashSample = (now, hashes)
            }
        } else {
            lastHashSample = (now, hashes)
        }
        return recentHashrate
    }
}

/// One share's outcome, for observers (the share log, `demo`'s output, tests).
public struct ShareEvent: Sendable {
    public let worker: String
    public let pool: String
    public let time: Date
    public let candidate: ShareCandidate
    public let outcome: ShareCounters.Outcome
    public let reason: String?
    public let latency: Duration?
    /// The worker's counters right after this outcome.
    public let counters: ShareCounters
}
