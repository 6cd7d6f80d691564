import MiningCore
import PoolSettings
@testable import StratumClient
import StratumProtocol
import StratumV2Protocol
import XCTest

/// The Stratum V2 session, pure: what it sends and emits for each pool message, and how shares
/// are answered (one by one, batched, refused, stale).
final class SV2ClientSessionTests: XCTestCase {
    static let url = "stratum2+tcp://127.0.0.1:3336/9bXiEd8boQVhq7WddEcERUL5tyyJVFYdU8th3HfbNXK3Yw6GRXh"
    let t0 = ContinuousClock.now

    func makeSession(kind: SV2ChannelKind = .standard) -> SV2ClientSession {
        SV2ClientSession(configuration: StratumSessionConfiguration(
            pool: PoolConfiguration(url: Self.url, stratumV2Channel: kind),
            client: .sessionTest(user: "bc1qworker.rig1", password: "unused", userAgent: "swiftminer/test",
                                 timers: ConnectionTimers(subscribeTimeout: .seconds(10), idleTimeout: .seconds(120), jobTimeout: nil,
                                                          submitTimeout: .seconds(30))),
            epoch: 3))
    }

    func sent(_ actions: [SV2ClientSession.Action]) -> [SV2AnyMessage] {
        actions.compactMap { if case .send(let frame, _) = $0 { try? SV2AnyMessage(frame: frame) } else { nil } }
    }

    func events(_ actions: [SV2ClientSession.Action]) -> [StratumClientEvent] {
        actions.compactMap { if case .emit(let event) = $0 { event } else { nil } }
    }

    func jobs(_ actions: [SV2ClientSession.Action]) -> [JobAssignment] {
        events(actions).compactMap { if case .job(let job) = $0 { job } else { nil } }
    }

    func receive(_ session: inout SV2ClientSession, _ message: SV2AnyMessage) -> [SV2ClientSession.Action] {
        session.handle(.message(message, now: t0))
    }

    static let prevHash = SV2U256(littleEndianBytes: (0..<32).map { UInt8($0) })!
    static let root = SV2U256(littleEndianBytes: (0..<32).map { UInt8(0xA0 &+ $0) })!

    /// SetupConnection → standard channel (target `target`) → future job 5 + SetNewPrevHash.
    func openStandard(target: SV2U256 = .max) -> (SV2ClientSession, [SV2ClientSession.Action]) {
        var session = makeSession()
        let setup = sent(session.handle(.connected(now: t0)))
        guard case .setupConnection(let message)? = setup.first else { XCTFail("no SetupConnection"); return (session, []) }
        XCTAssertEqual(message.subProtocol, SetupConnection.SubProtocol.mining)
        XCTAssertEqual(message.minVersion, 2)
        XCTAssertEqual(message.flags, MiningSetupFlags.requiresVersionRolling, "no REQUIRES_STANDARD_JOBS: group jobs are understood")
        XCTAssertEqual(message.endpointPort, 3336)
        let open = sent(receive(&session, .setupConnectionSuccess(SetupConnectionSuccess(usedVersion: 2, flags: 0))))
        guard case .openStandardMiningChannel(let request)? = open.first else { XCTFail("no OpenStandardMiningChannel"); return (session, []) }
        XCTAssertEqual(request.userIdentity.text, "bc1qworker.rig1")
        var actions = receive(&session, .openStandardMiningChannelSuccess(OpenStandardMiningChannelSuccess(
            requestID: request.requestID, channelID: 7, target: target, extranoncePrefix: [1, 2, 3, 4, 5, 6, 7, 8], groupChannelID: 1)))
        actions += receive(&session, .newMiningJob(NewMiningJob(channelID: 7, jobID: 5, minNTime: nil, version: 0x2000_0000, merkleRoot: Self.root)))
        actions += receive(&session, .setNewPrevHash(SetNewPrevHash(channelID: 7, jobID: 5, prevHash: Self.prevHash,
                                                                    minNTime: 1_700_000_000, nbits: 0x1d00_ffff)))
        return (session, actions)
    }

    func share(job: JobAssignment, nonce: UInt32, versionBits: UInt32? = 0x0000_2000) -> ShareSubmission {
        ShareSubmission(jobID: job.notify.jobID, epoch: job.epoch, jobGeneration: job.jobGeneration, extranonce1: job.extranonce1,
                        extranonce2: [UInt8](repeating: 0, count: job.extranonce2Size), ntime: job.notify.ntime, nonce: nonce,
                        versionBits: versionBits)
    }

    func testStandardChannelOpensAndTheFutureJobStartsOnItsPrevHash() throws {
        let (_, actions) = openStandard()
        let emitted = events(actions)
        XCTAssertTrue(emitted.contains(.subscribed(url: Self.url, extranonce1: [], extranonce2Size: 0, resumed: false)))
        XCTAssertTrue(emitted.contains(.authorized(worker: "bc1qworker.rig1")))
        XCTAssertTrue(emitted.contains(.versionRollingMask(0x1fff_e000)))
        let job = try XCTUnwrap(jobs(actions).first)
        XCTAssertEqual(jobs(actions).count, 1, "the future job waits for its SetNewPrevHash, then goes out once")
        XCTAssertTrue(job.isClean)
        XCTAssertEqual(job.notify.jobID, "5")
        XCTAssertEqual(job.notify.prevHash, Self.prevHash.littleEndianBytes)
        XCTAssertEqual(job.notify.ntime, 1_700_000_000)
        XCTAssertEqual(job.notify.nbits, 0x1d00_ffff)
        XCTAssertEqual(job.fixedMerkleRoot, Self.root.littleEndianBytes)
        XCTAssertEqual(job.shareTarget, .max)
        XCTAssertEqual(job.epoch, 3)
        // The header the engine builds carries the pool's merkle root.
        let mining = try MiningJob(notify: job.notify, extranonce1: [], extranonce2Size: 0, shareTarget: .max,
                                   versionMask: job.versionMask ?? 0, fixedMerkleRoot: job.fixedMerkleRoot)
        XCTAssertEqual(mining.header(extranonce2: [], nonce: 9).merkleRoot, Self.root.littleEndianBytes)
    }

    func testStandardShareCarriesTheRolledVersionAndIsAcceptedOnSuccess() throws {
        var (session, actions) = openStandard()
        let job = try XCTUnwrap(jobs(actions).first)
        let submit = session.handle(.submit(share(job: job, nonce: 0xDEAD_BEEF), token: 11, now: t0))
        guard case .submitSharesStandard(let message)? = sent(submit).first else { return XCTFail("no SubmitShares.Standard") }
        XCTAssertEqual(message.channelID, 7)
        XCTAssertEqual(message.jobID, 5)
        XCTAssertEqual(message.nonce, 0xDEAD_BEEF)
        XCTAssertEqual(message.ntime, 1_700_000_000)
        XCTAssertEqual(message.version, 0x2000_2000)
        let answer = receive(&session, .submitSharesSuccess(SubmitSharesSuccess(channelID: 7, lastSequenceNumber: message.sequenceNumber,
                                                                                newSubmitsAcceptedCount: 1, newSharesSum: 1)))
        XCTAssertEqual(answer, [.resolve(token: 11, .accepted)])
        XCTAssertEqual(session.pendingSubmitCount, 0)
    }

    func testBatchedSuccessAcceptsEveryShareUpToItsSequenceNumberAndErrorsMapToRejectReasons() throws {
        var (session, actions) = openStandard()
        let job = try XCTUnwrap(jobs(actions).first)
        var sequences: [UInt32] = []
        for token in UInt64(1)...4 {
            guard case .submitSharesStandard(let m)? = sent(session.handle(.submit(share(job: job, nonce: UInt32(token)), token: token, now: t0))).first
            else { return XCTFail("share \(token) not sent") }
            sequences.append(m.sequenceNumber)
        }
        XCTAssertEqual(receive(&session, .submitSharesError(SubmitSharesError(channelID: 7, sequenceNumber: sequences[1], errorCode: "difficulty-too-low"))),
                       [.resolve(token: 2, .rejected(.lowDifficulty, message: "difficulty-too-low"))])
        let batch = receive(&session, .submitSharesSuccess(SubmitSharesSuccess(channelID: 7, lastSequenceNumber: sequences[2],
                                                                               newSubmitsAcceptedCount: 2, newSharesSum: 2)))
        XCTAssertEqual(batch, [.resolve(token: 1, .accepted), .resolve(token: 3, .accepted)])
        XCTAssertEqual(session.pendingSubmitCount, 1, "share 4 is after the batch's last sequence number")
        XCTAssertEqual(session.protocolErrorCount, 0)
        // A count that disagrees with what was pending is reported, and the shares are still answered.
        let odd = receive(&session, .submitSharesSuccess(SubmitSharesSuccess(channelID: 7, lastSequenceNumber: sequences[3],
                                                                             newSubmitsAcceptedCount: 5, newSharesSum: 5)))
        XCTAssertTrue(odd.contains(.resolve(token: 4, .accepted)))
        XCTAssertEqual(session.protocolErrorCount, 1)
    }

    func testErrorCodesMapToTheDaemonsRejectReasons() {
        XCTAssertEqual(SV2ErrorCode.rejectReason("stale-share"), .stale)
        XCTAssertEqual(SV2ErrorCode.rejectReason("invalid-job-id"), .stale)
        XCTAssertEqual(SV2ErrorCode.rejectReason("difficulty-too-low"), .lowDifficulty)
        XCTAssertEqual(SV2ErrorCode.rejectReason("duplicate-share"), .duplicate)
        XCTAssertEqual(SV2ErrorCode.rejectReason("invalid-channel-id"), .notSubscribed)
        XCTAssertEqual(SV2ErrorCode.rejectReason("something-new"), .other)
    }

    func testSetNewPrevHashMakesSharesOfEarlierJobsStaleBeforeTheyAreSent() throws {
        var (session, actions) = openStandard()
        let old = try XCTUnwrap(jobs(actions).first)
        _ = receive(&session, .newMiningJob(NewMiningJob(channelID: 7, jobID: 6, minNTime: nil, version: 0x2000_0000, merkleRoot: Self.root)))
        let next = receive(&session, .setNewPrevHash(SetNewPrevHash(channelID: 7, jobID: 6, prevHash: Self.root,
                                                                    minNTime: 1_700_000_600, nbits: 0x1d00_ffff)))
        let job = try XCTUnwrap(jobs(next).first)
        XCTAssertTrue(job.isClean)
        XCTAssertEqual(job.jobGeneration, old.jobGeneration + 1)
        let answer = session.handle(.submit(share(job: old, nonce: 1), token: 9, now: t0))
        guard case .resolve(9, .rejected(.stale, _))? = answer.first else { return XCTFail("expected stale, got \(answer)") }
        XCTAssertTrue(sent(answer).isEmpty)
    }

    func testAJobWithMinNTimeIsValidAtOnceWithoutACleanSwitch() throws {
        var (session, _) = openStandard()
        let actions = receive(&session, .newMiningJob(NewMiningJob(channelID: 7, jobID: 8, minNTime: 1_700_000_100, version: 0x2000_0000,
                                                                   merkleRoot: Self.prevHash)))
        let job = try XCTUnwrap(jobs(actions).first)
        XCTAssertFalse(job.isClean)
        XCTAssertEqual(job.notify.ntime, 1_700_000_100)
    }

    func testSetTargetAppliesAtOnceAndASharBelowTheNewTargetIsNotSent() throws {
        var (session, actions) = openStandard()
        let job = try XCTUnwrap(jobs(actions).first)
        let hard = SV2U256(littleEndianBytes: [UInt8](repeating: 0, count: 31) + [0x00])!  // nothing meets it
        let retarget = receive(&session, .setTarget(SetTarget(channelID: 7, maximumTarget: hard)))
        let reissued = try XCTUnwrap(jobs(retarget).first)
        XCTAssertEqual(reissued.notify.jobID, job.notify.jobID)
        XCTAssertFalse(reissued.isClean)
        XCTAssertEqual(reissued.shareTarget, .zero)
        let answer = session.handle(.submit(share(job: job, nonce: 3), token: 4, now: t0))
        guard case .resolve(4, .rejected(.stale, _))? = answer.first else { return XCTFail("expected refusal, got \(answer)") }
        XCTAssertTrue(sent(answer).isEmpty)
    }

    func testARefusedStandardChannelIsRetriedAsExtendedAndExtendedSharesCarryTheExtranonce() throws {
        var session = makeSession()
        _ = session.handle(.connected(now: t0))
        _ = receive(&session, .setupConnectionSuccess(SetupConnectionSuccess(usedVersion: 2, flags: 0)))
        let retry = receive(&session, .openMiningChannelError(OpenMiningChannelError(requestID: 1, errorCode: "unsupported-channel-type")))
        guard case .openExtendedMiningChannel(let request)? = sent(retry).first else { return XCTFail("no extended retry: \(retry)") }
        XCTAssertEqual(request.minExtranonceSize, 8)
        var actions = receive(&session, .openExtendedMiningChannelSuccess(OpenExtendedMiningChannelSuccess(
            requestID: request.requestID, channelID: 9, target: .max, extranonceSize: 20, extranoncePrefix: [0xAA, 0xBB], groupChannelID: 0)))
        XCTAssertTrue(events(actions).contains(.subscribed(url: Self.url, extranonce1: [0xAA, 0xBB, 0, 0, 0, 0], extranonce2Size: 16,
                                                           resumed: false)),
                      "20 bytes granted: 4 fixed zero bytes after the prefix, 16 rolled by the engine")
        actions += receive(&session, .newExtendedMiningJob(NewExtendedMiningJob(
            channelID: 9, jobID: 1, minNTime: nil, version: 0x2000_0000, versionRollingAllowed: false,
            merklePath: [Self.root], coinbaseTxPrefix: [1, 2, 3], coinbaseTxSuffix: [4, 5])))
        actions += receive(&session, .setNewPrevHash(SetNewPrevHash(channelID: 9, jobID: 1, prevHash: Self.prevHash, minNTime: 5, nbits: 0x1d00_ffff)))
        let job = try XCTUnwrap(jobs(actions).first)
        XCTAssertEqual(job.notify.coinbase1, [1, 2, 3])
        XCTAssertEqual(job.notify.coinbase2, [4, 5])
        XCTAssertEqual(job.notify.merkleBranch, [Self.root.littleEndianBytes])
        XCTAssertNil(job.versionMask, "version rolling not allowed for this job")
        XCTAssertNil(job.fixedMerkleRoot)
        var found = share(job: job, nonce: 77, versionBits: nil)
        found = ShareSubmission(jobID: found.jobID, epoch: found.epoch, jobGeneration: found.jobGeneration, extranonce1: found.extranonce1,
                                extranonce2: (1...16).map { UInt8($0) }, ntime: found.ntime, nonce: 77, versionBits: nil)
        guard case .submitSharesExtended(let message)? = sent(session.handle(.submit(found, token: 1, now: t0))).first else {
            return XCTFail("no SubmitShares.Extended")
        }
        XCTAssertEqual(message.extranonce, [0, 0, 0, 0] + (1...16).map { UInt8($0) })
        XCTAssertEqual(message.version, 0x2000_0000)
    }

    func testAPoolThatRequiresExtendedChannelsGetsOneAtOnce() throws {
        var session = makeSession()
        _ = session.handle(.connected(now: t0))
        let open = receive(&session, .setupConnectionSuccess(SetupConnectionSuccess(
            usedVersion: 2, flags: MiningSetupSuccessFlags.requiresExtendedChannels)))
        guard case .openExtendedMiningChannel? = sent(open).first else { return XCTFail("expected an extended channel: \(open)") }
    }

    /// REQUIRES_FIXED_VERSION in SetupConnection.Success: no version bit may be rolled, so a standard
    /// channel would leave only the nonce; the session opens an extended channel (an extranonce to
    /// roll), and a standard job that still comes (to its group) rolls no version bit.
    func testAPoolThatRequiresAFixedVersionGetsAnExtendedChannelAndNoRolledBits() throws {
        var session = makeSession()
        _ = session.handle(.connected(now: t0))
        let open = receive(&session, .setupConnectionSuccess(SetupConnectionSuccess(
            usedVersion: 2, flags: MiningSetupSuccessFlags.requiresFixedVersion)))
        guard case .openExtendedMiningChannel? = sent(open).first else { return XCTFail("expected an extended channel: \(open)") }
        var actions = receive(&session, .openExtendedMiningChannelSuccess(OpenExtendedMiningChannelSuccess(
            requestID: 2, channelID: 7, target: .max, extranonceSize: 8, extranoncePrefix: [1], groupChannelID: 0)))
        actions += receive(&session, .newMiningJob(NewMiningJob(channelID: 7, jobID: 5, minNTime: nil, version: 0x2000_0000, merkleRoot: Self.root)))
        actions += receive(&session, .setNewPrevHash(SetNewPrevHash(channelID: 7, jobID: 5, prevHash: Self.prevHash, minNTime: 1, nbits: 0x1d00_ffff)))
        XCTAssertNil(try XCTUnwrap(jobs(actions).first).versionMask)
    }

    func testAnExtendedJobForTheGroupOfAStandardChannelGetsItsMerkleRootComputed() throws {
        var (session, _) = openStandard()
        let actions = receive(&session, .newExtendedMiningJob(NewExtendedMiningJob(
            channelID: 1, jobID: 40, minNTime: 1_700_000_001, version: 0x2000_0000, versionRollingAllowed: true,
            merklePath: [], coinbaseTxPrefix: [9, 9], coinbaseTxSuffix: [8])))
        let job = try XCTUnwrap(jobs(actions).first)
        XCTAssertEqual(job.fixedMerkleRoot, SHA256.hashTwice([9, 9, 1, 2, 3, 4, 5, 6, 7, 8, 8]),
                       "coinbase = prefix ‖ the channel's whole extranonce ‖ suffix; no branch: the root is its hash")
    }

    func testReconnectFollowsTheSameHostAndClosesTheSession() {
        var (session, _) = openStandard()
        let actions = receive(&session, .reconnect(Reconnect(newHost: "", newPort: 3337)))
        XCTAssertTrue(actions.contains(.scheduleReconnect(after: .zero, host: nil, port: 3337)))
        XCTAssertTrue(actions.contains(.close(.reconnectRequested)))
        XCTAssertEqual(session.phase, .closed)
    }

    func testPendingSharesAreLostWhenTheConnectionClosesOrTheySeeNoAnswer() throws {
        var (session, actions) = openStandard()
        let job = try XCTUnwrap(jobs(actions).first)
        _ = session.handle(.submit(share(job: job, nonce: 1), token: 1, now: t0))
        let late = session.handle(.tick(now: t0 + .seconds(31)))
        XCTAssertEqual(late, [.resolve(token: 1, .lost("no answer to SubmitShares in time"))])
        _ = session.handle(.submit(share(job: job, nonce: 2), token: 2, now: t0))
        guard case .resolve(2, .lost)? = session.handle(.closed("peer closed")).first else { return XCTFail("share 2 not lost") }
    }

    func testSetupErrorAndRefusedChannelsEndTheSessionWithAReason() {
        var session = makeSession(kind: .extended)
        _ = session.handle(.connected(now: t0))
        _ = receive(&session, .setupConnectionSuccess(SetupConnectionSuccess(usedVersion: 2, flags: 0)))
        let refused = receive(&session, .openMiningChannelError(OpenMiningChannelError(requestID: 2, errorCode: "unknown-user")))
        XCTAssertEqual(refused.last, .close(.authorizationFailed("the pool refused to open a mining channel: unknown-user")))
        var other = makeSession()
        _ = other.handle(.connected(now: t0))
        let setup = receive(&other, .setupConnectionError(SetupConnectionError(flags: 0, errorCode: "unsupported-protocol")))
        XCTAssertEqual(setup.last, .close(.subscribeFailed("the pool refused SetupConnection: unsupported-protocol")))
    }

    func testNoSetupAnswerInTimeClosesTheConnection() {
        var session = makeSession()
        _ = session.handle(.connected(now: t0))
        XCTAssertEqual(session.handle(.tick(now: t0 + .seconds(11))).last, .close(.requestTimeout(method: "SetupConnection")))
    }

    /// The worker's automatic difficulty wish becomes UpdateChannel's nominal hash rate (the rate
    /// that finds one share of that difficulty per target interval), sent again only on a big change.
    func testTheWorkersDifficultyWishIsSentAsUpdateChannel() throws {
        var (session, _) = openStandard()
        let sentNow = sent(session.handle(.suggestDifficulty(0.5, now: t0)))
        guard case .updateChannel(let update)? = sentNow.first else { return XCTFail("no UpdateChannel: \(sentNow)") }
        XCTAssertEqual(update.channelID, 7)
        XCTAssertEqual(Double(update.nominalHashRate), 0.5 * 4_294_967_296 / 10, accuracy: 32, "an F32: 24 bits of precision")
        XCTAssertEqual(update.maximumTarget, .max)
        XCTAssertTrue(session.handle(.suggestDifficulty(0.6, now: t0)).isEmpty, "less than the minimum change")
        XCTAssertEqual(sent(session.handle(.suggestDifficulty(2, now: t0))).count, 1)
        var fixed = SV2ClientSession(configuration: StratumSessionConfiguration(
            pool: PoolConfiguration(url: Self.url, suggestDifficulty: 64), client: .sessionTest(user: "u", password: "p", userAgent: "t"),
            epoch: 1))
        XCTAssertTrue(fixed.handle(.suggestDifficulty(0.5, now: t0)).isEmpty, "only pools set to auto")
    }

    /// SetExtranoncePrefix: jobs after it carry the new prefix; a share still built on the old one is
    /// never sent with a prefix the pool no longer gives this channel.
    func testANewExtranoncePrefixAppliesToTheNextJobs() throws {
        var session = makeSession(kind: .extended)
        _ = session.handle(.connected(now: t0))
        _ = receive(&session, .setupConnectionSuccess(SetupConnectionSuccess(usedVersion: 2, flags: 0)))
        var actions = receive(&session, .openExtendedMiningChannelSuccess(OpenExtendedMiningChannelSuccess(
            requestID: 2, channelID: 9, target: .max, extranonceSize: 8, extranoncePrefix: [1, 1], groupChannelID: 0)))
        actions += receive(&session, .newExtendedMiningJob(NewExtendedMiningJob(
            channelID: 9, jobID: 1, minNTime: nil, version: 0x2000_0000, versionRollingAllowed: true,
            merklePath: [], coinbaseTxPrefix: [1], coinbaseTxSuffix: [2])))
        actions += receive(&session, .setNewPrevHash(SetNewPrevHash(channelID: 9, jobID: 1, prevHash: Self.prevHash, minNTime: 5, nbits: 0x1d00_ffff)))
        let old = try XCTUnwrap(jobs(actions).first)
        XCTAssertEqual(old.extranonce1, [1, 1])
        _ = receive(&session, .setExtranoncePrefix(SetExtranoncePrefix(channelID: 9, extranoncePrefix: [2, 2])))
        let next = receive(&session, .newExtendedMiningJob(NewExtendedMiningJob(
            channelID: 9, jobID: 2, minNTime: 6, version: 0x2000_0000, versionRollingAllowed: true,
            merklePath: [], coinbaseTxPrefix: [1], coinbaseTxSuffix: [2])))
        XCTAssertEqual(try XCTUnwrap(jobs(next).first).extranonce1, [2, 2])
        let answer = session.handle(.submit(share(job: old, nonce: 1), token: 5, now: t0))
        guard case .resolve(5, .lost)? = answer.first else { return XCTFail("expected lost, got \(answer)") }
        XCTAssertTrue(sent(answer).isEmpty)
    }

    func testShuttingDownClosesTheChannelFirst() throws {
        var (session, _) = openStandard()
        guard case .closeChannel(let close)? = sent(session.handle(.shuttingDown)).first else { return XCTFail("no CloseChannel") }
        XCTAssertEqual(close.channelID, 7)
        XCTAssertEqual(close.reasonCode.text, "shutdown")
        var fresh = makeSession()
        XCTAssertTrue(fresh.handle(.shuttingDown).isEmpty, "no channel yet: nothing to close")
    }

    func testMessagesForAnotherChannelAreCountedAndIgnored() throws {
        var (session, _) = openStandard()
        XCTAssertEqual(receive(&session, .setTarget(SetTarget(channelID: 99, maximumTarget: .zero))), [])
        XCTAssertEqual(session.protocolErrorCount, 1)
    }
}
