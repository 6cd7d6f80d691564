import MiningCore
import StratumProtocol

/// The farm proxy's whole state and every decision it makes: the miners' sessions (subscribe,
/// configure, authorize, vardiff, local share judging), the split of the upstream extranonce into
/// per-miner prefixes, what is forwarded to the pool and how its verdicts go back, and the
/// hold-then-release of the miners while no pool is up. No sockets and no clocks (`now`, in
/// seconds since 1970, is passed in), so each decision is a plain function of its input.
public struct ProxyCore: Sendable {
    public let configuration: ProxyConfiguration
    var downstreams: [DownstreamID: DownstreamSession] = [:]
    private var nextDownstreamID: DownstreamID = 1
    var allocator: ExtranoncePrefixAllocator

    // Upstream
    var currentJob: UpstreamJobRecord?
    /// Count of clean upstream jobs (and new upstream sessions): jobs of an earlier one are stale.
    var generation: UInt64 = 0
    var upstreamEpoch: UInt64?
    var upstreamExtranonce: (extranonce1: [UInt8], size: Int)?
    /// The upstream mask once the client reported one (`upstreamMaskKnown`; nil: refused).
    var upstreamVersionMask: UInt32?
    var upstreamMaskKnown = false
    var upstreamUp = false
    var upstreamDownSince: Double?
    /// Set when `hold_downstreams` ran out without a pool: new miners are turned away until one is up.
    var released = false
    /// Why the current upstream session cannot be split (nil: it can).
    var upstreamRefusal: String?
    var jobCounter: UInt64 = 0

    // Forwarded shares waiting for the pool's verdict.
    struct PendingForward {
        let requestID: JSONValue
        /// The outcome so far: the verdict is the pool's, still to come.
        let outcome: ProxyShareOutcome
        let forwardedAt: Double
    }
    var pending: [UInt64: PendingForward] = [:]
    var nextToken: UInt64 = 1
    /// Counters of closed downstreams (totals = these + the open ones').
    var closedStatistics = DownstreamStatistics()
    var refusedConnections = 0
    var closedForMisbehaviour = 0

    /// How many jobs each miner may still submit to (older ones answer "Job not found").
    static let retainedJobs = 16
    /// How far past our clock a share's ntime may be (seconds; bitcoind allows two hours).
    static let ntimeTolerance: UInt32 = 7200

    public init(configuration: ProxyConfiguration, now: Double) {
        self.configuration = configuration
        self.allocator = ExtranoncePrefixAllocator(size: configuration.extranoncePrefixSize)
        self.upstreamDownSince = now
    }

    // MARK: Connections

    /// A new miner connection; nil (with its effects) when `max_downstreams` are connected.
    public mutating func openDownstream(address: String, now: Double) -> (DownstreamID?, [ProxyEffect]) {
        guard downstreams.count < configuration.maximumDownstreams else {
            refusedConnections += 1
            return (nil, [.event(.downstreamMisbehaved(0, address: address,
                                                       reason: "refused: max_downstreams (\(configuration.maximumDownstreams)) connected"))])
        }
        let id = nextDownstreamID
        nextDownstreamID += 1
        downstreams[id] = DownstreamSession(
            id: id, address: address, connectedAt: now, lastActivity: now, difficulty: configuration.downstreamMinimumDifficulty,
            vardiff: DownstreamVardiff(interval: configuration.downstreamShareInterval, minimum: configuration.downstreamMinimumDifficulty,
                                       maximum: configuration.downstreamMaximumDifficulty, now: now),
            limiter: SubmitRateLimiter(rate: configuration.maximumSubmitsPerSecond, now: now))
        return (id, [.event(.downstreamOpened(id, address: address))])
    }

    /// The connection is gone (closed by either side): its prefix waits for its jobs to expire.
    public mutating func downstreamClosed(_ id: DownstreamID, reason: String) -> [ProxyEffect] {
        guard let session = downstreams.removeValue(forKey: id) else { return [] }
        if let prefix = session.prefix { allocator.release(prefix, generation: generation) }
        closedStatistics.add(session.statistics)
        return [.event(.downstreamClosed(id, address: session.address, reason: reason))]
    }

    public var downstreamIDs: [DownstreamID] { downstreams.keys.sorted() }

    // MARK: Lines

    public mutating func handleLine(_ bytes: [UInt8], from id: DownstreamID, now: Double) -> [ProxyEffect] {
        guard downstreams[id] != nil else { return [] }
        downstreams[id]?.lastActivity = now
        let trimmed = bytes.drop(while: { $0 == 0x20 || $0 == 0x09 })
        if trimmed.isEmpty { return [] }  // keep-alive
        guard let message = try? JSONValue.parse(trimmed), case .object(let object) = message else {
            return invalidLine(id, requestID: .null, reason: "malformed JSON")
        }
        let requestID = object["id"] ?? .null
        guard let methodValue = object["method"] else {
            if object["result"] != nil || object["error"] != nil { return [] }  // an answer to us
            return invalidLine(id, requestID: requestID, reason: "missing method")
        }
        guard let method = methodValue.stringValue else { return invalidLine(id, requestID: requestID, reason: "method is not a string") }
        let params: [JSONValue]
        switch object["params"] {
        case nil, .null?: params = []
        case .array(let array)?: params = array
        default: return invalidLine(id, requestID: requestID, reason: "params is not an array")
        }
        switch method {
        case "mining.subscribe": return subscribe(id, requestID: requestID, params: params, now: now)
        case "mining.authorize": return authorize(id, requestID: requestID, params: params, now: now)
        case "mining.configure": return configure(id, requestID: requestID, params: params)
        case "mining.suggest_difficulty": return suggestDifficulty(id, requestID: requestID, params: params, now: now)
        case "mining.extranonce.subscribe":
            downstreams[id]?.extranonceSubscribed = true
            return [.send(id, ServerLine.result(requestID, true))]
        case "mining.submit": return submit(id, requestID: requestID, params: params, now: now)
        case "mining.ping": return [.send(id, ServerLine.result(requestID, "pong"))]
        default:
            return [.send(id, ServerLine.error(requestID, 20, "Unknown method '\(method.prefix(64))'"))]
        }
    }

    mutating func invalidLine(_ id: DownstreamID, requestID: JSONValue, reason: String) -> [ProxyEffect] {
        guard var session = downstreams[id] else { return [] }
        session.invalidLines += 1
        session.statistics.invalidLines += 1
        downstreams[id] = session
        var effects: [ProxyEffect] = [.send(id, ServerLine.error(requestID, 20, reason.prefix(1).uppercased() + reason.dropFirst())),
                                      .event(.downstreamMisbehaved(id, address: session.address, reason: reason))]
        if session.invalidLines >= configuration.maximumInvalidLines {
            closedForMisbehaviour += 1
            effects.append(.close(id, reason: "\(session.invalidLines) malformed lines"))
        }
        return effects
    }

    /// The network layer closes a miner for what the core never saw (a line over `max_line_length`):
    /// counted and logged like a flood of malformed lines.
    public mutating func misbehaved(_ id: DownstreamID, reason: String) -> [ProxyEffect] {
        guard let session = downstreams[id] else { return [] }
        closedForMisbehaviour += 1
        return [.event(.downstreamMisbehaved(id, address: session.address, reason: reason)), .close(id, reason: reason)]
    }

    // MARK: Time

    /// Timeouts, slow-miner vardiff, and the release of every miner once no pool was up for
    /// `hold_downstreams` seconds. Called about once a second.
    public mutating func tick(now: Double) -> [ProxyEffect] {
        var effects: [ProxyEffect] = []
        for id in downstreamIDs {
            guard let session = downstreams[id] else { continue }
            let waitingForUpstream = session.pendingSubscribe != nil
            if !session.ready && !waitingForUpstream && now - session.connectedAt > configuration.handshakeTimeout {
                effects.append(.close(id, reason: "no subscribe and authorize within \(Int(configuration.handshakeTimeout)) s"))
            } else if now - session.lastActivity > configuration.idleTimeout {
                effects.append(.close(id, reason: "silent for \(Int(configuration.idleTimeout)) s"))
            } else if session.ready, let next = downstreams[id]?.vardiff.retarget(current: session.difficulty, now: now) {
                effects += retarget(id, to: next, now: now)
            }
        }
        if !upstreamUp, !released, let since = upstreamDownSince, now - since >= configuration.holdDownstreams {
            released = true
            let ids = downstreamIDs
            effects += ids.map { .close($0, reason: "no upstream pool for \(Int(configuration.holdDownstreams)) s (hold_downstreams)") }
            effects.append(.event(.downstreamsReleased(count: ids.count)))
        }
        return effects
    }
}

extension DownstreamStatistics {
    mutating func add(_ other: DownstreamStatistics) {
        acceptedByPool += other.acceptedByPool
        validLocally += other.validLocally
        for (reason, count) in other.rejectedByReason { rejectedByReason[reason, default: 0] += count }
        rejectedByPool += other.rejectedByPool
        lost += other.lost
        rateLimited += other.rateLimited
        invalidLines += other.invalidLines
        validDifficultySum += other.validDifficultySum
        if let last = other.lastShareAt { lastShareAt = max(lastShareAt ?? last, last) }
    }
}
