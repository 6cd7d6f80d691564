import MiningCore
import StratumProtocol

/// A miner's way in: subscribe (held while no pool is up), configure (version rolling within the
/// upstream mask), suggest_difficulty (before or after authorize), authorize; then difficulty
/// and jobs.
extension ProxyCore {
    /// Whether an upstream session exists that miners can be given a share of.
    var upstreamUsable: Bool { upstreamUp && upstreamExtranonce != nil && upstreamRefusal == nil && currentJob != nil }

    mutating func subscribe(_ id: DownstreamID, requestID: JSONValue, params: [JSONValue], now: Double) -> [ProxyEffect] {
        guard var session = downstreams[id] else { return [] }
        if session.userAgent == nil { session.userAgent = params.first?.stringValue.map { String($0.prefix(128)) } }
        downstreams[id] = session
        guard upstreamUsable else {
            if released || upstreamRefusal != nil {
                return [.send(id, ServerLine.error(requestID, 20, "No upstream pool available")),
                        .close(id, reason: "subscribed while no upstream pool is available")]
            }
            downstreams[id]?.pendingSubscribe = requestID  // answered when the pool is up
            return []
        }
        return completeSubscribe(id, requestID: requestID, now: now)
    }

    /// Gives the miner its extranonce: the upstream extranonce1 with its prefix behind it, and
    /// what is left of the upstream extranonce2.
    mutating func completeSubscribe(_ id: DownstreamID, requestID: JSONValue, now: Double) -> [ProxyEffect] {
        guard var session = downstreams[id], let upstream = upstreamExtranonce else { return [] }
        session.pendingSubscribe = nil
        if session.prefix == nil {
            guard let prefix = allocator.allocate() else {
                downstreams[id] = session
                return [.send(id, ServerLine.error(requestID, 20, "Proxy full: no extranonce prefix left")),
                        .close(id, reason: "no extranonce prefix left")]
            }
            session.prefix = prefix
        }
        session.extranonce1 = upstream.extranonce1 + (session.prefix ?? [])
        session.extranonce2Size = upstream.size - configuration.extranoncePrefixSize
        session.subscribed = true
        downstreams[id] = session
        let subscriptionID = JSONValue.string(String(id, radix: 16))
        let extranonce1 = Hex.encode(session.extranonce1)
        let result: JSONValue = [[["mining.set_difficulty", subscriptionID], ["mining.notify", subscriptionID]],
                                 .string(extranonce1), .integer(Int64(session.extranonce2Size))]
        var effects: [ProxyEffect] = [
            .send(id, ServerLine.result(requestID, result)),
            .event(.downstreamSubscribed(id, extranonce1: extranonce1, extranonce2Size: session.extranonce2Size,
                                         userAgent: session.userAgent)),
        ]
        if session.authorizedUser != nil { effects += becomeReady(id, now: now) }
        return effects
    }

    mutating func authorize(_ id: DownstreamID, requestID: JSONValue, params: [JSONValue], now: Double) -> [ProxyEffect] {
        guard let user = params.first?.stringValue, !user.isEmpty, user.utf8.count <= 256 else {
            return invalidLine(id, requestID: requestID, reason: "invalid params: expected [user, password]")
        }
        guard var session = downstreams[id] else { return [] }
        // The miner's own login only names it here: upstream, the proxy's login is used.
        if session.authorizedUser == nil { session.authorizedUser = user }
        downstreams[id] = session
        var effects: [ProxyEffect] = [.send(id, ServerLine.result(requestID, true)),
                                      .event(.downstreamAuthorized(id, user: user))]
        if session.subscribed && !session.ready { effects += becomeReady(id, now: now) }
        return effects
    }

    /// Subscribed and authorized: the miner's first difficulty (its suggestion, else the pool's)
    /// and the current job.
    mutating func becomeReady(_ id: DownstreamID, now: Double) -> [ProxyEffect] {
        guard var session = downstreams[id] else { return [] }
        session.ready = true
        session.difficulty = session.vardiff.clamp(session.suggestedDifficulty ?? currentJob?.job.difficulty ?? 1)
        session.vardiff.restart(now: now)
        downstreams[id] = session
        var effects: [ProxyEffect] = [.send(id, ServerLine.notification("mining.set_difficulty", [.double(session.difficulty)])),
                                      .event(.downstreamDifficulty(id, session.difficulty))]
        if let job = currentJob { effects += send(job, jobID: job.downstreamJobID, to: id, clean: true) }
        return effects
    }

    mutating func configure(_ id: DownstreamID, requestID: JSONValue, params: [JSONValue]) -> [ProxyEffect] {
        guard let extensions = params.first?.arrayValue else {
            return invalidLine(id, requestID: requestID, reason: "invalid params: expected [extensions, options]")
        }
        let options = params.count > 1 ? (params[1].objectValue ?? [:]) : [:]
        var result: [String: JSONValue] = [:]
        for value in extensions.prefix(16) {
            guard let name = value.stringValue, name.utf8.count <= 64 else { continue }
            guard name == "version-rolling" else {
                result[name] = false
                continue
            }
            var requested: UInt32 = 0xffff_ffff
            if let text = options["version-rolling.mask"]?.stringValue {
                guard let mask = WireEncoding.uint32(fromHex: text) else {
                    return invalidLine(id, requestID: requestID, reason: "invalid version-rolling.mask")
                }
                requested = mask
            }
            downstreams[id]?.requestedVersionMask = requested
            let granted = grantedMask(requested: requested)
            downstreams[id]?.grantedVersionMask = granted
            result["version-rolling"] = .bool(granted != nil)
            if let granted { result["version-rolling.mask"] = .string(WireEncoding.hex(granted)) }
        }
        return [.send(id, ServerLine.result(requestID, .object(result)))]
    }

    /// The miner's mask within the upstream's (or, before the pool answered, within the mask the
    /// client asks the pool for). nil: no rolling.
    func grantedMask(requested: UInt32) -> UInt32? {
        let upstream = upstreamMaskKnown ? upstreamVersionMask : ClientRequest.defaultVersionRollingMask
        guard let upstream, upstream & requested != 0 else { return nil }
        return upstream & requested
    }

    mutating func suggestDifficulty(_ id: DownstreamID, requestID: JSONValue, params: [JSONValue], now: Double) -> [ProxyEffect] {
        let value = params.first?.doubleValue ?? params.first?.stringValue.flatMap { Double($0) }
        guard let suggested = value, suggested.isFinite, suggested > 0, let session = downstreams[id] else {
            return invalidLine(id, requestID: requestID, reason: "invalid difficulty")
        }
        let clamped = session.vardiff.clamp(suggested)
        downstreams[id]?.suggestedDifficulty = clamped
        var effects: [ProxyEffect] = [.send(id, ServerLine.result(requestID, true))]
        if session.ready && clamped != session.difficulty { effects += retarget(id, to: clamped, now: now) }
        return effects
    }

    /// A new difficulty for one miner: `mining.set_difficulty`, in force from the next job. The
    /// current job is not sent again under a new id: miners restart their nonce range on a new job,
    /// and the same coinbase under two ids would have them find the same shares twice (the pool's
    /// duplicates). Jobs already sent keep their difficulty, except that a lower one applies to
    /// them at once (miners that apply it to their current work are not refused for it).
    mutating func retarget(_ id: DownstreamID, to difficulty: Double, now: Double) -> [ProxyEffect] {
        guard var session = downstreams[id] else { return [] }
        if difficulty < session.difficulty {
            for jobID in session.jobOrder {
                guard let sent = session.jobs[jobID], sent.difficulty > difficulty else { continue }
                session.jobs[jobID] = DownstreamSession.SentJob(upstream: sent.upstream, difficulty: difficulty, accepted: sent.accepted)
            }
        }
        session.difficulty = difficulty
        session.vardiff.restart(now: now)
        downstreams[id] = session
        return [.send(id, ServerLine.notification("mining.set_difficulty", [.double(difficulty)])),
                .event(.downstreamDifficulty(id, difficulty))]
    }

    mutating func nextJobID() -> String {
        jobCounter += 1
        return String(jobCounter, radix: 16)
    }

    /// One job to one miner under `jobID`, recorded at the miner's current difficulty.
    mutating func send(_ job: UpstreamJobRecord, jobID: String, to id: DownstreamID, clean: Bool) -> [ProxyEffect] {
        guard record(job, jobID: jobID, for: id) else { return [] }
        return [.send(id, Self.notifyLine(job, jobID: jobID, clean: clean))]
    }

    /// Remembers that `id` was sent `job` under `jobID`; false when it is not ready for jobs.
    mutating func record(_ job: UpstreamJobRecord, jobID: String, for id: DownstreamID) -> Bool {
        guard downstreams[id]?.ready == true else { return false }
        // In place: a broadcast records one job in every miner's table, which must not be copied each time.
        downstreams[id]!.remember(job, jobID: jobID, retaining: Self.retainedJobs)
        return true
    }

    static func notifyLine(_ job: UpstreamJobRecord, jobID: String, clean: Bool) -> String {
        var notify = job.job.notify
        notify.jobID = jobID
        notify.cleanJobs = clean
        return ServerLine.notification("mining.notify", notify.params)
    }
}
