import MiningCore
import StratumProtocol

/// A miner's share: judged here completely (the same `MiningJob` the miner's own engine uses) at
/// the miner's difficulty; only what also meets the upstream difficulty goes to the pool.
extension ProxyCore {
    /// A submit's fields, read and checked against the job they name.
    private struct SubmittedShare {
        let extranonce2: [UInt8]
        let ntime: UInt32
        let nonce: UInt32
        let versionBits: UInt32?
    }

    mutating func submit(_ id: DownstreamID, requestID: JSONValue, params: [JSONValue], now: Double) -> [ProxyEffect] {
        // Out of the table while it changes: its job table and share sets change in place instead
        // of being copied on every submit.
        guard var session = downstreams.removeValue(forKey: id) else { return [] }
        let judged = judge(&session, id: id, requestID: requestID, params: params, now: now)
        downstreams[id] = session
        guard let (effects, retargetTo) = judged else {
            return invalidLine(id, requestID: requestID,
                               reason: "invalid params: expected [worker, job_id, extranonce2, ntime, nonce, (version_bits)]")
        }
        guard let retargetTo else { return effects }
        return effects + retarget(id, to: retargetTo, now: now)
    }

    /// The submit's answer (or its forwarding) and a new difficulty when one is due; nil for params
    /// that are not a submit at all.
    private mutating func judge(_ session: inout DownstreamSession, id: DownstreamID, requestID: JSONValue, params: [JSONValue],
                                now: Double) -> ([ProxyEffect], Double?)? {
        guard session.limiter.admit(now: now) else {
            session.statistics.rateLimited += 1
            return ([.send(id, ServerLine.error(requestID, 20, "Too many submits (max_submits_per_second)"))], nil)
        }
        let jobID = params.count > 1 ? params[1].stringValue.map { String($0.prefix(64)) } ?? "" : ""
        func refuse(_ reason: RejectReason, _ message: String, difficulty: Double = 0) -> ([ProxyEffect], Double?) {
            session.statistics.rejectedByReason[reason, default: 0] += 1
            let text = { (index: Int) in params.count > index ? params[index].stringValue.map { String($0.prefix(64)) } ?? "" : "" }
            let outcome = ProxyShareOutcome(
                downstream: id, address: session.address, user: session.authorizedUser, jobID: jobID, extranonce2: text(2),
                ntime: WireEncoding.uint32(fromHex: text(3)) ?? 0, nonce: WireEncoding.uint32(fromHex: text(4)) ?? 0,
                versionBits: WireEncoding.uint32(fromHex: text(5)), difficulty: difficulty, shareDifficulty: 0, hash: nil,
                forwarded: false, verdict: .rejected(reason, message: message, byPool: false), upstreamLatency: nil)
            return ([.send(id, ServerLine.error(requestID, Self.code(reason), message)), .event(.share(outcome))], nil)
        }
        guard session.subscribed else { return refuse(.notSubscribed, "Not subscribed") }
        guard session.ready else { return refuse(.unauthorized, "Unauthorized worker") }
        guard (5...6).contains(params.count), params.allSatisfy({ $0.stringValue != nil }) else { return nil }
        guard var sent = session.jobs.removeValue(forKey: jobID) else { return refuse(.stale, "Job not found") }
        defer { session.jobs[jobID] = sent }
        guard sent.upstream.generation == generation, sent.upstream.job.epoch == upstreamEpoch else {
            return refuse(.stale, "Stale job", difficulty: sent.difficulty)
        }
        let share: SubmittedShare
        switch read(params, session: session, job: sent.upstream.job, now: now) {
        case .success(let value): share = value
        case .failure(let problem): return refuse(.other, problem.message, difficulty: sent.difficulty)
        }
        if sent.judge == nil {
            sent.judge = try? MiningJob(notify: sent.upstream.job.notify, extranonce1: session.extranonce1,
                                        extranonce2Size: session.extranonce2Size, difficulty: sent.difficulty,
                                        versionMask: session.grantedVersionMask ?? 0)
        }
        guard let judge = sent.judge else { return refuse(.other, "Job cannot be evaluated", difficulty: sent.difficulty) }
        let key = DownstreamSession.ShareKey(extranonce2: share.extranonce2, ntime: share.ntime, nonce: share.nonce,
                                             versionBits: share.versionBits ?? 0)
        guard !sent.accepted.contains(key) else { return refuse(.duplicate, "Duplicate share", difficulty: sent.difficulty) }
        let evaluation = judge.evaluate(extranonce2: share.extranonce2, ntime: share.ntime, nonce: share.nonce,
                                        versionBits: share.versionBits)
        guard evaluation.meetsShareTarget else { return refuse(.lowDifficulty, "Low difficulty share", difficulty: sent.difficulty) }
        sent.accepted.insert(key)
        session.statistics.validDifficultySum += sent.difficulty
        session.statistics.lastShareAt = now
        session.rates.add(difficulty: sent.difficulty, now: now)
        session.vardiff.record(difficulty: sent.difficulty)
        let upstream = sent.upstream.job
        let forwarding = Difficulty.target(for: upstream.difficulty).map { evaluation.hashValue <= $0 } ?? false
        let outcome = ProxyShareOutcome(
            downstream: id, address: session.address, user: session.authorizedUser, jobID: jobID,
            extranonce2: Hex.encode(share.extranonce2), ntime: share.ntime, nonce: share.nonce, versionBits: share.versionBits,
            difficulty: sent.difficulty, shareDifficulty: evaluation.shareDifficulty, hash: evaluation.displayHash,
            forwarded: forwarding, verdict: .validLocally, upstreamLatency: nil)
        let effects: [ProxyEffect]
        if forwarding {
            let token = nextToken
            nextToken += 1
            pending[token] = PendingForward(requestID: requestID, outcome: outcome, forwardedAt: now)
            effects = [.forward(ForwardedShare(
                token: token, downstream: id, jobID: upstream.notify.jobID, epoch: upstream.epoch, jobGeneration: upstream.jobGeneration,
                extranonce1: upstream.extranonce1, extranonce2: (session.prefix ?? []) + share.extranonce2, ntime: share.ntime,
                nonce: share.nonce, versionBits: upstream.versionMask == nil ? nil : share.versionBits))]
        } else {
            session.statistics.validLocally += 1
            effects = [.send(id, ServerLine.result(requestID, true)), .event(.share(outcome))]
        }
        return (effects, session.vardiff.retarget(current: session.difficulty, now: now))
    }

    private struct SubmitProblem: Error {
        let message: String
    }

    /// extranonce2 of the miner's size, ntime from the job's to two hours past our clock, version bits within the
    /// granted mask.
    private func read(_ params: [JSONValue], session: DownstreamSession, job: UpstreamJob,
                      now: Double) -> Result<SubmittedShare, SubmitProblem> {
        let extranonce2Text = params[2].stringValue ?? "", ntimeText = params[3].stringValue ?? "", nonceText = params[4].stringValue ?? ""
        guard extranonce2Text.utf8.count == 2 * session.extranonce2Size, let extranonce2 = Hex.decode(extranonce2Text) else {
            return .failure(SubmitProblem(message: "Invalid extranonce2: expected \(2 * session.extranonce2Size) hex digits"))
        }
        guard let ntime = WireEncoding.uint32(fromHex: ntimeText) else { return .failure(SubmitProblem(message: "Invalid ntime")) }
        guard let nonce = WireEncoding.uint32(fromHex: nonceText) else { return .failure(SubmitProblem(message: "Invalid nonce")) }
        let latest = max(UInt64(job.notify.ntime), UInt64(max(0, now))) + UInt64(Self.ntimeTolerance)
        guard ntime >= job.notify.ntime, UInt64(ntime) <= latest else {
            return .failure(SubmitProblem(message: "ntime out of range"))
        }
        var versionBits: UInt32?
        if params.count == 6 {
            guard let bits = WireEncoding.uint32(fromHex: params[5].stringValue ?? "") else {
                return .failure(SubmitProblem(message: "Invalid version_bits"))
            }
            guard let mask = session.grantedVersionMask else { return .failure(SubmitProblem(message: "Version rolling not negotiated")) }
            guard bits & ~mask == 0 else {
                return .failure(SubmitProblem(message: "Version bits outside mask \(WireEncoding.hex(mask))"))
            }
            versionBits = bits
        }
        return .success(SubmittedShare(extranonce2: extranonce2, ntime: ntime, nonce: nonce, versionBits: versionBits))
    }
}
