import MiningCore
import PoolSettings
import StratumProtocol
import StratumV2Protocol

/// The Stratum V2 Mining Protocol conversation of one (already encrypted) connection, as a pure
/// state machine like `StratumSession`: events in (the current time passed in), actions out, and
/// the same `StratumClientEvent`s and `ShareResult`s as a v1 session, so the worker core, the
/// statistics and the proxy do not know which protocol a pool speaks.
///
/// Flow (sv2-spec §3.6, §5.3): `connected` → SetupConnection (mining, version 2) → on .Success
/// OpenStandardMiningChannel (or OpenExtendedMiningChannel; a standard channel the pool refuses
/// is retried once as extended) → on .Success the channel's target and extranonce prefix are the
/// session's (`subscribed`, `authorized`, `difficulty` go out) → jobs: a future job waits for the
/// SetNewPrevHash that names it (a clean job), a job with min_ntime is at once valid on the current
/// prevhash. SetTarget applies to the current job at once. SubmitShares.Success acknowledges every
/// share up to its last_sequence_number (batched answers); .Error answers one share.
public struct SV2ClientSession {
    public typealias Instant = ContinuousClock.Instant

    public enum Event {
        /// The Noise handshake completed: the encrypted connection is up.
        case connected(now: Instant)
        case message(SV2AnyMessage, now: Instant)
        /// A frame whose payload does not decode as its message type.
        case malformedFrame(String, now: Instant)
        case tick(now: Instant)
        case submit(ShareSubmission, token: UInt64, now: Instant)
        /// The worker's wish for `mining.suggest_difficulty`: sent as UpdateChannel's nominal hash rate.
        case suggestDifficulty(Double, now: Instant)
        /// We are about to close the connection: the open channel is closed first (CloseChannel).
        case shuttingDown
        case closed(String)
    }

    public enum Action: Sendable, Equatable {
        /// Send this frame; `name` is the message's name for logs.
        case send(SV2Frame, name: String)
        case emit(StratumClientEvent)
        case close(SessionCloseReason)
        case scheduleReconnect(after: Duration, host: String?, port: Int?)
        case resolve(token: UInt64, ShareResult)
    }

    public enum Phase: Sendable, Hashable {
        case idle, settingUp, openingChannel, mining, closed
    }

    /// The channel the pool opened for us.
    public struct Channel: Sendable, Hashable {
        public var id: UInt32
        public var kind: SV2ChannelKind
        public var groupID: UInt32
        public var target: UInt256
        public var extranoncePrefix: [UInt8]
        /// The miner's part of the extranonce (extended channels; 0 for standard).
        public var extranonceSize: Int
    }

    /// A job as the pool sent it.
    struct Job {
        enum Work {
            case standard(merkleRoot: [UInt8])
            case extended(coinbasePrefix: [UInt8], coinbaseSuffix: [UInt8], merklePath: [[UInt8]])
        }
        var id: UInt32
        var version: UInt32
        var versionRollingAllowed: Bool
        var work: Work
        var minNTime: UInt32?
    }

    private struct PrevHash {
        var bytes: [UInt8]
        var minNTime: UInt32
        var nbits: UInt32
    }

    private struct PendingSubmit {
        var token: UInt64
        var deadline: Instant
    }

    /// The version bits a v2 job may roll when it allows rolling (BIP320, sv2-spec §5.3.16: the
    /// miner may roll bits 13–28).
    public static let versionRollingMask: UInt32 = VersionRolling.standardMask
    /// The extranonce the daemon asks an extended channel for (its engine rolls at most 16 bytes).
    public static let requestedExtranonceSize: UInt16 = 8
    /// Most jobs kept (future and valid) per session.
    static let maximumJobs = 64

    public let configuration: StratumSessionConfiguration
    public private(set) var phase: Phase = .idle
    public private(set) var channel: Channel?
    public private(set) var authorizedAt: Instant?
    public private(set) var closeReason: SessionCloseReason?
    /// SetNewPrevHash messages so far (each makes every earlier job stale): shares carry it back.
    public private(set) var jobGeneration: UInt64 = 0
    /// Frames that did not decode, messages for channels not ours, broken batch counts.
    public private(set) var protocolErrorCount = 0
    public private(set) var lastSuggestedDifficulty: Double?

    private var requestedKind: SV2ChannelKind
    /// The pool's SetupConnection.Success said REQUIRES_FIXED_VERSION (§5.3.1): no version bit is
    /// rolled on a standard channel's jobs (extended jobs say so each, `version_rolling_allowed`).
    private var fixedVersion = false
    private var retriedAsExtended = false
    private var setupDeadline: Instant?
    private var lastReceived: Instant?
    private var jobs: [UInt32: Job] = [:]
    /// Jobs valid on the current prevhash (a future job joins when its SetNewPrevHash comes).
    private var validJobs: Set<UInt32> = []
    private var prevHash: PrevHash?
    /// A SetNewPrevHash whose job has not arrived yet.
    private var waitingPrevHashJob: UInt32?
    private var latestJobID: UInt32?
    private var nextSequenceNumber: UInt32 = 0
    private var pending: [UInt32: PendingSubmit] = [:]
    private var hasJob = false

    public init(configuration: StratumSessionConfiguration, channel kind: SV2ChannelKind? = nil) {
        self.configuration = configuration
        self.requestedKind = kind ?? configuration.pool.stratumV2Channel
    }

    /// Submits waiting for their answer.
    public var pendingSubmitCount: Int { pending.count }

    public mutating func handle(_ event: Event) -> [Action] {
        if phase == .closed, case .closed = event { return [] }
        switch event {
        case .connected(let now):
            lastReceived = now
            return setUp(now: now)
        case .message(let message, let now):
            lastReceived = now
            return receive(message, now: now)
        case .malformedFrame(let why, let now):
            lastReceived = now
            protocolErrorCount += 1
            return close(.protocolViolation("malformed Stratum V2 message: \(why)"))
        case .tick(let now):
            return tick(now: now)
        case .submit(let share, let token, let now):
            return submit(share, token: token, now: now)
        case .suggestDifficulty(let value, let now):
            return updateChannel(difficulty: value, now: now)
        case .shuttingDown:
            // §5.3.9: the client may close a channel; the pool then stops sending it jobs at once.
            guard phase == .mining, let channel else { return [] }
            return [send(CloseChannel(channelID: channel.id, reasonCode: "shutdown"), "CloseChannel")]
        case .closed(let why):
            if closeReason == nil { closeReason = .connectionLost(why) }
            phase = .closed
            return resolveAllPending(.lost("connection closed before the pool answered"))
        }
    }

    // MARK: - Setting up

    private mutating func setUp(now: Instant) -> [Action] {
        phase = .settingUp
        setupDeadline = now + configuration.client.timers.subscribeTimeout
        let endpoint = PoolEndpoint(url: configuration.poolURL)
        // Version rolling is what the engine does. No REQUIRES_STANDARD_JOBS (§5.3.1): a standard
        // channel here also takes extended jobs sent to its group channel (`emit`), so a pool that
        // serves only extended channels need not refuse the connection.
        let flags = MiningSetupFlags.requiresVersionRolling
        let setup = SetupConnection(
            flags: flags, endpointHost: Self.string(endpoint?.host ?? ""), endpointPort: UInt16(clamping: endpoint?.port ?? 0),
            vendor: "SwiftMiner", hardwareVersion: "cpu", firmware: Self.string(configuration.client.userAgent),
            deviceID: Self.string(configuration.client.workerName))
        return [send(setup, "SetupConnection")]
    }

    private mutating func openChannel() -> [Action] {
        phase = .openingChannel
        let user = Self.string(configuration.client.user)
        let rate = nominalHashRate()
        switch requestedKind {
        case .standard:
            return [send(OpenStandardMiningChannel(requestID: 1, userIdentity: user, nominalHashRate: rate, maxTarget: .max),
                         "OpenStandardMiningChannel")]
        case .extended:
            return [send(OpenExtendedMiningChannel(requestID: 2, userIdentity: user, nominalHashRate: rate, maxTarget: .max,
                                                   minExtranonceSize: Self.requestedExtranonceSize),
                         "OpenExtendedMiningChannel")]
        }
    }

    private mutating func opened(_ opened: Channel, now: Instant) -> [Action] {
        channel = opened
        phase = .mining
        authorizedAt = now
        setupDeadline = nil
        let url = configuration.poolURL
        let (extranonce1, extranonce2Size) = Self.extranonceSplit(opened)
        var actions: [Action] = [
            .emit(.subscribed(url: url, extranonce1: extranonce1, extranonce2Size: extranonce2Size, resumed: false)),
            .emit(.authorized(worker: configuration.client.user)),
            .emit(.versionRollingMask(Self.versionRollingMask)),
            .emit(.difficulty(Difficulty.of(target: opened.target))),
        ]
        if let wanted = configuration.suggestedDifficulty, case .auto = configuration.pool.difficultySuggestion {
            lastSuggestedDifficulty = wanted
        }
        actions += emitWaitingJob(now: now)
        return actions
    }

    // MARK: - Messages

    private mutating func receive(_ message: SV2AnyMessage, now: Instant) -> [Action] {
        switch message {
        case .setupConnectionSuccess(let success):
            guard phase == .settingUp else { return unexpected("SetupConnection.Success") }
            fixedVersion = success.flags & MiningSetupSuccessFlags.requiresFixedVersion != 0
            if requestedKind == .standard, success.flags & MiningSetupSuccessFlags.requiresExtendedChannels != 0 {
                requestedKind = .extended
                return [.emit(.poolMessage("the pool requires extended channels; opening an extended channel"))] + openChannel()
            }
            if requestedKind == .standard, fixedVersion {
                // A standard job with a fixed version leaves 2^32 nonces (the engine does not roll
                // ntime): an extended channel gives an extranonce to roll instead.
                requestedKind = .extended
                return [.emit(.poolMessage("the pool fixes the block version; opening an extended channel to roll the extranonce"))]
                    + openChannel()
            }
            return openChannel()
        case .setupConnectionError(let error):
            return close(.subscribeFailed("the pool refused SetupConnection: \(error.errorCode.text)"))
        case .openStandardMiningChannelSuccess(let success):
            guard phase == .openingChannel, requestedKind == .standard else { return unexpected("OpenStandardMiningChannel.Success") }
            return opened(Channel(id: success.channelID, kind: .standard, groupID: success.groupChannelID,
                                  target: Self.target(success.target), extranoncePrefix: success.extranoncePrefix,
                                  extranonceSize: 0), now: now)
        case .openExtendedMiningChannelSuccess(let success):
            guard phase == .openingChannel, requestedKind == .extended else { return unexpected("OpenExtendedMiningChannel.Success") }
            return openedExtended(success, now: now)
        case .openMiningChannelError(let error):
            // Only an answer to our open request: once mining (or closed) a stray one must neither
            // reopen a channel nor revive the session.
            guard phase == .openingChannel else { return unexpected("OpenMiningChannel.Error") }
            return channelRefused(error.errorCode.text)
        case .newMiningJob(let job):
            guard isOurs(job.channelID) else { return notOurs() }
            return store(Job(id: job.jobID, version: job.version, versionRollingAllowed: !fixedVersion,
                             work: .standard(merkleRoot: job.merkleRoot.littleEndianBytes), minNTime: job.minNTime), now: now)
        case .newExtendedMiningJob(let job):
            guard isOurs(job.channelID) else { return notOurs() }
            return store(Job(id: job.jobID, version: job.version, versionRollingAllowed: job.versionRollingAllowed,
                             work: .extended(coinbasePrefix: job.coinbaseTxPrefix, coinbaseSuffix: job.coinbaseTxSuffix,
                                             merklePath: job.merklePath.map(\.littleEndianBytes)),
                             minNTime: job.minNTime), now: now)
        case .setNewPrevHash(let message):
            guard isOurs(message.channelID) else { return notOurs() }
            return newPrevHash(message, now: now)
        case .setTarget(let message):
            guard isOurs(message.channelID), var current = channel else { return notOurs() }
            current.target = Self.target(message.maximumTarget)
            channel = current
            return [.emit(.difficulty(Difficulty.of(target: current.target)))] + reissueLatestJob(now: now)
        case .setExtranoncePrefix(let message):
            guard isOurs(message.channelID), var current = channel else { return notOurs() }
            guard message.extranoncePrefix.count + current.extranonceSize <= 32 else {
                return close(.protocolViolation("SetExtranoncePrefix leaves no room for the extranonce"))
            }
            current.extranoncePrefix = message.extranoncePrefix
            channel = current
            // Jobs after it use the new prefix; shares for earlier jobs carry the old one and are refused here.
            return [.emit(.poolMessage("the pool set a new extranonce prefix"))]
        case .submitSharesSuccess(let success):
            guard isOurs(success.channelID) else { return notOurs() }
            return acknowledged(upTo: success.lastSequenceNumber, count: success.newSubmitsAcceptedCount)
        case .submitSharesError(let error):
            guard isOurs(error.channelID) else { return notOurs() }
            return refused(error)
        case .updateChannelError(let error):
            return [.emit(.poolMessage("the pool refused UpdateChannel: \(error.errorCode.text)"))]
        case .closeChannel(let message):
            guard isOurs(message.channelID) else { return notOurs() }
            return close(.connectionLost("the pool closed the channel: \(message.reasonCode.text)"))
        case .reconnect(let message):
            return reconnect(host: message.newHost.text, port: Int(message.newPort))
        case .unknown:
            return []  // §3.4.1: unknown messages are ignored (the decoder skipped exactly their bytes)
        case .setupConnection, .openStandardMiningChannel, .openExtendedMiningChannel, .submitSharesStandard,
             .submitSharesExtended, .updateChannel:
            return unexpected("a client's message")
        }
    }

    private mutating func openedExtended(_ success: OpenExtendedMiningChannelSuccess, now: Instant) -> [Action] {
        let size = Int(success.extranonceSize)
        guard size >= 1, size <= 32, success.extranoncePrefix.count + size <= 32 else {
            return close(.protocolViolation("extended channel with extranonce_size \(size) and a "
                + "\(success.extranoncePrefix.count)-byte prefix (at most 32 bytes in all)"))
        }
        return opened(Channel(id: success.channelID, kind: .extended, groupID: success.groupChannelID,
                              target: Self.target(success.target), extranoncePrefix: success.extranoncePrefix,
                              extranonceSize: size), now: now)
    }

    /// OpenMiningChannel.Error: a refused standard channel is asked for once more as extended; any
    /// other refusal (an unknown user, say) ends the session like a refused login.
    private mutating func channelRefused(_ code: String) -> [Action] {
        if requestedKind == .standard, !retriedAsExtended {
            retriedAsExtended = true
            requestedKind = .extended
            return [.emit(.poolMessage("the pool refused a standard channel (\(code)); opening an extended channel"))]
                + openChannel()
        }
        return close(.authorizationFailed("the pool refused to open a mining channel: \(code)"))
    }

    private func isOurs(_ channelID: UInt32) -> Bool {
        guard let channel else { return false }
        return channelID == channel.id || (channel.groupID != 0 && channelID == channel.groupID)
    }

    private mutating func notOurs() -> [Action] {
        protocolErrorCount += 1
        return []
    }

    private mutating func unexpected(_ what: String) -> [Action] {
        protocolErrorCount += 1
        return [.emit(.protocolError("unexpected \(what) from the pool (session \(phase))"))]
    }

    // MARK: - Jobs

    private mutating func store(_ job: Job, now: Instant) -> [Action] {
        if jobs.count >= Self.maximumJobs, let oldest = jobs.keys.filter({ !validJobs.contains($0) }).min() ?? jobs.keys.min() {
            jobs.removeValue(forKey: oldest)
            validJobs.remove(oldest)
        }
        jobs[job.id] = job
        if job.minNTime != nil {
            // Valid at once on the current prevhash (§5.3.6: not a future job).
            guard prevHash != nil else { return [] }
            validJobs.insert(job.id)
            return emit(job, clean: false, now: now)
        }
        if waitingPrevHashJob == job.id { return emitWaitingJob(now: now) }
        return []
    }

    private mutating func newPrevHash(_ message: SetNewPrevHash, now: Instant) -> [Action] {
        prevHash = PrevHash(bytes: message.prevHash.littleEndianBytes, minNTime: message.minNTime, nbits: message.nbits)
        jobGeneration += 1
        // Every job sent before it is stale, except future jobs still waiting for their prevhash.
        for id in validJobs where id != message.jobID { jobs.removeValue(forKey: id) }
        validJobs = []
        let stale = pending.count
        waitingPrevHashJob = message.jobID
        var actions = emitWaitingJob(now: now)
        if stale > 0 { actions.append(.emit(.poolMessage("new block: \(stale) share(s) in flight may be stale"))) }
        return actions
    }

    /// The job a SetNewPrevHash named, once both it and the channel are there.
    private mutating func emitWaitingJob(now: Instant) -> [Action] {
        guard phase == .mining, let id = waitingPrevHashJob, let job = jobs[id], prevHash != nil else { return [] }
        waitingPrevHashJob = nil
        validJobs.insert(id)
        return emit(job, clean: true, now: now)
    }

    /// SetTarget applies to the channel at once (§5.3.18): the latest job goes out again at the new
    /// target (same work: the engine keeps its place and only the target changes).
    private mutating func reissueLatestJob(now: Instant) -> [Action] {
        guard let id = latestJobID, validJobs.contains(id), let job = jobs[id] else { return [] }
        return emit(job, clean: false, now: now)
    }

    private mutating func emit(_ job: Job, clean: Bool, now: Instant) -> [Action] {
        guard let channel, let prevHash, phase == .mining else { return [] }
        let ntime = max(prevHash.minNTime, job.minNTime ?? 0)
        let notify: MiningNotify
        var extranonce1: [UInt8] = []
        var extranonce2Size = 0
        var fixedRoot: [UInt8]?
        switch (job.work, channel.kind) {
        case (.standard(let root), _):
            notify = MiningNotify(jobID: String(job.id), prevHash: prevHash.bytes, coinbase1: [], coinbase2: [], merkleBranch: [],
                                  version: job.version, nbits: prevHash.nbits, ntime: ntime, cleanJobs: clean)
            fixedRoot = root
        case (.extended(let prefix, let suffix, let path), .standard):
            // An extended job for our standard channel's group: the channel's prefix is the whole
            // extranonce (§5.2.1), so the merkle root is ours to compute once.
            let coinbase = prefix + channel.extranoncePrefix + suffix
            let root = Merkle.root(coinbaseHash: SHA256.hashTwice(coinbase), branch: path)
            notify = MiningNotify(jobID: String(job.id), prevHash: prevHash.bytes, coinbase1: [], coinbase2: [], merkleBranch: [],
                                  version: job.version, nbits: prevHash.nbits, ntime: ntime, cleanJobs: clean)
            fixedRoot = root
        case (.extended(let prefix, let suffix, let path), .extended):
            notify = MiningNotify(jobID: String(job.id), prevHash: prevHash.bytes, coinbase1: prefix, coinbase2: suffix,
                                  merkleBranch: path, version: job.version, nbits: prevHash.nbits, ntime: ntime, cleanJobs: clean)
            (extranonce1, extranonce2Size) = Self.extranonceSplit(channel)
        }
        latestJobID = job.id
        hasJob = true
        return [.emit(.job(JobAssignment(
            notify: notify, epoch: configuration.epoch, jobGeneration: jobGeneration, extranonce1: extranonce1,
            extranonce2Size: extranonce2Size, difficulty: Difficulty.of(target: channel.target),
            versionMask: job.versionRollingAllowed ? Self.versionRollingMask : nil, isClean: clean,
            poolURL: configuration.poolURL, receivedAt: now, shareTarget: channel.target, fixedMerkleRoot: fixedRoot)))]
    }

    /// An extended channel's extranonce as the engine sees it: the pool's prefix (with zero bytes
    /// in front of the miner's part when the pool grants more than the engine rolls) and the
    /// rolled part. Standard channels roll no extranonce.
    static func extranonceSplit(_ channel: Channel) -> (extranonce1: [UInt8], extranonce2Size: Int) {
        guard channel.kind == .extended else { return ([], 0) }
        let rolled = min(channel.extranonceSize, MiningJob.maxExtranonce2Size)
        return (channel.extranoncePrefix + [UInt8](repeating: 0, count: channel.extranonceSize - rolled), rolled)
    }

    // MARK: - Shares

    private mutating func submit(_ share: ShareSubmission, token: UInt64, now: Instant) -> [Action] {
        func lost(_ why: String) -> [Action] { [.resolve(token: token, .lost(why))] }
        guard share.epoch == configuration.epoch else { return lost("not sent: found on an earlier connection") }
        guard phase == .mining, let channel else { return lost("not sent: no open channel") }
        guard let id = UInt32(share.jobID), let job = jobs[id], validJobs.contains(id),
              share.jobGeneration == jobGeneration else {
            return [.resolve(token: token, .rejected(.stale, message: "not sent: a new block (SetNewPrevHash) replaced job \(share.jobID.prefix(64))"))]
        }
        let mask = job.versionRollingAllowed ? Self.versionRollingMask : 0
        let version = share.versionBits.map { VersionRolling.apply(version: job.version, bits: $0, mask: mask) } ?? job.version
        if let hash = headerHash(job, share: share, version: version, channel: channel), hash > channel.target {
            // Found against the easier target before SetTarget: the pool would refuse it.
            return [.resolve(token: token, .rejected(.stale, message: "not sent: below the target the pool set since (SetTarget)"))]
        }
        let sequence = nextSequenceNumber
        nextSequenceNumber &+= 1
        let frame: SV2Frame
        let name: String
        switch channel.kind {
        case .standard:
            guard share.extranonce1.isEmpty, share.extranonce2.isEmpty else { return lost("not sent: a standard channel has no extranonce") }
            frame = Self.frame(SubmitSharesStandard(channelID: channel.id, sequenceNumber: sequence, jobID: id, nonce: share.nonce,
                                                    ntime: share.ntime, version: version))
            name = "SubmitShares.Standard"
        case .extended:
            let (extranonce1, size) = Self.extranonceSplit(channel)
            guard share.extranonce1 == extranonce1, share.extranonce2.count == size else {
                return lost("not sent: extranonce of another prefix")
            }
            let extranonce = Array(share.extranonce1.dropFirst(channel.extranoncePrefix.count)) + share.extranonce2
            frame = Self.frame(SubmitSharesExtended(channelID: channel.id, sequenceNumber: sequence, jobID: id, nonce: share.nonce,
                                                    ntime: share.ntime, version: version, extranonce: extranonce))
            name = "SubmitShares.Extended"
        }
        pending[sequence] = PendingSubmit(token: token, deadline: now + configuration.client.timers.submitTimeout)
        return [.send(frame, name: name)]
    }

    /// The share's header hash as a number, rebuilt from the job (nil when the share's extranonce
    /// does not fit the channel: the checks below refuse it).
    private func headerHash(_ job: Job, share: ShareSubmission, version: UInt32, channel: Channel) -> UInt256? {
        guard let prevHash else { return nil }
        let root: [UInt8]
        switch (job.work, channel.kind) {
        case (.standard(let merkleRoot), _):
            root = merkleRoot
        case (.extended(let prefix, let suffix, let path), .standard):
            root = Merkle.root(coinbaseHash: SHA256.hashTwice(prefix + channel.extranoncePrefix + suffix), branch: path)
        case (.extended(let prefix, let suffix, let path), .extended):
            root = Merkle.root(coinbaseHash: SHA256.hashTwice(prefix + share.extranonce1 + share.extranonce2 + suffix), branch: path)
        }
        let header = BlockHeader(version: version, prevHash: prevHash.bytes, merkleRoot: root, ntime: share.ntime,
                                 nbits: prevHash.nbits, nonce: share.nonce)
        return UInt256(littleEndianBytes: header.hash)
    }

    /// SubmitShares.Success: every share up to `last` that is still pending was accepted (§5.3.14: a
    /// pool may answer a batch at once; errors come one by one, before).
    private mutating func acknowledged(upTo last: UInt32, count: UInt32) -> [Action] {
        let answered = pending.keys.filter { Self.sequence($0, isAtOrBefore: last) }.sorted()
        var actions: [Action] = answered.compactMap { sequence in
            pending.removeValue(forKey: sequence).map { .resolve(token: $0.token, .accepted) }
        }
        if answered.count != Int(count) {
            protocolErrorCount += 1
            actions.append(.emit(.protocolError("SubmitShares.Success up to \(last) counts \(count) accepted shares; "
                + "\(answered.count) were pending")))
        }
        return actions
    }

    /// SubmitShares.Error: the one share it names was refused, for the reason its code maps to.
    private mutating func refused(_ error: SubmitSharesError) -> [Action] {
        guard let answered = pending.removeValue(forKey: error.sequenceNumber) else {
            protocolErrorCount += 1
            return [.emit(.protocolError("SubmitShares.Error for sequence number \(error.sequenceNumber), which is not pending"))]
        }
        let code = error.errorCode.text
        return [.resolve(token: answered.token, .rejected(SV2ErrorCode.rejectReason(code), message: code))]
    }

    /// Sequence numbers wrap at 2^32: `a` is at or before `b` when it lies in the half before it.
    static func sequence(_ a: UInt32, isAtOrBefore b: UInt32) -> Bool { b &- a < 1 << 31 }

    private mutating func updateChannel(difficulty: Double, now: Instant) -> [Action] {
        guard case .auto = configuration.pool.difficultySuggestion, difficulty.isFinite, difficulty > 0 else { return [] }
        guard phase == .mining, let channel else { return [] }
        if let last = lastSuggestedDifficulty,
           max(last / difficulty, difficulty / last) < configuration.client.suggestDifficultyMinimumChange { return [] }
        lastSuggestedDifficulty = difficulty
        let rate = Float(Self.hashRate(difficulty: difficulty))
        return [send(UpdateChannel(channelID: channel.id, nominalHashRate: rate, maximumTarget: .max), "UpdateChannel")]
    }

    /// The nominal hash rate the channel is opened with: from the difficulty the worker measured
    /// on earlier sessions when there is one, else a CPU's order of magnitude (10 MH/s).
    private func nominalHashRate() -> Float {
        guard let difficulty = configuration.suggestedDifficulty, difficulty.isFinite, difficulty > 0 else { return 10e6 }
        return Float(Self.hashRate(difficulty: difficulty))
    }

    /// The hash rate that finds one share of `difficulty` every target share interval (the inverse
    /// of `AutoSuggestedDifficulty.difficulty`).
    static func hashRate(difficulty: Double) -> Double {
        difficulty * Difficulty.hashesPerDifficultyOneShare / DifficultySuggestion.defaultTargetShareInterval
    }

    // MARK: - Timers, reconnect, close

    private mutating func tick(now: Instant) -> [Action] {
        var actions: [Action] = []
        for (sequence, submit) in pending where submit.deadline <= now {
            pending.removeValue(forKey: sequence)
            actions.append(.resolve(token: submit.token, .lost("no answer to SubmitShares in time")))
        }
        if let deadline = setupDeadline, now >= deadline {
            return actions + close(.requestTimeout(method: phase == .settingUp ? "SetupConnection" : "OpenMiningChannel"))
        }
        if let last = lastReceived, now - last >= configuration.client.timers.idleTimeout {
            return actions + close(.idleTimeout)
        }
        if let limit = configuration.client.timers.jobTimeout, !hasJob, let since = authorizedAt, now - since >= limit {
            return actions + [.emit(.protocolError("no job within \(limit) of opening the channel; reconnecting"))]
                + close(.noJob(after: limit))
        }
        return actions
    }

    private mutating func reconnect(host: String, port: Int) -> [Action] {
        let configuredHost = PoolEndpoint(url: configuration.pool.url)?.host ?? ""
        let currentHost = PoolEndpoint(url: configuration.poolURL)?.host ?? configuredHost
        // §3.6.4: an empty new_host means the same host; port 0 the same port.
        let target = ReconnectTarget.decide(host: host.isEmpty ? nil : host, port: port == 0 ? nil : port,
                                            configuredHost: configuredHost, currentHost: currentHost,
                                            allowAnyHost: configuration.pool.allowReconnectToOtherHost)
        var actions: [Action] = []
        if !target.followed {
            actions.append(.emit(.poolMessage("Reconnect to \(host.isEmpty ? "same host" : host):\(port == 0 ? "same port" : String(port)) "
                + "refused (outside \(configuredHost)'s domain); reconnecting to the configured pool")))
        }
        actions.append(.scheduleReconnect(after: .zero, host: target.host, port: target.port))
        return actions + close(.reconnectRequested)
    }

    private mutating func close(_ reason: SessionCloseReason) -> [Action] {
        guard phase != .closed else { return [] }
        closeReason = reason
        phase = .closed
        return resolveAllPending(.lost("connection closed: \(reason)")) + [.close(reason)]
    }

    private mutating func resolveAllPending(_ result: ShareResult) -> [Action] {
        let all = pending.values.sorted { $0.token < $1.token }
        pending = [:]
        return all.map { .resolve(token: $0.token, result) }
    }

    // MARK: - Encoding

    private func send(_ message: some SV2Message, _ name: String) -> Action { .send(Self.frame(message), name: name) }

    static func frame(_ message: some SV2Message) -> SV2Frame {
        // Every field this session writes is within its type's bounds, so encoding cannot fail.
        (try? message.frame()) ?? SV2Frame(isChannelMessage: false, messageType: type(of: message).messageType, payload: [])
    }

    /// A STR0_255 of `text`, cut to 255 bytes at a character boundary.
    static func string(_ text: String) -> SV2String {
        var cut = Substring(text)
        while cut.utf8.count > 255 { cut.removeLast() }
        return (try? SV2String(String(cut))) ?? ""
    }

    static func target(_ value: SV2U256) -> UInt256 { UInt256(littleEndianBytes: value.littleEndianBytes) ?? .max }
}
