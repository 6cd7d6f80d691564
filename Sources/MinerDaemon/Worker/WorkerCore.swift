import Foundation
import HashingEngine
import Logging
import MiningCore
import PoolSettings
import StratumClient
import StratumProtocol

/// One worker's bookkeeping as a pure state machine: the work source's events, the engine's
/// candidates, the pool's answers and the engine's hash counters go in, with the time; what to do
/// comes out (set work, submit, a share outcome, a snapshot, a log line). No sockets, threads or
/// clocks: `MiningWorker` carries the actions out, tests drive it with event sequences.
///
/// It owns the job table (which job a share may still be sent for), the share counters, submit
/// latency, the hash rate and the pool state.
public struct WorkerCore {
    /// A point in time on both clocks: monotonic for durations, wall clock for the status file.
    public struct Moment: Sendable {
        public var instant: ContinuousClock.Instant
        public var date: Date

        public init(instant: ContinuousClock.Instant, date: Date) {
            self.instant = instant
            self.date = date
        }

        public static var now: Moment { Moment(instant: .now, date: Date()) }
    }

    public enum Event: Sendable {
        /// From the work source (pool or node).
        case source(WorkSourceEvent)
        case candidate(ShareCandidate)
        /// The pool's answer (or its absence) for the submit with this id.
        case submitResult(id: UInt64, ShareResult)
        /// The engine's cumulative per-thread hash counts and its re-verification failures.
        case hashSample(counts: [UInt64], hardwareErrors: UInt64)
        /// Job-switch latencies the engine measured (notify read to every thread on the new work).
        case jobSwitches([Duration])
    }

    public enum Action: Sendable {
        /// Hand the engine this work (nil: stop hashing).
        case setWork(WorkTemplate?)
        /// Send this share; answer with `.submitResult(id:…)`.
        case submit(id: UInt64, ShareSubmission)
        case shareOutcome(ShareEvent)
        case publish(WorkerSnapshot)
        case log(Logger.Level, String)
        /// Tell the client the worker's automatic `mining.suggest_difficulty` value
        /// (`StratumClient.suggestDifficulty(_:)`: used by pools set to "auto").
        case suggestDifficulty(Double)
    }

    /// Header digests remembered to send each share once (cleared past this many).
    static let maxRememberedDigests = 100_000

    public let name: String
    public let user: String
    private var status = StatusDocument.Worker()
    private var threads: Int
    public private(set) var counters = ShareCounters()
    private var jobs = JobTable()
    private var isAuthorized = false
    private var hasConnectedBefore = false
    /// Header digests of the shares already submitted: the same header is one share, whichever
    /// session or job id it is found under again.
    private var submitted: Set<[UInt8]> = []
    private var inFlight: [UInt64: (candidate: ShareCandidate, sentAt: ContinuousClock.Instant)] = [:]
    private var nextSubmissionID: UInt64 = 0
    private var meter = HashrateMeter()
    private let origin: ContinuousClock.Instant
    private var lastHashTotal: UInt64?
    private var expectedShares = 0.0
    /// Candidates this core refused on re-verification (the engine's own refusals come with hash samples).
    private var refusedCandidates: UInt64 = 0
    private var engineHardwareErrors: UInt64 = 0
    /// The automatic suggested difficulty, from the hash rate measured while the engine has work.
    private var autoSuggestion: AutoSuggestedDifficulty
    /// Each configured pool's `suggest_difficulty`, by its URL as the client reports it.
    private let suggestionModes: [String: DifficultySuggestion]
    /// The setting of the pool connected now (a redirect keeps its pool's setting).
    private var suggestionMode: DifficultySuggestion
    /// Whether the engine has work now (the last `.setWork` handed it a template), and had it at
    /// the previous hash sample: only such intervals measure the rate for the suggestion.
    private var isHashing = false
    private var wasHashingAtLastSample = false
    private var lastSampleTime: Double?
    /// Solo mining: every share is a block, and the node's answers are counted by reason.
    private var soloBlocks: SoloBlockTally?

    /// - Parameters:
    ///   - pools: the worker's pool list, for each pool's `suggest_difficulty` setting.
    ///   - targetShareInterval: seconds per share the automatic suggestion aims at.
    ///   - solo: the work comes from a node (`SoloWorkSource`): count block answers.
    public init(name: String, user: String, threads: Int, origin: ContinuousClock.Instant = .now,
                pools: [PoolConfiguration] = [],
                targetShareInterval: Double = AutoSuggestedDifficulty.defaultTargetShareInterval, solo: Bool = false) {
        soloBlocks = solo ? SoloBlockTally() : nil
        self.name = name
        self.user = user
        self.threads = threads
        self.origin = origin
        autoSuggestion = AutoSuggestedDifficulty(targetShareInterval: targetShareInterval)
        var modes: [String: DifficultySuggestion] = [:]
        for pool in pools { modes[PoolEndpoint(url: pool.url)?.url ?? pool.url] = pool.difficultySuggestion }
        suggestionModes = modes
        suggestionMode = pools.first?.difficultySuggestion ?? .auto
        status.name = name
        status.user = user
        status.submitLatency = .init(bucketBoundsMilliseconds: StatusDocument.Worker.SubmitLatency.defaultBoundsMilliseconds)
        status.jobSwitchLatency = .init(bucketBoundsMilliseconds: StatusDocument.Worker.JobSwitchLatency.defaultBoundsMilliseconds)
    }

    /// Submitted shares still waiting for their answer.
    public var pendingShares: UInt64 { counters.pending }

    /// Handles one event; the last action is always the snapshot after it.
    public mutating func handle(_ event: Event, at moment: Moment) -> [Action] {
        var actions: [Action]
        switch event {
        case .source(let sourceEvent): actions = handle(sourceEvent, at: moment)
        case .candidate(let candidate): actions = handle(candidate, at: moment)
        case .submitResult(let id, let result): actions = complete(id: id, result: result, at: moment)
        case .hashSample(let counts, let hardwareErrors): actions = sample(counts, hardwareErrors: hardwareErrors, at: moment)
        case .jobSwitches(let latencies):
            for latency in latencies { status.jobSwitchLatency.record(milliseconds: latency / .milliseconds(1)) }
            actions = []
        }
        for case .setWork(let template) in actions { isHashing = template != nil }
        actions.append(.publish(snapshot))
        return actions
    }

    public var snapshot: WorkerSnapshot {
        var status = status
        status.hashrate = .init(windows: meter.windows.rounded3, perThread: meter.perThread(over: 10).map(\.rounded3))
        status.shares = .init(counters, hardwareErrors: engineHardwareErrors + refusedCandidates)
        status.bestShareDifficulty = counters.bestShareDifficulty
        status.blocksFound = counters.blocksFound
        status.expectedShares = expectedShares.rounded3
        status.solo = soloBlocks?.status
        return WorkerSnapshot(status: status, threads: threads, counters: counters)
    }

    // MARK: - Work source events

    private mutating func handle(_ event: WorkSourceEvent, at moment: Moment) -> [Action] {
        switch event {
        case .connecting(let url, let attempt): return connecting(to: url, attempt: attempt)
        case .connected(let url): return connected(to: url, at: moment)
        case .subscribed(let url, let extranonce1, let size, let resumed):
            status.pool.extranonce2Size = size
            if PoolEndpoint(url: url)?.isStratumV2 == true {
                return [.log(.info, size == 0 ? "mining channel open on \(url): standard (header-only)"
                    : "mining channel open on \(url): extended, extranonce prefix \(Hex.encode(extranonce1)), \(size) bytes rolled")]
            }
            return [.log(.info, "subscribed to \(url): extranonce1 \(Hex.encode(extranonce1)), extranonce2_size \(size)"
                + (resumed ? ", session resumed" : ""))]
        case .authorized(let worker): return startMining("authorized as \(worker)")
        case .nodeReady(let chain, let address): return startMining("node ready on \(chain): mining for coinbase \(address)")
        case .authorizationFailed(let worker, let reason): return stopMining("authorization refused for \(worker): \(reason)")
        case .nodeRefusedCredentials(let credentials, let reason):
            return stopMining("the node refused \(credentials): \(reason)")
        case .coinbaseAddressUnusable(let address, let reason):
            return stopMining("coinbase \(address) cannot be paid on the node's chain: \(reason)")
        case .versionRollingMask(let mask): return versionRolling(mask)
        case .difficulty(let difficulty):
            status.pool.difficulty = difficulty
            return [.log(.info, "pool difficulty \(difficulty)")]
        case .job(let assignment): return job(assignment, at: moment)
        case .disconnected(let url, let reason): return disconnected(from: url, reason: reason)
        case .sharesResubmitted(let count): return [.log(.notice, "session resumed: \(count) unanswered share(s) sent again")]
        case .poolMessage(let message): return [.log(.notice, "message from pool: \(message.prefix(500))")]
        case .protocolError(let error): return [.log(.warning, "protocol error: \(error)")]
        }
    }

    private mutating func connecting(to url: String, attempt: Int) -> [Action] {
        isAuthorized = false
        status.pool.state = .connecting
        if hasConnectedBefore { status.pool.reconnects += 1 }
        hasConnectedBefore = true
        return [.log(.info, "connecting to \(url) (attempt \(attempt))")]
    }

    private mutating func connected(to url: String, at moment: Moment) -> [Action] {
        isAuthorized = false
        status.pool.state = .subscribing
        status.pool.url = url
        status.pool.protocolName = PoolEndpoint.protocolName(url: url)
        if let mode = suggestionModes[url] { suggestionMode = mode }
        updateSuggestedDifficultyStatus()
        status.pool.connectedSince = moment.date
        return [.log(.info, "connected to \(url)")]
    }

    /// The pool accepted the login, or the node can be mined on: its work is hashed from now on.
    private mutating func startMining(_ line: String) -> [Action] {
        status.pool.state = .mining
        isAuthorized = true
        var actions: [Action] = [.log(.info, "\(line)")]
        // Jobs that arrived before the answer to mining.authorize are mined from now on.
        if let template = jobs.currentTemplate { actions.append(.setWork(template)) }
        return actions
    }

    /// The pool refused the login, or the node cannot be mined on as configured.
    private mutating func stopMining(_ line: String) -> [Action] {
        status.pool.state = .unauthorized
        isAuthorized = false
        return [.setWork(nil), .log(.error, "\(line)")]
    }

    private mutating func versionRolling(_ mask: UInt32?) -> [Action] {
        status.pool.versionRollingMask = mask.map(WireEncoding.hex)
        var actions: [Action] = [.log(.info, "version rolling \(mask.map { "mask " + WireEncoding.hex($0) } ?? "refused")")]
        if let current = jobs.current, let rebuilt = try? MiningJob(
            notify: current.job.notify, extranonce1: current.job.extranonce1,
            extranonce2Size: current.job.extranonce2Size, difficulty: current.job.difficulty, versionMask: mask ?? 0,
            fixedMerkleRoot: current.job.fixedMerkleRoot)
        {
            actions += install(rebuilt, epoch: current.epoch, generation: current.generation, clean: false)
        }
        return actions
    }

    private mutating func job(_ assignment: JobAssignment, at moment: Moment) -> [Action] {
        let job: MiningJob
        do {
            if let shareTarget = assignment.shareTarget {
                job = try MiningJob(notify: assignment.notify, extranonce1: assignment.extranonce1,
                                    extranonce2Size: assignment.extranonce2Size, shareTarget: shareTarget,
                                    versionMask: assignment.versionMask ?? 0, fixedMerkleRoot: assignment.fixedMerkleRoot)
            } else {
                job = try MiningJob(notify: assignment.notify, extranonce1: assignment.extranonce1,
                                    extranonce2Size: assignment.extranonce2Size, difficulty: assignment.difficulty,
                                    versionMask: assignment.versionMask ?? 0)
            }
        } catch {
            return [.log(.warning, "ignoring job \(assignment.notify.jobID.prefix(64)): \(error)")]
        }
        status.pool.jobID = job.jobID
        status.pool.lastNotifyAt = moment.date
        status.pool.difficulty = assignment.difficulty
        return install(job, epoch: assignment.epoch, generation: assignment.jobGeneration, clean: assignment.isClean,
                       notifiedAt: assignment.receivedAt)
            + [.log(.debug, "new job \(job.jobID) (clean: \(assignment.isClean), difficulty \(assignment.difficulty))")]
    }

    private mutating func disconnected(from url: String, reason: String) -> [Action] {
        isAuthorized = false
        status.pool.state = .disconnected
        status.pool.connectedSince = nil
        jobs.dropCurrent()
        return [.setWork(nil), .log(.warning, "disconnected from \(url): \(reason)")]
    }

    private mutating func install(_ job: MiningJob, epoch: UInt64, generation: UInt64, clean: Bool,
                                  notifiedAt: ContinuousClock.Instant? = nil) -> [Action] {
        jobs.install(job, epoch: epoch, generation: generation, clean: clean)
        // Shares found before the pool accepted our login would only be refused (or lost).
        return isAuthorized ? [.setWork(WorkTemplate(job: job, epoch: epoch, notifiedAt: notifiedAt))] : []
    }

    // MARK: - Candidates and answers

    private mutating func handle(_ candidate: ShareCandidate, at moment: Moment) -> [Action] {
        guard let entry = jobs.job(for: candidate) else {
            counters.recordStaleBeforeSubmit(shareDifficulty: candidate.shareDifficulty)
            return [shareOutcome(of: candidate, .stale, reason: "job no longer valid", latency: nil, at: moment)]
        }
        let job = entry.job
        // Re-verify against the job we hold (not the one the engine had): the share must be valid.
        let evaluation = job.evaluate(extranonce2: candidate.extranonce2, ntime: candidate.ntime,
                                      nonce: candidate.nonce, versionBits: candidate.versionBits)
        guard evaluation.meetsShareTarget, candidate.extranonce2.count == job.extranonce2Size else {
            refusedCandidates += 1
            return [.log(.error, "candidate for job \(candidate.jobID) nonce \(WireEncoding.hex(candidate.nonce)) "
                + "failed re-verification; not submitted")]
        }
        guard submitted.insert(evaluation.digest).inserted else {
            return [.log(.debug, "share for job \(candidate.jobID) found again; already submitted")]
        }
        if submitted.count > Self.maxRememberedDigests { submitted.removeAll(keepingCapacity: true) }
        counters.recordSubmitted(shareDifficulty: evaluation.shareDifficulty, isBlock: evaluation.meetsNetworkTarget)
        var actions: [Action] = []
        if evaluation.meetsNetworkTarget { actions.append(.log(.notice, "block candidate found: \(evaluation.displayHash)")) }
        let id = nextSubmissionID
        nextSubmissionID += 1
        inFlight[id] = (candidate, moment.instant)
        actions.append(.submit(id: id, ShareSubmission(
            jobID: candidate.jobID, epoch: candidate.epoch, jobGeneration: entry.generation, extranonce1: candidate.extranonce1,
            extranonce2: candidate.extranonce2, ntime: candidate.ntime, nonce: candidate.nonce,
            versionBits: candidate.versionBits)))
        return actions
    }

    private mutating func complete(id: UInt64, result: ShareResult, at moment: Moment) -> [Action] {
        guard let (candidate, sentAt) = inFlight.removeValue(forKey: id) else {
            return [.log(.warning, "an answer for submit \(id), which is not pending")]
        }
        let latency = moment.instant - sentAt
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
        // Credited at the difficulty of the job it was found for, whatever the pool set since.
        counters.recordOutcome(outcome, targetDifficulty: candidate.targetDifficulty)
        soloBlocks?.record(result, at: moment.date)
        if outcome != .lost {
            status.submitLatency.record(milliseconds: latency / .milliseconds(1))
        }
        status.lastShareAt = moment.date
        return [shareOutcome(of: candidate, outcome, reason: reason, latency: outcome == .lost ? nil : latency, at: moment)]
    }

    private func shareOutcome(of candidate: ShareCandidate, _ outcome: ShareCounters.Outcome, reason: String?,
                         latency: Duration?, at moment: Moment) -> Action {
        .shareOutcome(ShareEvent(worker: name, pool: status.pool.url, time: moment.date, candidate: candidate,
                                 outcome: outcome, reason: reason, latency: latency, counters: counters))
    }

    /// The log line for a share outcome: the running totals, the difficulties, the hash rate.
    public func logLine(for event: ShareEvent) -> (Logger.Level, String) {
        let counters = event.counters
        let answered = counters.accepted + counters.rejected + counters.stale + counters.lost
        let percent = answered == 0 ? 0 : Double(counters.accepted) * 100 / Double(answered)
        let summary = String(format: "%llu/%llu (%.1f%%)", counters.accepted, answered, percent)
        let detail = String(format: "diff %.6g/%.6g", event.candidate.shareDifficulty, event.candidate.targetDifficulty)
        let rate = HashrateFormat.string(meter.total(over: 10))
        switch event.outcome {
        case .accepted: return (.info, "accepted: \(summary), \(detail), \(rate)")
        case .rejected(let why): return (.warning, "rejected (\(event.reason ?? why.rawValue)): \(summary), \(detail), \(rate)")
        case .stale: return (.warning, "stale (\(event.reason ?? "stale")): \(summary), \(detail)")
        case .lost: return (.warning, "lost (\(event.reason ?? "no answer")): \(summary), \(detail)")
        }
    }

    // MARK: - Hash rate

    private mutating func sample(_ counts: [UInt64], hardwareErrors: UInt64, at moment: Moment) -> [Action] {
        let total = counts.reduce(0, &+)
        // The engine's counters only grow: a lower total is a sample read before the last one and
        // handled after it. Taking it would count the difference twice (and, unsigned, as 2^64).
        if let last = lastHashTotal, total < last { return [] }
        threads = counts.count
        engineHardwareErrors = hardwareErrors
        meter.record(time: (moment.instant - origin) / .seconds(1), counts: counts)
        status.hashesTotal = total
        if let last = lastHashTotal, status.pool.state == .mining {
            expectedShares += ShareRateCheck.expectedShares(hashes: Double(total - last), difficulty: status.pool.difficulty)
        }
        var actions = suggestion(hashes: lastHashTotal.map { total - $0 }, at: moment)
        lastHashTotal = total
        let warning = ShareRateCheck.evaluate(expected: expectedShares, observed: counters.accepted).warning
        defer { status.warning = warning }
        if let warning, status.warning == nil { actions.append(.log(.warning, warning)) }
        return actions
    }

    // MARK: - Suggested difficulty

    /// Feeds the automatic suggestion the hashes since the last sample when the engine had work
    /// all along; hands the client a new value when there is one.
    private mutating func suggestion(hashes: UInt64?, at moment: Moment) -> [Action] {
        let time = (moment.instant - origin) / .seconds(1)
        defer {
            lastSampleTime = time
            wasHashingAtLastSample = isHashing
        }
        guard isHashing, wasHashingAtLastSample, let hashes, let last = lastSampleTime,
              let value = autoSuggestion.record(seconds: time - last, hashes: hashes) else { return [] }
        updateSuggestedDifficultyStatus()
        let rate = HashrateFormat.string(autoSuggestion.hashrate ?? 0)
        let detail = String(format: "%.6g for one share per %gs at %@", value, autoSuggestion.targetShareInterval, rate)
        let level: Logger.Level = suggestionMode == .auto ? .info : .debug
        return [.suggestDifficulty(value), .log(level, "suggested difficulty \(detail)")]
    }

    /// The status file's suggested difficulty: what the connected pool is told (nil: nothing).
    private mutating func updateSuggestedDifficultyStatus() {
        switch suggestionMode {
        case .auto: status.pool.suggestedDifficulty = autoSuggestion.current
        case .fixed(let value): status.pool.suggestedDifficulty = value
        case .off: status.pool.suggestedDifficulty = nil
        }
    }
}
