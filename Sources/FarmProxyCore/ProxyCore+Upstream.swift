import StratumProtocol

/// What the upstream pool does to the miners: jobs fan out to all of them, a new upstream
/// extranonce reaches each one (`mining.set_extranonce` or a clean reconnect), a new mask
/// `mining.set_version_mask`, and a lost pool starts the hold timer.
extension ProxyCore {
    /// A job from the pool: to every ready miner at once (one line for all of them).
    public mutating func upstreamJob(_ job: UpstreamJob, now: Double) -> [ProxyEffect] {
        upstreamUp = true
        upstreamDownSince = nil
        released = false
        var effects: [ProxyEffect] = []
        if !upstreamMaskKnown || upstreamVersionMask != job.versionMask { effects += upstreamVersionMaskChanged(job.versionMask) }
        let newSession = upstreamEpoch != job.epoch
        upstreamEpoch = job.epoch
        if job.isClean || newSession {
            generation += 1
            allocator.expire(before: generation)
        }
        let newJob = UpstreamJobRecord(job: job, downstreamJobID: nextJobID(), generation: generation)
        let extranonceChanged = upstreamExtranonce.map { $0.extranonce1 != job.extranonce1 || $0.size != job.extranonce2Size } ?? true
        if extranonceChanged {
            let (usable, changeEffects) = upstreamExtranonceChanged(job)
            effects += changeEffects
            guard usable else { return effects }
        }
        currentJob = newJob
        let clean = job.isClean || newSession || extranonceChanged
        let targets = downstreamIDs.filter { record(newJob, jobID: newJob.downstreamJobID, for: $0) }
        if !targets.isEmpty { effects.append(.broadcast(targets, Self.notifyLine(newJob, jobID: newJob.downstreamJobID, clean: clean))) }
        // Miners held at subscribe while no pool was up (they get this job as they become ready).
        for id in downstreamIDs where downstreams[id]?.pendingSubscribe != nil {
            effects += completeSubscribe(id, requestID: downstreams[id]?.pendingSubscribe ?? .null, now: now)
        }
        return effects
    }

    /// A new upstream extranonce1 or extranonce2 size (a new session or `mining.set_extranonce`):
    /// miners that asked for it get `mining.set_extranonce`, the others a clean reconnect. False
    /// when the new extranonce2 cannot be split: then every miner is closed.
    private mutating func upstreamExtranonceChanged(_ job: UpstreamJob) -> (Bool, [ProxyEffect]) {
        let hadSession = upstreamExtranonce != nil
        upstreamExtranonce = (job.extranonce1, job.extranonce2Size)
        let size = job.extranonce2Size - configuration.extranoncePrefixSize
        guard size >= configuration.minimumDownstreamExtranonce2Size else {
            let why = "pool \(job.poolURL) gives extranonce2 of \(job.extranonce2Size) bytes: too small to split into a "
                + "\(configuration.extranoncePrefixSize)-byte prefix and at least \(configuration.minimumDownstreamExtranonce2Size) bytes per miner"
            upstreamRefusal = why
            currentJob = nil
            return (false, [.event(.upstreamRefused(why))] + downstreamIDs.map { .close($0, reason: "upstream pool refused: extranonce2 too small") })
        }
        upstreamRefusal = nil
        guard hadSession else { return (true, []) }
        var effects: [ProxyEffect] = []
        var told = 0, reconnected = 0
        for id in downstreamIDs {
            guard var session = downstreams[id], session.subscribed, let prefix = session.prefix else { continue }
            if session.extranonceSubscribed {
                session.extranonce1 = job.extranonce1 + prefix
                session.extranonce2Size = size
                session.jobs = [:]
                session.jobOrder = []
                downstreams[id] = session
                effects.append(.send(id, ServerLine.notification("mining.set_extranonce",
                                                                 [.string(Hex.encode(session.extranonce1)), .integer(Int64(size))])))
                told += 1
            } else {
                // Closing: it gets no job from the broadcast that follows.
                downstreams[id]?.ready = false
                effects.append(.send(id, ServerLine.notification("client.reconnect", [])))
                effects.append(.close(id, reason: "upstream extranonce changed (miner did not send mining.extranonce.subscribe)"))
                reconnected += 1
            }
        }
        effects.append(.event(.upstreamExtranonceChanged(extranonce2Size: job.extranonce2Size, told: told, reconnected: reconnected)))
        return (true, effects)
    }

    /// The upstream mask (nil: refused); miners whose granted mask changes get `mining.set_version_mask`.
    public mutating func upstreamVersionMaskChanged(_ mask: UInt32?) -> [ProxyEffect] {
        upstreamVersionMask = mask
        upstreamMaskKnown = true
        var effects: [ProxyEffect] = []
        for id in downstreamIDs {
            guard let session = downstreams[id], let requested = session.requestedVersionMask else { continue }
            let granted = grantedMask(requested: requested)
            guard granted != session.grantedVersionMask else { continue }
            downstreams[id]?.grantedVersionMask = granted
            // Judges cached for jobs in hand were built with the old mask.
            for jobID in session.jobOrder { downstreams[id]?.jobs[jobID]?.judge = nil }
            effects.append(.send(id, ServerLine.notification("mining.set_version_mask", [.string(WireEncoding.hex(granted ?? 0))])))
        }
        return effects
    }

    /// The upstream connection is gone: miners keep their jobs (shares are still judged and
    /// forwarded ones wait in the client) until `hold_downstreams` runs out.
    public mutating func upstreamLost(now: Double) -> [ProxyEffect] {
        if upstreamUp { upstreamDownSince = now }
        upstreamUp = false
        return []
    }

    /// The pool's verdict on a forwarded share, passed on to the miner that found it.
    public mutating func upstreamAnswered(token: UInt64, _ answer: UpstreamShareAnswer, now: Double) -> [ProxyEffect] {
        guard let forward = pending.removeValue(forKey: token) else { return [] }
        var delta = DownstreamStatistics()
        let line: String
        let verdict: ProxyShareVerdict
        switch answer {
        case .accepted:
            delta.acceptedByPool += 1
            line = ServerLine.result(forward.requestID, true)
            verdict = .acceptedByPool
        case .rejected(let reason, let message):
            delta.rejectedByReason[reason, default: 0] += 1
            delta.rejectedByPool += 1
            let text = message ?? reason.rawValue
            line = ServerLine.error(forward.requestID, Self.code(reason), text)
            verdict = .rejected(reason, message: text, byPool: true)
        case .lost(let why):
            delta.lost += 1
            line = ServerLine.error(forward.requestID, 20, "Share not answered by the pool: \(why)")
            verdict = .lost(why)
        }
        let outcome = forward.outcome.with(verdict: verdict, upstreamLatency: max(0, now - forward.forwardedAt))
        let downstream = outcome.downstream
        guard downstreams[downstream] != nil else {
            // The miner left before the answer: the closed totals count it.
            closedStatistics.add(delta)
            return [.event(.share(outcome))]
        }
        downstreams[downstream]?.statistics.add(delta)
        return [.send(downstream, line), .event(.share(outcome))]
    }

    /// The Stratum error code of a reason (21 stale … 25 not subscribed, 20 other).
    static func code(_ reason: RejectReason) -> Int {
        switch reason {
        case .stale: 21
        case .duplicate: 22
        case .lowDifficulty: 23
        case .unauthorized: 24
        case .notSubscribed: 25
        case .other: 20
        }
    }
}

/// The pool's verdict on a forwarded share.
public enum UpstreamShareAnswer: Sendable, Hashable {
    case accepted
    case rejected(RejectReason, message: String?)
    case lost(String)
}
