import MiningCore
import StratumProtocol

/// What the pool's state machine asks the network layer to do, in order.
enum PoolEffect: Sendable {
    /// Write one JSON line (without its newline) to a session.
    case send(LocalPoolSessionID, String)
    /// Close a session's connection (after everything sent before it).
    case close(LocalPoolSessionID)
    case event(LocalPoolEvent)
}

/// The pool's whole state and protocol logic: no sockets, no clocks (`now` is passed in), so
/// every decision is a plain function of the input line and the state.
struct PoolCore {
    /// A share's identity within a job: the header fields the miner chose.
    struct ShareKey: Hashable {
        var extranonce2: [UInt8]
        var ntime: UInt32
        var nonce: UInt32
        var headerVersion: UInt32
    }

    /// A job as one session received it: its own extranonce1/size and difficulty.
    struct SentJob {
        var template: LocalPoolJob
        var notify: MiningNotify
        var extranonce1: [UInt8]
        var extranonce2Size: Int
        var difficulty: Double
        var accepted: Set<ShareKey> = []
    }

    struct Session {
        let id: LocalPoolSessionID
        let remote: String
        var open = true
        var subscribed = false
        var subscriptionID: String?
        var userAgent: String?
        var extranonce1: [UInt8]?
        var extranonce2Size: Int
        /// From `mining.set_extranonce`: takes effect with the next job sent.
        var pendingExtranonce: (extranonce1: [UInt8], extranonce2Size: Int)?
        var extranonceSubscribed = false
        /// The granted version-rolling mask (nil: not negotiated).
        var versionMask: UInt32?
        var difficulty: Double
        /// The difficulty before the last per-session retarget. miningcore accepts a share that misses
        /// the current difficulty but meets this one (ratio >= 0.99) and credits it at this one
        /// (its share processors: "check if share matched the previous difficulty from before a
        /// vardiff retarget"), so a share found before its re-sent job arrived is not refused.
        var previousDifficulty: Double?
        var authorized: Set<String> = []
        var jobs: [String: SentJob] = [:]
        var jobOrder: [String] = []
        var accepted = 0
        var rejected = 0
        var rejectedByReason: [LocalPoolRejectReason: Int] = [:]
        var invalidLines = 0
    }

    static let maximumRecordedShares = 10_000
    static let maximumKnownSubscriptions = 4096
    static let maximumClosedSessions = 256
    static let maximumTemplates = 64
    static let coinbaseTag = Array("/SwiftMiner LocalPool/".utf8)

    let configuration: LocalPoolConfiguration
    private(set) var sessions: [LocalPoolSessionID: Session] = [:]
    private var closedOrder: [LocalPoolSessionID] = []
    private var nextSessionID: LocalPoolSessionID = 1
    /// The difficulty new sessions start with (changed by `setDifficulty` for all).
    private(set) var difficulty: Double
    private(set) var currentJob: LocalPoolJob?
    private var templates: [String: LocalPoolJob] = [:]
    private var templateOrder: [String] = []
    private var generation = 0
    private var jobCounter: UInt64 = 0
    private var height: UInt32
    /// subscription id → extranonce1, for sessions that resume with `mining.subscribe [agent, id]`.
    private var knownSubscriptions: [String: [UInt8]] = [:]
    private var subscriptionOrder: [String] = []
    private var extranonceCounter: UInt64
    private var totals = LocalPoolStats()
    /// Jobs of closed sessions by subscription id: a session that resumes the subscription (same
    /// extranonce1) may still submit shares for them.
    private var resumableJobs: [String: (extranonce1: [UInt8], jobs: [String: SentJob], jobOrder: [String])] = [:]
    private var resumableOrder: [String] = []
    /// While true, `mining.submit` lines are dropped unanswered and unjudged (as if lost on the way).
    var ignoringSubmits = false
    /// While true, shares are judged and counted but not answered (as if the answer was lost).
    var withholdingAnswers = false
    /// While true, submit answers are kept (in order) until `releaseHeldAnswers()`: answers that
    /// come late rather than never.
    var holdingAnswers = false
    private(set) var heldAnswers: [PoolEffect] = []
    private var rng = SystemRandomNumberGenerator()

    init(configuration: LocalPoolConfiguration) {
        self.configuration = configuration
        self.difficulty = configuration.initialDifficulty
        self.height = UInt32.random(in: 100_000...800_000)
        self.extranonceCounter = UInt64.random(in: 0...UInt64(UInt32.max))
    }

    // MARK: Sessions

    mutating func openSession(remote: String) -> (LocalPoolSessionID, [PoolEffect]) {
        let id = nextSessionID
        nextSessionID += 1
        sessions[id] = Session(id: id, remote: remote, extranonce2Size: configuration.extranonce2Size,
                               difficulty: difficulty)
        return (id, [.event(.sessionOpened(session: id, remote: remote))])
    }

    mutating func closeSession(_ id: LocalPoolSessionID) -> [PoolEffect] {
        guard var session = sessions[id], session.open else { return [] }
        session.open = false
        if let subscriptionID = session.subscriptionID, let extranonce1 = session.extranonce1, !session.jobs.isEmpty {
            if resumableJobs.updateValue((extranonce1, session.jobs, session.jobOrder), forKey: subscriptionID) == nil {
                resumableOrder.append(subscriptionID)
                if resumableOrder.count > Self.maximumClosedSessions { resumableJobs[resumableOrder.removeFirst()] = nil }
            }
        }
        session.jobs = [:]
        session.jobOrder = []
        sessions[id] = session
        closedOrder.append(id)
        if closedOrder.count > Self.maximumClosedSessions {
            sessions[closedOrder.removeFirst()] = nil
        }
        return [.event(.sessionClosed(session: id))]
    }

    /// Stops holding submit answers and returns those held, to be sent now (to sessions still open).
    mutating func releaseHeldAnswers() -> [PoolEffect] {
        holdingAnswers = false
        defer { heldAnswers = [] }
        return heldAnswers
    }

    var openSessionIDs: [LocalPoolSessionID] {
        sessions.values.filter(\.open).map(\.id).sorted()
    }

    // MARK: Requests

    mutating func handleLine(_ bytes: [UInt8], session id: LocalPoolSessionID, now: UInt32) -> [PoolEffect] {
        guard sessions[id]?.open == true else { return [] }
        let trimmed = bytes.drop(while: { $0 == 0x20 || $0 == 0x09 })
        if trimmed.isEmpty { return [] }  // blank lines are keep-alives
        guard let message = try? JSONValue.parse(trimmed), case .object(let object) = message else {
            return invalidLine(session: id, requestID: .null, reason: "Malformed JSON")
        }
        let requestID = object["id"] ?? .null
        guard let methodValue = object["method"] else {
            // A response to something we sent (client.get_version …): nothing to do.
            if object["result"] != nil || object["error"] != nil { return [] }
            return invalidLine(session: id, requestID: requestID, reason: "Missing method")
        }
        guard let method = methodValue.stringValue else {
            return invalidLine(session: id, requestID: requestID, reason: "Method is not a string")
        }
        let params: [JSONValue]
        switch object["params"] {
        case nil, .null?: params = []
        case .array(let array)?: params = array
        default: return invalidLine(session: id, requestID: requestID, reason: "Params is not an array")
        }
        switch method {
        case "mining.subscribe": return subscribe(session: id, requestID: requestID, params: params)
        case "mining.authorize": return authorize(session: id, requestID: requestID, params: params)
        case "mining.configure": return configure(session: id, requestID: requestID, params: params)
        case "mining.extranonce.subscribe":
            sessions[id]?.extranonceSubscribed = true
            return [.send(id, ServerLine.result(requestID, true))]
        case "mining.suggest_difficulty": return suggestDifficulty(session: id, requestID: requestID, params: params, now: now)
        case "mining.submit":
            if ignoringSubmits {
                totals.ignoredSubmits += 1
                return []
            }
            let effects = submit(session: id, requestID: requestID, params: params, now: now)
            if holdingAnswers {
                heldAnswers += effects.filter { if case .send = $0 { true } else { false } }
                return effects.filter { if case .send = $0 { false } else { true } }
            }
            guard withholdingAnswers else { return effects }
            totals.withheldAnswers += 1
            return effects.filter { if case .send = $0 { false } else { true } }
        case "mining.ping": return [.send(id, ServerLine.result(requestID, "pong"))]
        default:
            let shown = String(method.prefix(64))
            return [.send(id, ServerLine.error(requestID, 20, "Unknown method '\(shown)'")),
                    .event(.invalidRequest(session: id, reason: "unknown method '\(shown)'"))]
        }
    }

    private mutating func invalidLine(session id: LocalPoolSessionID, requestID: JSONValue, reason: String) -> [PoolEffect] {
        var effects: [PoolEffect] = [.send(id, ServerLine.error(requestID, 20, reason)),
                                     .event(.invalidRequest(session: id, reason: reason))]
        sessions[id]?.invalidLines += 1
        if let count = sessions[id]?.invalidLines, count >= configuration.maximumInvalidLines {
            effects.append(.close(id))
        }
        return effects
    }

    private mutating func subscribe(session id: LocalPoolSessionID, requestID: JSONValue, params: [JSONValue]) -> [PoolEffect] {
        guard var session = sessions[id] else { return [] }
        var resumed = false
        if !session.subscribed {
            session.userAgent = params.first?.stringValue.map { String($0.prefix(128)) }
            if params.count > 1, let previous = params[1].stringValue, let extranonce1 = knownSubscriptions[previous],
               !extranonceInUse(extranonce1, except: id) {
                session.subscriptionID = previous
                session.extranonce1 = extranonce1
                resumed = true
                // The resumed session may still submit for the jobs its predecessor was sent.
                if let stash = resumableJobs.removeValue(forKey: previous), stash.extranonce1 == extranonce1 {
                    resumableOrder.removeAll { $0 == previous }
                    let size = session.extranonce2Size
                    session.jobOrder = stash.jobOrder.filter {
                        stash.jobs[$0].map { $0.extranonce1 == extranonce1 && $0.extranonce2Size == size } ?? false
                    }
                    session.jobs = stash.jobs.filter { session.jobOrder.contains($0.key) }
                }
            } else {
                let extranonce1 = allocateExtranonce1(size: configuration.extranonce1Size)
                let subscriptionID = Hex.encode((0..<8).map { _ in UInt8.random(in: 0...255, using: &rng) })
                session.subscriptionID = subscriptionID
                session.extranonce1 = extranonce1
                remember(subscription: subscriptionID, extranonce1: extranonce1)
            }
            session.subscribed = true
        }
        sessions[id] = session
        let subscriptionID = JSONValue.string(session.subscriptionID ?? "")
        let extranonce1 = Hex.encode(session.extranonce1 ?? [])
        let result: JSONValue = [[["mining.set_difficulty", subscriptionID], ["mining.notify", subscriptionID]],
                                 .string(extranonce1), .integer(Int64(session.extranonce2Size))]
        var effects: [PoolEffect] = [
            .send(id, ServerLine.result(requestID, result)),
            .event(.subscribed(session: id, extranonce1: extranonce1, extranonce2Size: session.extranonce2Size,
                               userAgent: session.userAgent, resumed: resumed)),
        ]
        effects += sendDifficulty(session: id)
        if let job = currentJob { effects += sendJob(job, to: id, clean: true) }
        return effects
    }

    private mutating func authorize(session id: LocalPoolSessionID, requestID: JSONValue, params: [JSONValue]) -> [PoolEffect] {
        guard let user = params.first?.stringValue, !user.isEmpty, user.utf8.count <= 256 else {
            return [.send(id, ServerLine.error(requestID, 20, "Invalid params: expected [user, password]"))]
        }
        let password = params.count > 1 ? (params[1].stringValue ?? "") : ""
        let accepted: Bool
        if let allowed = configuration.authorizedUsers {
            accepted = allowed.contains(user) || allowed.contains("\(user):\(password)")
        } else {
            accepted = true
        }
        if accepted { sessions[id]?.authorized.insert(user) }
        return [.send(id, accepted ? ServerLine.result(requestID, true)
                                   : ServerLine.message(requestID, result: false, error: ServerLine.errorValue(24, "Unauthorized worker"))),
                .event(.authorized(session: id, worker: user, accepted: accepted))]
    }

    private mutating func configure(session id: LocalPoolSessionID, requestID: JSONValue, params: [JSONValue]) -> [PoolEffect] {
        guard let extensions = params.first?.arrayValue else {
            return [.send(id, ServerLine.error(requestID, 20, "Invalid params: expected [extensions, options]"))]
        }
        let options = params.count > 1 ? (params[1].objectValue ?? [:]) : [:]
        var result: [String: JSONValue] = [:]
        var effects: [PoolEffect] = []
        for value in extensions.prefix(16) {
            guard let name = value.stringValue, name.utf8.count <= 64 else { continue }
            if name == "version-rolling" {
                var requested: UInt32 = 0xffff_ffff
                if let text = options["version-rolling.mask"]?.stringValue {
                    guard let mask = WireEncoding.uint32(fromHex: text) else {
                        return [.send(id, ServerLine.error(requestID, 20, "Invalid version-rolling.mask '\(text.prefix(16))'"))]
                    }
                    requested = mask
                }
                if let offered = configuration.versionRollingMask, offered & requested != 0 {
                    let granted = offered & requested
                    sessions[id]?.versionMask = granted
                    result["version-rolling"] = true
                    result["version-rolling.mask"] = .string(WireEncoding.hex(granted))
                    effects.append(.event(.versionRollingConfigured(session: id, mask: granted)))
                } else {
                    sessions[id]?.versionMask = nil
                    result["version-rolling"] = false
                    effects.append(.event(.versionRollingConfigured(session: id, mask: nil)))
                }
            } else {
                result[name] = false
            }
        }
        return [.send(id, ServerLine.result(requestID, .object(result)))] + effects
    }

    private mutating func suggestDifficulty(session id: LocalPoolSessionID, requestID: JSONValue, params: [JSONValue],
                                            now: UInt32) -> [PoolEffect] {
        let value = params.first?.doubleValue ?? params.first?.stringValue.flatMap { Double($0) }
        guard let suggested = value, suggested.isFinite, suggested > 0, Difficulty.target(for: suggested) != nil else {
            return [.send(id, ServerLine.error(requestID, 20, "Invalid difficulty"))]
        }
        if configuration.personality == .ckpool, sessions[id]?.authorized.isEmpty ?? true {
            // ckpool: "Attempted to suggest diff on unauthorised client", dropped without an answer.
            return [.event(.invalidRequest(session: id, reason: "suggest_difficulty before authorize ignored"))]
        }
        var effects: [PoolEffect] = [.send(id, ServerLine.result(requestID, true))]
        guard configuration.honorSuggestedDifficulty else { return effects }
        sessions[id]?.difficulty = suggested
        if sessions[id]?.subscribed == true { effects += retarget(session: id, now: now) }
        return effects
    }

    /// Tells one subscribed session its (already changed) difficulty, the way the personality does.
    private mutating func retarget(session id: LocalPoolSessionID, now: UInt32) -> [PoolEffect] {
        var effects = sendDifficulty(session: id)
        switch configuration.personality {
        case .ckpool:
            break  // applies from the next job; shares for earlier jobs keep the old difficulty
        case .publicPool:
            if let job = makeDerivedJob(now: now) { effects += sendJob(job, to: id, clean: true, dropEarlier: true) }
        case .miningcore:
            // The last job again, same id and params, now bound to the new difficulty.
            if let last = sessions[id]?.jobOrder.last, let sent = sessions[id]?.jobs[last] {
                effects += sendJob(sent.template, to: id, clean: sent.notify.cleanJobs)
            }
        case .standard, .niceHash, .datum:
            if let job = makeDerivedJob(now: now) { effects += sendJob(job, to: id, clean: false) }
        }
        return effects
    }

    // MARK: Submit

    private mutating func reject(_ id: LocalPoolSessionID, _ requestID: JSONValue, _ reason: LocalPoolRejectReason,
                                 _ message: String, worker: String?, jobID: String?) -> [PoolEffect] {
        totals.rejected += 1
        totals.rejectedByReason[reason, default: 0] += 1
        sessions[id]?.rejected += 1
        sessions[id]?.rejectedByReason[reason, default: 0] += 1
        let text = configuration.personality == .ckpool ? Self.ckpoolText(reason) ?? message : message
        let rejection = LocalPoolRejection(session: id, worker: worker, jobID: jobID, reason: reason, message: text)
        let line = configuration.personality == .miningcore
            ? ServerLine.message(requestID, result: .null,
                           error: .object(["code": .integer(Int64(reason.code)), "message": .string(text), "data": .null]))
            : ServerLine.error(requestID, reason.code, text)
        return [.send(id, line), .event(.shareRejected(rejection))]
    }

    /// ckpool's share error texts (its `stratifier.c`).
    static func ckpoolText(_ reason: LocalPoolRejectReason) -> String? {
        switch reason {
        case .jobNotFound: "Invalid JobID"
        case .staleJob: "Stale"
        case .duplicate: "Duplicate"
        case .lowDifficulty: "Above target"
        default: nil
        }
    }

    private mutating func submit(session id: LocalPoolSessionID, requestID: JSONValue, params: [JSONValue],
                                 now: UInt32) -> [PoolEffect] {
        guard let session = sessions[id] else { return [] }
        let worker = params.first?.stringValue.map { String($0.prefix(256)) }
        let jobIDText = params.count > 1 ? params[1].stringValue.map { String($0.prefix(256)) } : nil
        func fail(_ reason: LocalPoolRejectReason, _ message: String) -> [PoolEffect] {
            reject(id, requestID, reason, message, worker: worker, jobID: jobIDText)
        }
        guard session.subscribed else { return fail(.notSubscribed, "Not subscribed") }
        guard (5...6).contains(params.count), params.allSatisfy({ $0.stringValue != nil }),
              let worker, let jobID = jobIDText else {
            return fail(.invalid, "Invalid params: expected [worker, job_id, extranonce2, ntime, nonce, (version_bits)]")
        }
        if configuration.requireAuthorization, !session.authorized.contains(worker) {
            return fail(.unauthorized, "Unauthorized worker")
        }
        if configuration.personality == .datum, session.versionMask != nil, params.count == 5 {
            return fail(.invalid, "Invalid params: version_bits required once version rolling is agreed")
        }
        guard var sent = session.jobs[jobID] else { return fail(.jobNotFound, "Job not found") }
        if sent.template.generation < generation { return fail(.staleJob, "Job not found (stale)") }
        let extranonce2Text = params[2].stringValue!, ntimeText = params[3].stringValue!, nonceText = params[4].stringValue!
        guard extranonce2Text.utf8.count == 2 * sent.extranonce2Size, let extranonce2 = Hex.decode(extranonce2Text) else {
            return fail(.invalid, "Invalid extranonce2: expected \(2 * sent.extranonce2Size) hex digits")
        }
        guard let ntime = WireEncoding.uint32(fromHex: ntimeText) else {
            return fail(.invalid, "Invalid ntime: expected 8 hex digits")
        }
        guard let nonce = WireEncoding.uint32(fromHex: nonceText) else {
            return fail(.invalid, "Invalid nonce: expected 8 hex digits")
        }
        var versionBits: UInt32? = nil
        if params.count == 6 {
            let text = params[5].stringValue!
            guard let bits = WireEncoding.uint32(fromHex: text) else {
                return fail(.invalid, "Invalid version_bits: expected 8 hex digits")
            }
            guard let mask = session.versionMask else {
                return fail(.invalid, "Version rolling not negotiated")
            }
            guard bits & ~mask == 0 else {
                return fail(.invalid, "Version bits \(text) outside mask \(WireEncoding.hex(mask))")
            }
            versionBits = bits
        }
        guard ntime >= sent.template.ntime else { return fail(.invalid, "ntime out of range (before job ntime)") }
        guard UInt64(ntime) <= UInt64(now) + UInt64(configuration.ntimeTolerance) else {
            return fail(.invalid, "ntime out of range (too far in the future)")
        }
        let job: MiningJob
        do {
            job = try MiningJob(notify: sent.notify, extranonce1: sent.extranonce1, extranonce2Size: sent.extranonce2Size,
                                difficulty: sent.difficulty, versionMask: session.versionMask ?? 0)
        } catch {
            return fail(.invalid, "Job cannot be evaluated: \(error)")
        }
        let key = ShareKey(extranonce2: extranonce2, ntime: ntime, nonce: nonce,
                           headerVersion: job.headerVersion(versionBits: versionBits))
        if sent.accepted.contains(key) { return fail(.duplicate, "Duplicate share") }
        let evaluation = job.evaluate(extranonce2: extranonce2, ntime: ntime, nonce: nonce, versionBits: versionBits)
        var creditedDifficulty = sent.difficulty
        if !evaluation.meetsShareTarget {
            guard configuration.personality == .miningcore, let previous = session.previousDifficulty,
                  evaluation.shareDifficulty / previous >= 0.99
            else { return fail(.lowDifficulty, "Low difficulty share") }
            creditedDifficulty = previous
        }
        sent.accepted.insert(key)
        sessions[id]?.jobs[jobID] = sent
        sessions[id]?.accepted += 1
        totals.accepted += 1
        let share = LocalPoolShare(session: id, worker: worker, jobID: jobID, extranonce2: Hex.encode(extranonce2),
                                   ntime: ntime, nonce: nonce, versionBits: versionBits, difficulty: creditedDifficulty,
                                   shareDifficulty: evaluation.shareDifficulty, hash: evaluation.displayHash,
                                   meetsNetworkTarget: evaluation.meetsNetworkTarget)
        totals.acceptedShares.append(share)
        if totals.acceptedShares.count > Self.maximumRecordedShares { totals.acceptedShares.removeFirst() }
        return [.send(id, ServerLine.result(requestID, true)), .event(.shareAccepted(share))]
    }

    // MARK: Jobs

    private mutating func randomBytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }

    private mutating func register(_ job: LocalPoolJob) {
        templates[job.jobID] = job
        templateOrder.append(job.jobID)
        if templateOrder.count > Self.maximumTemplates { templates[templateOrder.removeFirst()] = nil }
        totals.jobsCreated += 1
    }

    private mutating func nextJobID() -> String {
        jobCounter += 1
        return String(jobCounter, radix: 16)
    }

    /// A new job: a clean one (or the first) moves to a new prevhash and height.
    mutating func makeJob(clean: Bool, now: UInt32) -> LocalPoolJob {
        let clean = clean || currentJob == nil
        if clean {
            if currentJob != nil {
                generation += 1
                height &+= 1
            }
        }
        let transactionCount = Int.random(in: 2...6, using: &rng)
        let transactionIDs = (0..<transactionCount).map { _ in randomBytes(32) }
        let leaves = [[UInt8](repeating: 0, count: 32)] + transactionIDs
        let job = LocalPoolJob(
            jobID: nextJobID(), height: height,
            prevHash: clean ? randomBytes(32) : currentJob!.prevHash,
            version: configuration.blockVersion, nbits: configuration.nbits, ntime: now, clean: clean,
            generation: generation, transactionIDs: transactionIDs, merkleBranch: Merkle.coinbaseBranch(leaves: leaves),
            coinbaseTag: Self.coinbaseTag, outputScript: makeOutputScript(), outputValue: 5_000_000_000)
        register(job)
        currentJob = job
        return job
    }

    /// A P2WPKH script, or for DATUM one about 32 KB long (standing in for its many payout outputs).
    private mutating func makeOutputScript() -> [UInt8] {
        guard configuration.personality == .datum else { return [0x00, 0x14] + randomBytes(20) }
        let padding = LocalPoolPersonality.datumCoinbase2Padding
        return [0x6a, 0x4d] + LocalPoolJob.littleEndian(UInt16(padding)) + randomBytes(padding)
    }

    /// The current job again under a new id (same prevhash and generation), for one session
    /// whose difficulty or extranonce changed. Its coinbase output is new, as a real pool's would
    /// be, so its headers differ from the current job's: shares found for both are not the same.
    private mutating func makeDerivedJob(now: UInt32) -> LocalPoolJob? {
        guard var job = currentJob else { return nil }
        job.jobID = nextJobID()
        job.clean = false
        job.ntime = max(job.ntime, now)
        job.outputScript = makeOutputScript()
        register(job)
        return job
    }

    func job(id: String) -> LocalPoolJob? { templates[id] }

    private mutating func sendDifficulty(session id: LocalPoolSessionID) -> [PoolEffect] {
        guard let session = sessions[id], session.open else { return [] }
        return [.send(id, ServerLine.notification("mining.set_difficulty", [.double(session.difficulty)])),
                .event(.difficultySent(session: id, difficulty: session.difficulty))]
    }

    /// Sends a job to a subscribed session, bound to the session's current extranonce and difficulty.
    /// `dropEarlier`: the session's earlier jobs are forgotten (shares for them: "Job not found").
    private mutating func sendJob(_ template: LocalPoolJob, to id: LocalPoolSessionID, clean: Bool,
                                  dropEarlier: Bool = false) -> [PoolEffect] {
        guard var session = sessions[id], session.open, session.subscribed else { return [] }
        if dropEarlier {
            session.jobs = [:]
            session.jobOrder = []
        }
        if let pending = session.pendingExtranonce {
            session.extranonce1 = pending.extranonce1
            session.extranonce2Size = pending.extranonce2Size
            session.pendingExtranonce = nil
        }
        let extranonce1 = session.extranonce1 ?? []
        var notify = template.notify(extranonce1Size: extranonce1.count, extranonce2Size: session.extranonce2Size)
        notify.cleanJobs = clean
        var sent = SentJob(template: template, notify: notify, extranonce1: extranonce1,
                           extranonce2Size: session.extranonce2Size, difficulty: session.difficulty)
        if let earlier = session.jobs[template.jobID] {
            // The same job again (a resumed session gets the current job anew): a share accepted
            // for it before is still a duplicate.
            if earlier.extranonce1 == extranonce1 && earlier.extranonce2Size == sent.extranonce2Size {
                sent.accepted = earlier.accepted
            }
            session.jobOrder.removeAll { $0 == template.jobID }
        }
        session.jobs[template.jobID] = sent
        session.jobOrder.append(template.jobID)
        while session.jobOrder.count > configuration.retainedJobs {
            session.jobs[session.jobOrder.removeFirst()] = nil
        }
        sessions[id] = session
        return [.send(id, ServerLine.notification("mining.notify", notify.params)),
                .event(.jobSent(session: id, jobID: template.jobID, clean: clean))]
    }

    mutating func broadcastNewJob(clean: Bool, now: UInt32) -> (LocalPoolJob, [PoolEffect]) {
        let job = makeJob(clean: clean, now: now)
        var effects: [PoolEffect] = []
        for id in openSessionIDs { effects += sendJob(job, to: id, clean: job.clean) }
        return (job, effects)
    }

    mutating func setDifficulty(_ value: Double, session: LocalPoolSessionID?, now: UInt32) -> [PoolEffect] {
        var effects: [PoolEffect] = []
        if let id = session {
            guard let session = sessions[id], session.open else { return [] }
            sessions[id]?.previousDifficulty = session.difficulty
            sessions[id]?.difficulty = value
            if sessions[id]?.subscribed == true { return retarget(session: id, now: now) }
            return sendDifficulty(session: id)
        }
        difficulty = value
        for id in openSessionIDs {
            sessions[id]?.difficulty = value
            if sessions[id]?.subscribed == true { effects += sendDifficulty(session: id) }
        }
        return effects + broadcastNewJob(clean: false, now: now).1
    }

    /// Sends `mining.set_extranonce` to a session; the new values apply to the next job, which is
    /// sent right away when `sendJob` is true.
    mutating func setExtranonce(session id: LocalPoolSessionID, extranonce1: [UInt8]?, extranonce2Size: Int?,
                                sendJob: Bool, now: UInt32) -> [PoolEffect] {
        guard let session = sessions[id], session.open, session.subscribed else { return [] }
        let size = extranonce2Size ?? session.extranonce2Size
        let newExtranonce1 = extranonce1 ?? allocateExtranonce1(size: session.extranonce1?.count ?? configuration.extranonce1Size)
        sessions[id]?.pendingExtranonce = (newExtranonce1, size)
        if let subscriptionID = session.subscriptionID { remember(subscription: subscriptionID, extranonce1: newExtranonce1) }
        var effects: [PoolEffect] = [
            .send(id, ServerLine.notification("mining.set_extranonce", [.string(Hex.encode(newExtranonce1)), .integer(Int64(size))])),
        ]
        if sendJob, let job = makeDerivedJob(now: now) {
            // NiceHash-style: the new extranonce comes with a clean job; the old one's jobs are gone.
            let clean = configuration.personality == .niceHash
            effects += self.sendJob(job, to: id, clean: clean, dropEarlier: clean)
        }
        return effects
    }

    func extranonceSubscribers() -> [LocalPoolSessionID] {
        openSessionIDs.filter { sessions[$0]?.extranonceSubscribed == true }
    }

    mutating func reconnect(session: LocalPoolSessionID?, host: String?, port: Int?, waitSeconds: Int?) -> [PoolEffect] {
        var params: [JSONValue] = []
        if host != nil || port != nil || waitSeconds != nil {
            params = [host.map { .string($0) } ?? .null, port.map { .integer(Int64($0)) } ?? .null,
                      waitSeconds.map { .integer(Int64($0)) } ?? .null]
        }
        let line = ServerLine.notification("client.reconnect", params)
        let targets = session.map { [$0] } ?? openSessionIDs
        return targets.filter { sessions[$0]?.open == true }.map { .send($0, line) }
    }

    // MARK: Extranonce1 allocation

    private func extranonceInUse(_ extranonce1: [UInt8], except: LocalPoolSessionID) -> Bool {
        sessions.values.contains { $0.open && $0.id != except && ($0.extranonce1 == extranonce1 || $0.pendingExtranonce?.extranonce1 == extranonce1) }
    }

    /// A fresh extranonce1: a counter (from a random start) in big-endian, never one an open session
    /// or a resumable subscription holds.
    private mutating func allocateExtranonce1(size: Int) -> [UInt8] {
        let reserved = Set(knownSubscriptions.values)
        for _ in 0..<1000 {
            extranonceCounter &+= 1
            var bytes = [UInt8](repeating: 0, count: size)
            var value = extranonceCounter
            for index in stride(from: size - 1, through: 0, by: -1) {
                bytes[index] = UInt8(truncatingIfNeeded: value)
                value >>= 8
            }
            if !reserved.contains(bytes) && !extranonceInUse(bytes, except: 0) { return bytes }
        }
        return randomBytes(size)
    }

    private mutating func remember(subscription: String, extranonce1: [UInt8]) {
        if knownSubscriptions.updateValue(extranonce1, forKey: subscription) == nil {
            subscriptionOrder.append(subscription)
            if subscriptionOrder.count > Self.maximumKnownSubscriptions {
                knownSubscriptions[subscriptionOrder.removeFirst()] = nil
            }
        }
    }

    // MARK: Stats

    var stats: LocalPoolStats {
        var snapshot = totals
        snapshot.currentJobID = currentJob?.jobID
        snapshot.sessions = sessions.values.sorted { $0.id < $1.id }.map { session in
            LocalPoolSessionStats(session: session.id, remote: session.remote, connected: session.open,
                                  subscribed: session.subscribed, extranonce1: session.extranonce1.map { Hex.encode($0) },
                                  extranonce2Size: session.extranonce2Size, userAgent: session.userAgent,
                                  authorizedWorkers: session.authorized.sorted(), difficulty: session.difficulty,
                                  versionRollingMask: session.versionMask, accepted: session.accepted,
                                  rejected: session.rejected, rejectedByReason: session.rejectedByReason)
        }
        return snapshot
    }
}
