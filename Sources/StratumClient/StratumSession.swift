import PoolSettings
import StratumProtocol

/// The Stratum v1 conversation of one connection, as a pure state machine: it receives events
/// (with the current time passed in) and returns the actions to perform. No sockets, no clock.
///
/// Flow: `connected` → `mining.configure` (when version rolling is on) + `mining.subscribe` →
/// on the subscribe answer `mining.authorize`, `mining.extranonce.subscribe` (opt-in) → on the
/// authorize answer `mining.suggest_difficulty` (see `DifficultySuggestion`) → mining. Every pending submit is resolved exactly once:
/// by its answer, by the submit timeout, or as lost when the session closes — or, with
/// `carryPendingShares`, handed back (`.carry`) when the connection is lost, to be sent again by
/// the next session if that one resumes the subscription (`.resubmit`).
public struct StratumSession {
    public typealias Instant = ContinuousClock.Instant

    public enum Event {
        case connected(now: Instant)
        case lineReceived(JSONRPCMessage, now: Instant)
        /// A line that is not a JSON-RPC message (still counts as traffic for the idle timeout).
        case malformedLine(String, now: Instant)
        case tick(now: Instant)
        /// `token` identifies the caller waiting for the `.resolve` action.
        case submit(ShareSubmission, token: UInt64, now: Instant)
        /// The transport closed.
        case closed(String)
        /// Shares carried over from the previous connection: sent once this session is resumed
        /// (same extranonce1 for the previous subscription id) and authorized; lost otherwise.
        case resubmit([CarriedShare], now: Instant)
        /// The worker's wish for `mining.suggest_difficulty` (pool setting `.auto` only): sent now
        /// when authorized and the value differs from the last one sent by at least
        /// `suggestDifficultyMinimumChange`; otherwise kept and sent after the authorize answer.
        case suggestDifficulty(Double, now: Instant)
    }

    public enum Action: Sendable, Hashable {
        /// Write this line (a newline is appended by the transport). `method` is for logging:
        /// the line itself may hold the password.
        case send(String, method: String)
        case emit(StratumClientEvent)
        case close(SessionCloseReason)
        /// Reconnect after `after`; host/port are set only when the pool may move us elsewhere.
        case scheduleReconnect(after: Duration, host: String?, port: Int?)
        /// The answer for the submit with this token.
        case resolve(token: UInt64, ShareResult)
        /// Unanswered when the connection ended: keep it for the next session (`.resubmit`).
        case carry(CarriedShare)
    }

    public enum Phase: Sendable, Hashable {
        case idle, subscribing, authorizing, mining, closed
    }

    private enum RequestKind {
        case configure, subscribe(withParams: Bool), authorize, extranonceSubscribe, suggestDifficulty
        /// `carryDeadline`: set (only) for a share sent again after a resume (kept if it is carried again).
        case submit(token: UInt64, share: ShareSubmission, carryDeadline: Instant?)

        var method: String {
            switch self {
            case .configure: "mining.configure"
            case .subscribe: "mining.subscribe"
            case .authorize: "mining.authorize"
            case .extranonceSubscribe: "mining.extranonce.subscribe"
            case .suggestDifficulty: "mining.suggest_difficulty"
            case .submit: "mining.submit"
            }
        }
    }

    private struct PendingRequest {
        var kind: RequestKind
        var deadline: Instant?
    }

    private struct JobContext {
        var extranonce1: [UInt8]
        var extranonce2Size: Int
    }

    /// Most state-changing notifications kept while waiting for the subscribe answer.
    public static let maxQueuedNotifications = 64

    public let configuration: StratumSessionConfiguration
    public private(set) var phase: Phase = .idle
    public private(set) var extranonce1: [UInt8]?
    public private(set) var extranonce2Size = 0
    public private(set) var subscriptionID: String?
    /// Difficulty for the next job (1 until the pool sets one).
    public private(set) var difficulty: Double = 1
    /// The agreed version-rolling mask; nil when refused or not negotiated.
    public private(set) var versionMask: UInt32?
    public private(set) var authorizedAt: Instant?
    public private(set) var closeReason: SessionCloseReason?
    /// Responses whose id matches no request of ours.
    public private(set) var unknownResponseCount = 0
    /// Lines or params we could not accept, and deviations we tolerated (a non-boolean `clean_jobs`).
    public private(set) var protocolErrorCount = 0
    /// `mining.notify` lines whose `clean_jobs` was missing or not a boolean (taken as false).
    public private(set) var cleanJobsDeviationCount = 0
    /// The last difficulty sent with `mining.suggest_difficulty` on this connection.
    public private(set) var lastSuggestedDifficulty: Double?
    /// The `.auto` suggestion waiting to be sent (after authorize).
    public private(set) var wantedSuggestedDifficulty: Double?

    private var nextID: Int64 = 1
    private var pending: [Int64: PendingRequest] = [:]
    private var subscribeRetried = false
    private var queued: [ServerMessage] = []
    private var lastReceived: Instant?
    private var pendingExtranonce: JobContext?
    private var lastPrevHash: [UInt8]?
    /// Carried shares waiting for this session to be resumed and authorized.
    private var resubmitQueue: [CarriedShare] = []
    /// The pool resumed the previous subscription (same extranonce1).
    public private(set) var resumed = false
    /// Whether a `mining.notify` was applied on this connection (for the job timeout).
    public private(set) var hasJob = false
    /// Clean jobs so far on this connection. Each job carries the count in force when it came, and
    /// so does every share found for it: a share is sent only while no clean job has followed its
    /// job. Which jobs are valid is the worker's job table; this only closes the race between the
    /// table and the wire (a clean job read here while the share was on its way).
    public private(set) var jobGeneration: UInt64 = 0

    public init(configuration: StratumSessionConfiguration) {
        self.configuration = configuration
        if case .auto = configuration.pool.difficultySuggestion, let value = configuration.suggestedDifficulty,
           value.isFinite, value > 0 {
            wantedSuggestedDifficulty = value
        }
    }

    /// The number of submits still waiting for an answer.
    public var pendingSubmitCount: Int {
        pending.values.count { if case .submit = $0.kind { true } else { false } }
    }

    public mutating func handle(_ event: Event) -> [Action] {
        switch event {
        case .connected(let now): return connected(now: now)
        case .lineReceived(let message, let now):
            guard phase != .closed else { return [] }
            lastReceived = now
            return received(message, now: now)
        case .malformedLine(let why, let now):
            guard phase != .closed else { return [] }
            lastReceived = now
            protocolErrorCount += 1
            return [.emit(.protocolError(why))]
        case .tick(let now): return tick(now: now)
        case .submit(let share, let token, let now): return submit(share, token: token, now: now)
        case .closed(let why):
            guard phase != .closed else { return [] }
            closeReason = .connectionLost(why)
            phase = .closed
            return resolveAllSubmits("connection closed: \(why)", reason: .connectionLost(why))
        case .resubmit(let shares, let now):
            return takeResubmits(shares, now: now)
        case .suggestDifficulty(let value, let now):
            return suggest(value, now: now)
        }
    }

    // MARK: - Connection start

    private mutating func connected(now: Instant) -> [Action] {
        guard phase == .idle else { return [] }
        phase = .subscribing
        lastReceived = now
        var actions: [Action] = []
        if configuration.pool.versionRolling {
            actions.append(send(.configure(id: takeID(), versionRollingMask: configuration.client.versionRollingMask),
                                kind: .configure, deadline: now + configuration.client.timers.subscribeTimeout))
        }
        let request = ClientRequest.subscribe(id: takeID(), userAgent: configuration.client.userAgent,
                                              sessionID: configuration.previousSubscriptionID)
        actions.append(send(request, kind: .subscribe(withParams: true), deadline: now + configuration.client.timers.subscribeTimeout))
        return actions
    }

    // MARK: - Incoming

    private mutating func received(_ message: JSONRPCMessage, now: Instant) -> [Action] {
        switch message {
        case .response(let response): return responded(response, now: now)
        case .notification(let method, let params): return serverCall(id: nil, method: method, params: params, now: now)
        case .request(let id, let method, let params): return serverCall(id: id, method: method, params: params, now: now)
        }
    }

    private mutating func responded(_ response: JSONRPCResponse, now: Instant) -> [Action] {
        guard let id = response.integerID, let request = pending.removeValue(forKey: id) else {
            unknownResponseCount += 1
            return []
        }
        switch request.kind {
        case .configure:
            return agreeVersionMask(ConfigureResult.versionRollingMask(response))
        case .subscribe(let withParams):
            return subscribeAnswered(response, withParams: withParams, now: now)
        case .authorize:
            if response.error.isNull, response.result.boolValue == true {
                phase = .mining
                authorizedAt = now
                return [.emit(.authorized(worker: configuration.client.user))] + suggestAfterAuthorize() + flushResubmits(now: now)
            }
            let reason = Self.errorText(response) ?? "refused"
            return [.emit(.authorizationFailed(worker: configuration.client.user, reason: reason))]
                + close(.authorizationFailed(reason))
        case .extranonceSubscribe, .suggestDifficulty:
            return []  // Optional extensions: a refusal changes nothing.
        case .submit(let token, _, let carryDeadline):
            let result = ShareResult(SubmitResult(response: response))
            if carryDeadline != nil, case .rejected(.duplicate, _) = result {
                // Sent again after a resume: the pool already has it, so the first submit was
                // accepted and only its answer was lost with the connection.
                return [.resolve(token: token, .accepted)]
            }
            return [.resolve(token: token, result)]
        }
    }

    private mutating func agreeVersionMask(_ offered: UInt32?) -> [Action] {
        let mask = offered.map { $0 & configuration.client.versionRollingMask }
        versionMask = mask == 0 ? nil : mask
        return [.emit(.versionRollingMask(versionMask))]
    }

    private mutating func subscribeAnswered(_ response: JSONRPCResponse, withParams: Bool, now: Instant) -> [Action] {
        let result: SubscribeResult
        do {
            guard response.error.isNull else {
                throw StratumProtocolError.invalidField("mining.subscribe", Self.errorText(response) ?? "error")
            }
            result = try SubscribeResult(result: response.result)
        } catch {
            if withParams && !subscribeRetried {
                // Some pools refuse the user agent / session id: try once more with empty params.
                subscribeRetried = true
                return [send(.subscribe(id: takeID(), userAgent: nil), kind: .subscribe(withParams: false),
                             deadline: now + configuration.client.timers.subscribeTimeout)]
            }
            protocolErrorCount += 1
            return [.emit(.protocolError("mining.subscribe: \(error)"))] + close(.subscribeFailed("\(error)"))
        }
        extranonce1 = result.extranonce1
        extranonce2Size = result.extranonce2Size
        subscriptionID = result.subscriptionID
        phase = .authorizing
        var actions: [Action] = []
        // A configure still unanswered stays pending: its answer is applied if it comes before the
        // first notify (cgminer and cpuminer tolerate a late answer too); see `job(_:)`.
        let resumed = withParams && configuration.previousSubscriptionID != nil
            && configuration.previousExtranonce1 == result.extranonce1
        self.resumed = resumed
        actions.append(.emit(.subscribed(url: configuration.poolURL, extranonce1: result.extranonce1,
                                         extranonce2Size: result.extranonce2Size, resumed: resumed)))
        if !resumed { actions += loseResubmits("not resubmitted: the pool did not resume the session (new extranonce1)") }
        actions.append(send(.authorize(id: takeID(), user: configuration.client.user, password: configuration.client.password),
                            kind: .authorize, deadline: now + configuration.client.timers.subscribeTimeout))
        if configuration.pool.extranonceSubscribe {
            actions.append(send(.extranonceSubscribe(id: takeID()), kind: .extranonceSubscribe, deadline: nil))
        }
        let backlog = queued
        queued = []
        for message in backlog { actions += apply(message, now: now) }
        return actions
    }

    private mutating func serverCall(id: JSONValue?, method: String, params: [JSONValue], now: Instant) -> [Action] {
        let message: ServerMessage
        var deviation: [Action] = []
        do {
            message = try ServerMessage(method: method, params: params)
            if case .notify = message, !MiningNotify.hasBooleanCleanJobs(params) {
                // Kept as a job with clean_jobs false (cgminer and cpuminer read it with json_is_true).
                protocolErrorCount += 1
                cleanJobsDeviationCount += 1
                if cleanJobsDeviationCount == 1 {
                    deviation.append(.emit(.protocolError("mining.notify: clean_jobs missing or not a boolean; taken as false")))
                }
            }
        } catch {
            protocolErrorCount += 1
            var actions: [Action] = [.emit(.protocolError("\(method): \(error)"))]
            if let id { actions.append(.send(ClientReply.error(id: id, code: -32602, message: "Invalid params"), method: method)) }
            return actions
        }
        switch message {
        case .notify, .setDifficulty, .setExtranonce, .setVersionMask:
            if extranonce1 == nil {
                if queued.count >= Self.maxQueuedNotifications { queued.removeFirst() }
                queued.append(message)
                return deviation
            }
            return deviation + apply(message, now: now)
        case .reconnect(let host, let port, let waitTime):
            let configuredHost = PoolEndpoint(url: configuration.pool.url)?.host ?? ""
            let currentHost = PoolEndpoint(url: configuration.poolURL)?.host ?? configuredHost
            let target = ReconnectTarget.decide(host: host, port: port, configuredHost: configuredHost,
                                                currentHost: currentHost,
                                                allowAnyHost: configuration.pool.allowReconnectToOtherHost)
            var actions: [Action] = []
            if !target.followed {
                actions.append(.emit(.poolMessage("client.reconnect to \(host ?? "same host"):\(port.map(String.init) ?? "same port") refused (outside \(configuredHost)'s domain); reconnecting to the configured pool")))
            }
            let wait = min(.seconds(waitTime ?? 0), configuration.client.timers.maximumReconnectWait)
            actions.append(.scheduleReconnect(after: wait, host: target.host, port: target.port))
            return actions + close(.reconnectRequested)
        case .showMessage(let text):
            var actions: [Action] = [.emit(.poolMessage(text))]
            if let id { actions.append(.send(ClientReply.result(id: id, true), method: method)) }
            return actions
        case .getVersion:
            guard let id else { return [] }
            return [.send(ClientReply.version(id: id, userAgent: configuration.client.userAgent), method: method)]
        case .ping:
            guard let id else { return [] }
            return [.send(ClientReply.pong(id: id), method: method)]
        case .unknown(let name):
            guard let id else { return [] }
            return [.send(ClientReply.methodNotFound(id: id, method: name), method: name)]
        }
    }

    /// Applies a state-changing notification (only once subscribed).
    private mutating func apply(_ message: ServerMessage, now: Instant) -> [Action] {
        switch message {
        case .setDifficulty(let value):
            difficulty = value
            return [.emit(.difficulty(value))]
        case .setExtranonce(let newExtranonce1, let size):
            // Always applied, asked for or not (cpuminer-opt applies it unconditionally): the pool
            // judges every later share by the new extranonce1. From the next notify on, jobs of
            // the old one are no longer valid (`job(_:)` makes that notify clean).
            pendingExtranonce = JobContext(extranonce1: newExtranonce1, extranonce2Size: size)
            return []
        case .setVersionMask(let mask):
            guard configuration.pool.versionRolling else { return [] }
            return agreeVersionMask(mask)
        case .notify(let notify):
            return job(notify, receivedAt: now)
        default:
            return []
        }
    }

    private mutating func job(_ notify: MiningNotify, receivedAt: Instant) -> [Action] {
        var actions: [Action] = []
        // A configure answer that has not come by the first job is given up: no rolling.
        if let id = pending.first(where: { if case .configure = $0.value.kind { true } else { false } })?.key {
            pending[id] = nil
            actions += agreeVersionMask(nil)
        }
        hasJob = true
        var context = JobContext(extranonce1: extranonce1 ?? [], extranonce2Size: extranonce2Size)
        var extranonceChanged = false
        if let next = pendingExtranonce {
            pendingExtranonce = nil
            extranonceChanged = next.extranonce1 != context.extranonce1 || next.extranonce2Size != context.extranonce2Size
            context = next
            extranonce1 = next.extranonce1
            extranonce2Size = next.extranonce2Size
        }
        let isClean = notify.cleanJobs || lastPrevHash != notify.prevHash || extranonceChanged
        lastPrevHash = notify.prevHash
        if isClean { jobGeneration += 1 }
        let assignment = JobAssignment(notify: notify, epoch: configuration.epoch, jobGeneration: jobGeneration,
                                       extranonce1: context.extranonce1, extranonce2Size: context.extranonce2Size,
                                       difficulty: difficulty, versionMask: versionMask, isClean: isClean,
                                       poolURL: configuration.poolURL, receivedAt: receivedAt)
        return actions + [.emit(.job(assignment))]
    }

    // MARK: - Difficulty suggestion

    /// After the authorize answer: the fixed value, or the `.auto` value known so far.
    private mutating func suggestAfterAuthorize() -> [Action] {
        switch configuration.pool.difficultySuggestion {
        case .off: return []
        case .fixed(let value): return sendSuggestion(value)
        case .auto: return wantedSuggestedDifficulty.map { sendSuggestion($0) } ?? []
        }
    }

    private mutating func suggest(_ value: Double, now: Instant) -> [Action] {
        guard case .auto = configuration.pool.difficultySuggestion, value.isFinite, value > 0, phase != .closed else {
            return []
        }
        wantedSuggestedDifficulty = value
        guard phase == .mining else { return [] }  // sent after the authorize answer
        if let last = lastSuggestedDifficulty, max(last / value, value / last) < configuration.client.suggestDifficultyMinimumChange {
            return []
        }
        return sendSuggestion(value)
    }

    private mutating func sendSuggestion(_ value: Double) -> [Action] {
        guard value.isFinite, value > 0 else { return [] }
        lastSuggestedDifficulty = value
        return [send(.suggestDifficulty(id: takeID(), difficulty: value), kind: .suggestDifficulty, deadline: nil)]
    }

    // MARK: - Submits

    private mutating func submit(_ share: ShareSubmission, token: UInt64, now: Instant) -> [Action] {
        func lost(_ why: String) -> [Action] { [.resolve(token: token, .lost(why))] }
        guard phase != .closed else {
            // Found for this session just as it ended: the next one may still take it.
            if configuration.client.resubmitPendingOnResume, share.epoch == configuration.epoch,
               closeReason?.allowsResubmission == true {
                return [.carry(CarriedShare(token: token, share: share))]
            }
            return lost("not sent: connection closed")
        }
        guard share.epoch == configuration.epoch else { return lost("not sent: share from an earlier session") }
        guard phase == .mining else { return lost("not sent: not authorized") }
        guard share.jobGeneration == jobGeneration else {
            return [.resolve(token: token, .rejected(.stale, message: "not sent: a clean job replaced job \(share.jobID.prefix(64))"))]
        }
        guard share.extranonce1 == extranonce1 else { return lost("not sent: extranonce1 of another session") }
        guard share.extranonce2.count == extranonce2Size else {
            return lost("not sent: extranonce2 is \(share.extranonce2.count) bytes, expected \(extranonce2Size)")
        }
        let request = ClientRequest.submit(id: takeID(), worker: configuration.client.user, jobID: share.jobID,
                                           extranonce2: share.extranonce2, ntime: share.ntime, nonce: share.nonce,
                                           versionBits: versionMask == nil ? nil : share.versionBits)
        return [send(request, kind: .submit(token: token, share: share, carryDeadline: nil),
                     deadline: now + configuration.client.timers.submitTimeout)]
    }

    /// Resolves (or, when the close reason allows it, carries) every unanswered submit and every
    /// share still waiting to be sent again.
    private mutating func resolveAllSubmits(_ why: String, reason: SessionCloseReason) -> [Action] {
        let carry = configuration.client.resubmitPendingOnResume && reason.allowsResubmission
        var actions: [Action] = []
        for id in pending.keys.sorted() {
            guard case .submit(let token, let share, let deadline) = pending[id]!.kind else { continue }
            actions.append(carry ? .carry(CarriedShare(token: token, share: share, deadline: deadline))
                                 : .resolve(token: token, .lost(why)))
        }
        pending.removeAll()
        let queued = resubmitQueue
        resubmitQueue = []
        for carried in queued {
            actions.append(carry ? .carry(carried) : .resolve(token: carried.token, .lost(why)))
        }
        return actions
    }

    // MARK: - Resubmission after a resume

    private mutating func takeResubmits(_ shares: [CarriedShare], now: Instant) -> [Action] {
        guard !shares.isEmpty else { return [] }
        guard configuration.client.resubmitPendingOnResume else {
            return shares.map { .resolve(token: $0.token, .lost("not resubmitted: resubmission is off")) }
        }
        if phase == .closed {
            if closeReason?.allowsResubmission == true { return shares.map { .carry($0) } }
            return shares.map { .resolve(token: $0.token, .lost("not resubmitted: connection closed: \(closeReason.map { "\($0)" } ?? "")")) }
        }
        resubmitQueue += shares
        if extranonce1 != nil && !resumed {
            return loseResubmits("not resubmitted: the pool did not resume the session (new extranonce1)")
        }
        return phase == .mining ? flushResubmits(now: now) : []
    }

    private mutating func loseResubmits(_ why: String) -> [Action] {
        let queued = resubmitQueue
        resubmitQueue = []
        return queued.map { .resolve(token: $0.token, .lost(why)) }
    }

    /// Sends the carried shares again on this resumed, authorized session: they were found for
    /// this same subscription (extranonce1), and the pool judges whether their job still stands.
    private mutating func flushResubmits(now: Instant) -> [Action] {
        guard phase == .mining, !resubmitQueue.isEmpty else { return [] }
        let queued = resubmitQueue
        resubmitQueue = []
        var actions: [Action] = []
        var sent = 0
        for carried in queued {
            let share = carried.share
            func lost(_ why: String) { actions.append(.resolve(token: carried.token, .lost("not resubmitted: \(why)"))) }
            if !resumed { lost("the pool did not resume the session"); continue }
            if share.extranonce1 != extranonce1 { lost("extranonce1 of another session"); continue }
            if share.extranonce2.count != extranonce2Size { lost("extranonce2 size changed"); continue }
            if let bits = share.versionBits, bits != 0, versionMask.map({ bits & ~$0 != 0 }) ?? true {
                lost("version bits outside the resumed session's mask"); continue
            }
            let request = ClientRequest.submit(id: takeID(), worker: configuration.client.user, jobID: share.jobID,
                                               extranonce2: share.extranonce2, ntime: share.ntime, nonce: share.nonce,
                                               versionBits: versionMask == nil ? nil : share.versionBits)
            let carryDeadline = carried.deadline ?? now + configuration.client.timers.submitTimeout
            actions.append(send(request, kind: .submit(token: carried.token, share: share, carryDeadline: carryDeadline),
                                deadline: now + configuration.client.timers.submitTimeout))
            sent += 1
        }
        if sent > 0 { actions.insert(.emit(.sharesResubmitted(count: sent)), at: 0) }
        return actions
    }

    // MARK: - Time

    private mutating func tick(now: Instant) -> [Action] {
        guard phase != .closed, phase != .idle else { return [] }
        var actions: [Action] = []
        for id in pending.keys.sorted() {
            guard let request = pending[id], let deadline = request.deadline, deadline <= now else { continue }
            pending[id] = nil
            switch request.kind {
            case .submit(let token, _, _):
                actions.append(.resolve(token: token, .lost("no answer to mining.submit in time")))
            case .configure:
                actions += agreeVersionMask(nil)
            case .subscribe, .authorize:
                return actions + close(.requestTimeout(method: request.kind.method))
            case .extranonceSubscribe, .suggestDifficulty:
                break
            }
        }
        if let last = lastReceived, now - last >= configuration.client.timers.idleTimeout {
            return actions + close(.idleTimeout)
        }
        if let limit = configuration.client.timers.jobTimeout, !hasJob, let since = authorizedAt, now - since >= limit {
            protocolErrorCount += 1
            return actions + [.emit(.protocolError("no mining.notify within \(limit) of authorization; reconnecting"))]
                + close(.noJob(after: limit))
        }
        return actions
    }

    // MARK: - Helpers

    private mutating func close(_ reason: SessionCloseReason) -> [Action] {
        guard phase != .closed else { return [] }
        closeReason = reason
        phase = .closed
        return resolveAllSubmits("connection closed: \(reason)", reason: reason) + [.close(reason)]
    }

    private mutating func takeID() -> Int64 {
        defer { nextID += 1 }
        return nextID
    }

    private mutating func send(_ request: ClientRequest, kind: RequestKind, deadline: Instant?) -> Action {
        pending[request.id] = PendingRequest(kind: kind, deadline: deadline)
        return .send(request.line, method: request.method)
    }

    /// The pool's error text from any error shape, truncated.
    static func errorText(_ response: JSONRPCResponse) -> String? {
        let text: String?
        switch response.error {
        case .array(let items): text = items.count > 1 ? items[1].stringValue : items.first.map(\.serialized)
        case .object(let object): text = object["message"]?.stringValue
        case .string(let s): text = s
        case .null: text = response.rejectReason
        default: text = response.error.serialized
        }
        return text.map { String($0.prefix(SubmitResult.maxMessageLength)) }
    }
}
