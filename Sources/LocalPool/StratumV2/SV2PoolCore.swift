import MiningCore
import StratumProtocol
import StratumV2Protocol

/// The Stratum V2 pool's whole state and Mining Protocol logic (the server side of sv2-spec §3.6
/// and §5): no sockets, no clocks (`now` is passed in), no encryption. Plaintext frames in, effects
/// out, so every decision is a plain function of the frame and the state.
///
/// Jobs come from `LocalPoolJob` (a real coinbase and merkle branch); every share is judged exactly
/// by rebuilding its header with `MiningJob` and comparing the hash with the channel's target.
public struct SV2PoolCore: Sendable {
    /// The only protocol version there is (§3.6.1: min_version and max_version "currently must be 2").
    public static let protocolVersion: UInt16 = 2
    /// The bits a client may roll in nVersion: BIP320's general purpose bits (§5.3.15 "The general
    /// purpose bits (as specified in BIP323) can be freely manipulated").
    public static let versionRollingMask = VersionRolling.standardMask
    static let coinbaseTag = Array("/SwiftMiner SV2LocalPool/".utf8)

    struct Session: Sendable {
        let id: SV2PoolSessionID
        var open = true
        /// SetupConnection.Success was sent.
        var setUp = false
        var setupFlags: UInt32 = 0
        /// The group every channel of this connection belongs to (§5.2.3: an id from the channel id
        /// namespace, never a channel's own).
        var groupChannelID: UInt32 = 0
        var channelIDs: [UInt32] = []
    }

    public let configuration: SV2LocalPoolConfiguration
    private var sessions: [SV2PoolSessionID: Session] = [:]
    private var channels: [UInt32: SV2PoolChannel] = [:]
    private var nextSessionID: SV2PoolSessionID = 1
    /// Channel and group channel ids: one namespace, never reused.
    private var nextChannelID: UInt32 = 1
    private var extranonceCounter: UInt64
    /// The target new channels get and `setTarget` gives every channel.
    private(set) var poolTarget: UInt256
    /// The job new channels get (nil before the first).
    public private(set) var currentJob: LocalPoolJob?
    private var generation = 0
    private var nextJobID: UInt32 = 1
    private var height: UInt32
    private var totals = SV2PoolStats()
    private var rng = SystemRandomNumberGenerator()

    public init(configuration: SV2LocalPoolConfiguration = SV2LocalPoolConfiguration()) {
        self.configuration = configuration
        poolTarget = Difficulty.target(for: configuration.initialDifficulty) ?? Difficulty.diff1Target
        height = UInt32.random(in: 100_000...800_000)
        extranonceCounter = UInt64.random(in: 0...UInt64(UInt32.max))
    }

    // MARK: Sessions

    /// A new connection (before its SetupConnection).
    public mutating func openSession() -> (SV2PoolSessionID, [SV2PoolEffect]) {
        let id = nextSessionID
        nextSessionID += 1
        sessions[id] = Session(id: id)
        return (id, [.event(.sessionOpened(session: id))])
    }

    /// The connection is gone: its channels are forgotten.
    public mutating func closeSession(_ id: SV2PoolSessionID) -> [SV2PoolEffect] {
        guard let session = sessions.removeValue(forKey: id), session.open else { return [] }
        for channelID in session.channelIDs { channels[channelID] = nil }
        return [.event(.sessionClosed(session: id))]
    }

    /// Sessions still connected, in the order they were opened.
    public var openSessionIDs: [SV2PoolSessionID] { sessions.keys.sorted() }

    /// Closes every connection (a later connection starts anew; channels are not resumable in SV2).
    public func dropAllConnections() -> [SV2PoolEffect] { openSessionIDs.map { .close($0) } }

    // MARK: Frames

    /// Handles one plaintext frame from a client.
    ///
    /// A frame that is not a valid message closes the connection (the stream can no longer be trusted);
    /// so does anything but SetupConnection first (§3.6.1 "This MUST be the first message"). Unknown
    /// messages are ignored (§3.4.1 "MUST be discarded and ignored").
    public mutating func handle(_ frame: SV2Frame, session id: SV2PoolSessionID, now: UInt32) -> [SV2PoolEffect] {
        guard let session = sessions[id], session.open else { return [] }
        let message: SV2AnyMessage
        do {
            message = try SV2AnyMessage(frame: frame)
        } catch {
            return [.close(id)]
        }
        if case .setupConnection(let setup) = message {
            return session.setUp ? [.close(id)] : setupConnection(setup, session: id)
        }
        guard session.setUp else { return [.close(id)] }
        switch message {
        case .openStandardMiningChannel(let open): return openStandardChannel(open, session: id, now: now)
        case .openExtendedMiningChannel(let open): return openExtendedChannel(open, session: id, now: now)
        case .submitSharesStandard(let share):
            return submit(session: id, channelID: share.channelID, kind: .standard, sequenceNumber: share.sequenceNumber,
                          jobID: share.jobID, extranonce: [], nonce: share.nonce, ntime: share.ntime,
                          version: share.version, now: now)
        case .submitSharesExtended(let share):
            return submit(session: id, channelID: share.channelID, kind: .extended, sequenceNumber: share.sequenceNumber,
                          jobID: share.jobID, extranonce: share.extranonce, nonce: share.nonce, ntime: share.ntime,
                          version: share.version, now: now)
        case .updateChannel(let update): return updateChannel(update, session: id)
        case .closeChannel(let close): return closeChannel(close.channelID, session: id)
        default:
            // Server-to-client messages and unknown types from a client: nothing to do.
            return []
        }
    }

    // MARK: SetupConnection (§3.6.1–3.6.3, flags §5.3.1)

    private mutating func setupConnection(_ setup: SetupConnection, session id: SV2PoolSessionID) -> [SV2PoolEffect] {
        func refuse(flags: UInt32, _ code: String) -> [SV2PoolEffect] {
            [.send(id, Self.frame(SetupConnectionError(flags: flags, errorCode: SV2PoolErrorCode.wire(code)))),
             .event(.connectionRefused(session: id, errorCode: code)),
             .close(id)]
        }
        guard setup.subProtocol == SetupConnection.SubProtocol.mining else {
            return refuse(flags: 0, SV2PoolErrorCode.unsupportedProtocol)
        }
        guard setup.minVersion <= Self.protocolVersion, Self.protocolVersion <= setup.maxVersion else {
            return refuse(flags: 0, SV2PoolErrorCode.protocolVersionMismatch)
        }
        // SetCustomMiningJob is not served; a client that can only take standard jobs cannot use a pool
        // that only opens extended channels. §3.6.3: the error lists every unsupported flag.
        var unsupported = setup.flags & MiningSetupFlags.requiresWorkSelection
        if !configuration.standardChannels { unsupported |= setup.flags & MiningSetupFlags.requiresStandardJobs }
        guard unsupported == 0 else { return refuse(flags: unsupported, SV2PoolErrorCode.unsupportedFeatureFlags) }
        let flags = configuration.standardChannels ? 0 : MiningSetupSuccessFlags.requiresExtendedChannels
        sessions[id]?.setUp = true
        sessions[id]?.setupFlags = setup.flags
        let groupChannelID = allocateChannelID()
        sessions[id]?.groupChannelID = groupChannelID
        return [.send(id, Self.frame(SetupConnectionSuccess(usedVersion: Self.protocolVersion, flags: flags))),
                .event(.connectionSetUp(session: id, usedVersion: Self.protocolVersion, flags: flags))]
    }

    // MARK: Channels (§5.3.2–5.3.9)

    private mutating func refuseChannel(session id: SV2PoolSessionID, requestID: UInt32, _ code: String) -> [SV2PoolEffect] {
        totals.channelsRefused[code, default: 0] += 1
        return [.send(id, Self.frame(OpenMiningChannelError(requestID: requestID, errorCode: SV2PoolErrorCode.wire(code)))),
                .event(.channelRefused(session: id, requestID: requestID, errorCode: code))]
    }

    /// The channel's starting target: the pool's, but never above the client's max_target (§5.3.2
    /// "Server MUST accept the target or respond by sending OpenMiningChannel.Error").
    private func initialTarget(maxTarget: SV2U256) -> (target: UInt256, maximum: UInt256)? {
        let maximum = UInt256(littleEndianBytes: maxTarget.littleEndianBytes) ?? .zero
        let target = min(poolTarget, maximum)
        return target.isZero ? nil : (target, maximum)
    }

    private mutating func openStandardChannel(_ open: OpenStandardMiningChannel, session id: SV2PoolSessionID,
                                              now: UInt32) -> [SV2PoolEffect] {
        guard configuration.standardChannels else {
            return refuseChannel(session: id, requestID: open.requestID, SV2PoolErrorCode.unsupportedChannelType)
        }
        guard let (target, maximum) = initialTarget(maxTarget: open.maxTarget) else {
            return refuseChannel(session: id, requestID: open.requestID, SV2PoolErrorCode.maxTargetOutOfRange)
        }
        // §5.2.1: a standard channel's extranonce_prefix is all of the extranonce; a unique counter, then
        // filler up to the size every channel of the connection shares (§5.2.3).
        let prefix = allocateExtranoncePrefix() + randomBytes(configuration.extendedExtranonceSize)
        let channel = SV2PoolChannel(id: allocateChannelID(), session: id, kind: .standard, userIdentity: open.userIdentity.text,
                                     extranoncePrefix: prefix, extranonceSize: 0, target: target, maximumTarget: maximum,
                                     nominalHashRate: open.nominalHashRate)
        let success = OpenStandardMiningChannelSuccess(
            requestID: open.requestID, channelID: channel.id, target: Self.wireTarget(target), extranoncePrefix: prefix,
            groupChannelID: sessions[id]?.groupChannelID ?? 0)
        return addChannel(channel, success: Self.frame(success), now: now)
    }

    private mutating func openExtendedChannel(_ open: OpenExtendedMiningChannel, session id: SV2PoolSessionID,
                                              now: UInt32) -> [SV2PoolEffect] {
        guard let (target, maximum) = initialTarget(maxTarget: open.maxTarget) else {
            return refuseChannel(session: id, requestID: open.requestID, SV2PoolErrorCode.maxTargetOutOfRange)
        }
        // §5.3.4 min_extranonce_size is the least the client needs: give that, or the pool's usual size.
        let size = max(Int(open.minExtranonceSize), configuration.extendedExtranonceSize)
        guard size <= MiningJob.maxExtranonce2Size else {
            return refuseChannel(session: id, requestID: open.requestID, SV2PoolErrorCode.unsupportedMinExtranonceSize)
        }
        let prefix = allocateExtranoncePrefix()
        let channel = SV2PoolChannel(id: allocateChannelID(), session: id, kind: .extended, userIdentity: open.userIdentity.text,
                                     extranoncePrefix: prefix, extranonceSize: size, target: target, maximumTarget: maximum,
                                     nominalHashRate: open.nominalHashRate)
        let success = OpenExtendedMiningChannelSuccess(
            requestID: open.requestID, channelID: channel.id, target: Self.wireTarget(target), extranonceSize: UInt16(size),
            extranoncePrefix: prefix, groupChannelID: sessions[id]?.groupChannelID ?? 0)
        return addChannel(channel, success: Self.frame(success), now: now)
    }

    /// Registers a channel, answers its opening and gives it work: the current job as a future job
    /// (§5.3.15 "This MUST be the first message after the channel has been successfully opened. This
    /// first message will have min_ntime unset"), then the SetNewPrevHash that activates it (§5.3.17
    /// "when a new downstream opens a channel").
    private mutating func addChannel(_ channel: SV2PoolChannel, success: SV2Frame, now: UInt32) -> [SV2PoolEffect] {
        channels[channel.id] = channel
        sessions[channel.session]?.channelIDs.append(channel.id)
        totals.channelsOpened[channel.kind, default: 0] += 1
        let opening = SV2ChannelOpening(session: channel.session, channelID: channel.id, kind: channel.kind,
                                        userIdentity: channel.userIdentity, extranoncePrefix: channel.extranoncePrefix,
                                        extranonceSize: channel.extranonceSize)
        var effects: [SV2PoolEffect] = [.send(channel.session, success), .event(.channelOpened(opening))]
        let template = currentJob ?? makeJob(clean: true, now: now)
        effects += send(template, toChannel: channel.id, future: true)
        effects += activate(template, onChannel: channel.id)
        return effects
    }

    /// §5.3.7: the nominal hash rate is recorded; a maximum_target below the channel's target lowers
    /// the target (SetTarget). No answer when it is accepted (§5.3.8).
    private mutating func updateChannel(_ update: UpdateChannel, session id: SV2PoolSessionID) -> [SV2PoolEffect] {
        guard var channel = channels[update.channelID], channel.session == id else {
            return [.send(id, Self.frame(UpdateChannelError(channelID: update.channelID,
                                                            errorCode: SV2PoolErrorCode.wire(SV2PoolErrorCode.invalidChannelID))))]
        }
        let maximum = UInt256(littleEndianBytes: update.maximumTarget.littleEndianBytes) ?? .zero
        guard !maximum.isZero else {
            return [.send(id, Self.frame(UpdateChannelError(channelID: update.channelID,
                                                            errorCode: SV2PoolErrorCode.wire(SV2PoolErrorCode.maxTargetOutOfRange))))]
        }
        channel.nominalHashRate = update.nominalHashRate
        channel.maximumTarget = maximum
        var effects: [SV2PoolEffect] = []
        if maximum < channel.target {
            channel.target = maximum
            effects.append(.send(id, Self.frame(SetTarget(channelID: channel.id, maximumTarget: Self.wireTarget(maximum)))))
        }
        channels[channel.id] = channel
        return effects
    }

    /// §5.3.9: the client's CloseChannel; the pool sends nothing more for the channel.
    private mutating func closeChannel(_ channelID: UInt32, session id: SV2PoolSessionID) -> [SV2PoolEffect] {
        guard let channel = channels[channelID], channel.session == id else { return [] }
        channels[channelID] = nil
        sessions[id]?.channelIDs.removeAll { $0 == channelID }
        return [.event(.channelClosed(session: id, channelID: channelID))]
    }

    /// The nominal hash rate a channel last reported (nil: no such channel).
    public func nominalHashRate(channel: UInt32) -> Float? { channels[channel]?.nominalHashRate }

    /// The target a channel's shares are judged at, as on the wire (nil: no such channel).
    public func target(channel: UInt32) -> SV2U256? { channels[channel].map { Self.wireTarget($0.target) } }

    // MARK: Shares (§5.3.11–5.3.14)

    private mutating func submit(session id: SV2PoolSessionID, channelID: UInt32, kind: SV2PoolChannelKind,
                                 sequenceNumber: UInt32, jobID: UInt32, extranonce: [UInt8], nonce: UInt32, ntime: UInt32,
                                 version: UInt32, now: UInt32) -> [SV2PoolEffect] {
        let ownChannel = channels[channelID].flatMap { $0.session == id ? $0 : nil }
        func reject(_ code: String, difficulty: Double = 0) -> [SV2PoolEffect] {
            totals.rejected += 1
            totals.rejectedByErrorCode[code, default: 0] += 1
            if let kind = ownChannel?.kind { totals.rejectedByChannelKind[kind, default: 0] += 1 }
            let verdict = SV2ShareVerdict(session: id, channelID: channelID, channelKind: ownChannel?.kind,
                                          sequenceNumber: sequenceNumber, jobID: jobID, errorCode: code,
                                          shareDifficulty: difficulty, meetsNetworkTarget: false)
            let error = SubmitSharesError(channelID: channelID, sequenceNumber: sequenceNumber,
                                          errorCode: SV2PoolErrorCode.wire(code))
            return [.send(id, Self.frame(error)), .event(.share(verdict))]
        }
        // SubmitSharesExtended is "only relevant for extended channels" (§5.3.12); a standard share
        // on an extended channel lacks the extranonce the coinbase needs.
        guard var channel = ownChannel, channel.kind == kind else { return reject(SV2PoolErrorCode.invalidChannelID) }
        guard var job = channel.jobs[jobID] else { return reject(SV2PoolErrorCode.invalidJobID) }
        guard job.generation == generation else { return reject(SV2PoolErrorCode.staleShare) }
        guard extranonce.count == channel.extranonceSize else { return reject(SV2PoolErrorCode.invalidExtranonceSize) }
        guard (version ^ job.template.version) & ~Self.versionRollingMask == 0 else {
            return reject(SV2PoolErrorCode.invalidVersion)
        }
        // §5.3.11: ntime at least the min_ntime in force, at most that plus the time since.
        guard ntime >= job.minNTime, UInt64(ntime) <= UInt64(now) + UInt64(configuration.ntimeTolerance) else {
            return reject(SV2PoolErrorCode.invalidTimestamp)
        }
        let key = SV2ChannelJob.ShareKey(extranonce: extranonce, ntime: ntime, nonce: nonce, version: version)
        guard !job.accepted.contains(key) else { return reject(SV2PoolErrorCode.duplicateShare) }
        let evaluation = job.miningJob.evaluate(extranonce2: extranonce, ntime: ntime, nonce: nonce, versionBits: version)
        // Exactly the channel's current target: after a SetTarget a share meeting only the old one is refused.
        guard evaluation.hashValue <= channel.target else {
            return reject(SV2PoolErrorCode.difficultyTooLow, difficulty: evaluation.shareDifficulty)
        }
        job.accepted.insert(key)
        channel.jobs[jobID] = job
        channel.pendingSuccesses.add(sequenceNumber: sequenceNumber, difficulty: channel.targetDifficulty)
        channels[channelID] = channel
        totals.accepted += 1
        totals.acceptedByChannelKind[kind, default: 0] += 1
        if evaluation.meetsNetworkTarget { totals.blocksFound += 1 }
        let verdict = SV2ShareVerdict(session: id, channelID: channelID, channelKind: kind, sequenceNumber: sequenceNumber,
                                      jobID: jobID, errorCode: nil, shareDifficulty: evaluation.shareDifficulty,
                                      meetsNetworkTarget: evaluation.meetsNetworkTarget)
        var effects: [SV2PoolEffect] = [.event(.share(verdict))]
        if channel.pendingSuccesses.count >= configuration.batchSuccesses { effects += flushSuccesses(channel: channelID) }
        return effects
    }

    /// Sends the SubmitShares.Success of a channel's accepted shares not yet acknowledged (§5.3.13).
    private mutating func flushSuccesses(channel channelID: UInt32) -> [SV2PoolEffect] {
        guard var channel = channels[channelID], !channel.pendingSuccesses.isEmpty else { return [] }
        let batch = channel.pendingSuccesses
        channel.pendingSuccesses = SV2SuccessBatch()
        channels[channelID] = channel
        totals.successMessagesSent += 1
        let success = SubmitSharesSuccess(channelID: channelID, lastSequenceNumber: batch.lastSequenceNumber,
                                          newSubmitsAcceptedCount: UInt32(clamping: batch.count),
                                          newSharesSum: batch.sharesSum)
        return [.send(channel.session, Self.frame(success))]
    }

    /// Acknowledges every channel's partly filled batch of accepted shares now.
    public mutating func flushSuccesses() -> [SV2PoolEffect] {
        channels.keys.sorted().flatMap { flushSuccesses(channel: $0) }
    }

    // MARK: Jobs (§5.1.3 future jobs, §5.3.15–5.3.17)

    /// A new job to every channel. `clean`: a new prevhash — the job goes out as a future job and a
    /// SetNewPrevHash activates it, which makes every earlier job stale (pending success batches are
    /// sent first). Otherwise a job on the current prevhash with min_ntime set: active at once,
    /// earlier jobs stay valid.
    public mutating func newJob(clean: Bool, now: UInt32) -> (LocalPoolJob, [SV2PoolEffect]) {
        let clean = clean || currentJob == nil
        var effects: [SV2PoolEffect] = clean ? flushSuccesses() : []
        let template = makeJob(clean: clean, now: now)
        for channelID in channels.keys.sorted() {
            effects += send(template, toChannel: channelID, future: clean)
            if clean { effects += activate(template, onChannel: channelID) }
        }
        return (template, effects)
    }

    /// SetTarget (§5.3.21) to every channel: from now on its shares are judged at `difficulty`'s target
    /// (never above a channel's maximum target). New channels start at it too. Nil for a difficulty
    /// that has no target (not positive and finite).
    public mutating func setTarget(difficulty: Double) -> [SV2PoolEffect]? {
        guard let target = Difficulty.target(for: difficulty) else { return nil }
        poolTarget = target
        var effects: [SV2PoolEffect] = []
        for channelID in channels.keys.sorted() {
            guard var channel = channels[channelID] else { continue }
            channel.target = min(target, channel.maximumTarget)
            channels[channelID] = channel
            effects.append(.send(channel.session, Self.frame(SetTarget(channelID: channelID,
                                                                       maximumTarget: Self.wireTarget(channel.target)))))
        }
        return effects
    }

    /// Reconnect (§3.6.5) to every set-up connection: empty host and port 0 mean "the present ones".
    public func reconnect(host: String, port: Int) -> [SV2PoolEffect] {
        let message = Reconnect(newHost: (try? SV2String(host)) ?? "", newPort: UInt16(clamping: port))
        return openSessionIDs.filter { sessions[$0]?.setUp == true }.map { .send($0, Self.frame(message)) }
    }

    /// Sends `template` to one channel: NewMiningJob with this channel's merkle root (standard) or
    /// NewExtendedMiningJob with the coinbase around the extranonce (extended). `future`: min_ntime empty.
    private mutating func send(_ template: LocalPoolJob, toChannel channelID: UInt32, future: Bool) -> [SV2PoolEffect] {
        guard var channel = channels[channelID], let jobID = UInt32(template.jobID) else { return [] }
        let job: SV2ChannelJob
        do {
            job = try SV2ChannelJob(jobID: jobID, template: template, extranoncePrefix: channel.extranoncePrefix,
                                    extranonceSize: channel.extranonceSize)
        } catch {
            return []  // sizes are checked when the channel opens
        }
        channel.jobs[jobID] = job
        channel.jobOrder.removeAll { $0 == jobID }
        channel.jobOrder.append(jobID)
        while channel.jobOrder.count > configuration.retainedJobs { channel.jobs[channel.jobOrder.removeFirst()] = nil }
        channels[channelID] = channel
        let minNTime: UInt32? = future ? nil : template.ntime
        let frame: SV2Frame
        switch channel.kind {
        case .standard:
            frame = Self.frame(NewMiningJob(channelID: channelID, jobID: jobID, minNTime: minNTime, version: template.version,
                                            merkleRoot: Self.u256(job.standardMerkleRoot)))
        case .extended:
            let notify = job.miningJob.notify
            frame = Self.frame(NewExtendedMiningJob(
                channelID: channelID, jobID: jobID, minNTime: minNTime, version: template.version,
                versionRollingAllowed: true, merklePath: notify.merkleBranch.map(Self.u256),
                coinbaseTxPrefix: notify.coinbase1, coinbaseTxSuffix: notify.coinbase2))
        }
        return [.send(channel.session, frame)]
    }

    /// SetNewPrevHash for a future job already sent to the channel (§5.3.17 "The server MUST NOT send
    /// this message referencing a job_id that was not previously sent as a future job").
    private func activate(_ template: LocalPoolJob, onChannel channelID: UInt32) -> [SV2PoolEffect] {
        guard let channel = channels[channelID], let jobID = UInt32(template.jobID) else { return [] }
        let message = SetNewPrevHash(channelID: channelID, jobID: jobID, prevHash: Self.u256(template.prevHash),
                                     minNTime: template.ntime, nbits: template.nbits)
        return [.send(channel.session, Self.frame(message))]
    }

    /// A new template: a clean one (or the first) moves to a new prevhash, height and generation.
    private mutating func makeJob(clean: Bool, now: UInt32) -> LocalPoolJob {
        let clean = clean || currentJob == nil
        if clean, currentJob != nil {
            generation += 1
            height &+= 1
        }
        let transactionIDs = (0..<Int.random(in: 2...6, using: &rng)).map { _ in randomBytes(32) }
        let leaves = [[UInt8](repeating: 0, count: 32)] + transactionIDs
        let jobID = nextJobID
        nextJobID = nextJobID == .max ? 1 : nextJobID + 1
        let job = LocalPoolJob(
            jobID: String(jobID), height: height, prevHash: clean ? randomBytes(32) : currentJob!.prevHash,
            version: configuration.blockVersion, nbits: configuration.nbits,
            ntime: clean ? now : max(now, currentJob!.ntime), clean: clean, generation: generation,
            transactionIDs: transactionIDs, merkleBranch: Merkle.coinbaseBranch(leaves: leaves),
            coinbaseTag: Self.coinbaseTag, outputScript: [0x00, 0x14] + randomBytes(20), outputValue: 5_000_000_000)
        currentJob = job
        totals.jobsCreated += 1
        return job
    }

    // MARK: Allocation and encoding

    private mutating func allocateChannelID() -> UInt32 {
        defer { nextChannelID &+= 1 }
        return nextChannelID
    }

    /// A fresh prefix: a counter (from a random start) in big-endian; unique among channels for 2^(8·size) channels.
    private mutating func allocateExtranoncePrefix() -> [UInt8] {
        extranonceCounter &+= 1
        let size = configuration.extranoncePrefixSize
        return (0..<size).map { UInt8(truncatingIfNeeded: extranonceCounter >> (8 * UInt64(size - 1 - $0))) }
    }

    private mutating func randomBytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }

    /// A target as the U256 of the wire (§3.3: little-endian).
    static func wireTarget(_ target: UInt256) -> SV2U256 { u256(target.littleEndianBytes) }

    /// 32 raw bytes (a hash in internal order, a little-endian number) as a U256.
    static func u256(_ bytes: [UInt8]) -> SV2U256 {
        SV2U256(littleEndianBytes: bytes) ?? .zero
    }

    /// The frame of a message the pool built. Every field is sized by the pool (prefixes ≤ 8 bytes,
    /// coinbases far below 64 KiB), so encoding cannot fail.
    static func frame(_ message: some SV2Message) -> SV2Frame {
        do {
            return try message.frame()
        } catch {
            preconditionFailure("SV2 pool built an unencodable \(type(of: message)): \(error)")
        }
    }

    // MARK: Stats

    /// A snapshot of the counters.
    public var stats: SV2PoolStats { totals }
}
