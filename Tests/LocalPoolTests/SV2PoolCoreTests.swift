import LocalPool
import MiningCore
import StratumV2Protocol
import XCTest

/// The Stratum V2 pool's state machine (`SV2PoolCore`) with plaintext frames: connection setup,
/// channel opening, jobs and prevhashes, and exact share judging.
final class SV2PoolCoreTests: XCTestCase {
    /// Difficulty 2^-30: the target's top two bits are clear, so one nonce in four is a share.
    static let easyDifficulty = 0x1p-30

    private func makeHarness(standardChannels: Bool = true, batchSuccesses: Int = 1,
                             difficulty: Double = easyDifficulty) throws -> SV2CoreHarness {
        var harness = SV2CoreHarness(SV2LocalPoolConfiguration(initialDifficulty: difficulty,
                                                               standardChannels: standardChannels,
                                                               batchSuccesses: batchSuccesses))
        let answer = try harness.send(SV2CoreHarness.setupConnection())
        guard case .setupConnectionSuccess(let success)? = answer.first else {
            XCTFail("expected SetupConnection.Success, got \(answer)")
            throw XCTSkip("no setup")
        }
        XCTAssertEqual(success.usedVersion, 2)
        return harness
    }

    private func openStandard(_ harness: inout SV2CoreHarness, requestID: UInt32 = 7) throws -> SV2TestWork {
        let answer = try harness.send(OpenStandardMiningChannel(requestID: requestID, userIdentity: "tester.std",
                                                                nominalHashRate: 1e6, maxTarget: .max))
        guard case .openStandardMiningChannelSuccess(let success)? = answer.first else {
            XCTFail("expected OpenStandardMiningChannel.Success, got \(answer)")
            throw XCTSkip("no channel")
        }
        var work = SV2TestWork(channelID: success.channelID,
                               target: UInt256(littleEndianBytes: success.target.littleEndianBytes)!,
                               extranoncePrefix: success.extranoncePrefix, extranonceSize: 0)
        work.apply(answer)
        return work
    }

    private func openExtended(_ harness: inout SV2CoreHarness, minExtranonceSize: UInt16 = 4) throws -> SV2TestWork {
        let answer = try harness.send(OpenExtendedMiningChannel(requestID: 9, userIdentity: "tester.ext", nominalHashRate: 1e9,
                                                                maxTarget: .max, minExtranonceSize: minExtranonceSize))
        guard case .openExtendedMiningChannelSuccess(let success)? = answer.first else {
            XCTFail("expected OpenExtendedMiningChannel.Success, got \(answer)")
            throw XCTSkip("no channel")
        }
        var work = SV2TestWork(channelID: success.channelID,
                               target: UInt256(littleEndianBytes: success.target.littleEndianBytes)!,
                               extranoncePrefix: success.extranoncePrefix, extranonceSize: Int(success.extranonceSize))
        work.apply(answer)
        return work
    }

    /// A standard share meeting the channel's target, for the active job.
    private func share(_ work: SV2TestWork, sequence: UInt32, from start: UInt32 = 0) throws -> SubmitSharesStandard {
        let jobID = try XCTUnwrap(work.activeJobID)
        let nonce = try XCTUnwrap(work.findNonce(jobID: jobID, from: start) { $0 <= work.target })
        return SubmitSharesStandard(channelID: work.channelID, sequenceNumber: sequence, jobID: jobID, nonce: nonce,
                                    ntime: work.minNTime, version: work.standardJobs[jobID]!.version)
    }

    private func errorCode(_ messages: [SV2AnyMessage]) -> String? {
        for case .submitSharesError(let error) in messages { return error.errorCode.text }
        return nil
    }

    // MARK: Setup

    func testSetupConnectionRefusesOtherProtocolsAndVersions() throws {
        var harness = SV2CoreHarness(SV2LocalPoolConfiguration())
        let answer = try harness.send(SV2CoreHarness.setupConnection(subProtocol: SetupConnection.SubProtocol.jobDeclaration))
        guard case .setupConnectionError(let error)? = answer.first else { return XCTFail("got \(answer)") }
        XCTAssertEqual(error.errorCode.text, SV2PoolErrorCode.unsupportedProtocol)
        XCTAssertTrue(harness.closed)

        var versions = SV2CoreHarness(SV2LocalPoolConfiguration())
        let versionAnswer = try versions.send(SV2CoreHarness.setupConnection(minVersion: 3, maxVersion: 4))
        guard case .setupConnectionError(let versionError)? = versionAnswer.first else { return XCTFail("got \(versionAnswer)") }
        XCTAssertEqual(versionError.errorCode.text, SV2PoolErrorCode.protocolVersionMismatch)
        XCTAssertEqual(versionError.flags, 0)
    }

    func testUnsupportedFlagsAreListedInTheError() throws {
        var harness = SV2CoreHarness(SV2LocalPoolConfiguration(standardChannels: false))
        let flags = MiningSetupFlags.requiresWorkSelection | MiningSetupFlags.requiresStandardJobs
            | MiningSetupFlags.requiresVersionRolling
        let answer = try harness.send(SV2CoreHarness.setupConnection(flags: flags))
        guard case .setupConnectionError(let error)? = answer.first else { return XCTFail("got \(answer)") }
        XCTAssertEqual(error.errorCode.text, SV2PoolErrorCode.unsupportedFeatureFlags)
        // §3.6.3: every flag the server does not support, and only those (version rolling is fine).
        XCTAssertEqual(error.flags, MiningSetupFlags.requiresWorkSelection | MiningSetupFlags.requiresStandardJobs)
        XCTAssertTrue(harness.closed)
    }

    func testExtendedChannelAskingForTooLargeAnExtranonceIsRefused() throws {
        var harness = try makeHarness()
        let answer = try harness.send(OpenExtendedMiningChannel(requestID: 3, userIdentity: "x", nominalHashRate: 0,
                                                                maxTarget: .max, minExtranonceSize: 17))
        guard case .openMiningChannelError(let error)? = answer.first else { return XCTFail("got \(answer)") }
        XCTAssertEqual(error.errorCode.text, SV2PoolErrorCode.unsupportedMinExtranonceSize)
        // 16 bytes are granted exactly.
        let work = try openExtended(&harness, minExtranonceSize: 16)
        XCTAssertEqual(work.extranonceSize, 16)
    }

    func testMessagesBeforeSetupCloseTheConnection() throws {
        var harness = SV2CoreHarness(SV2LocalPoolConfiguration())
        let answer = try harness.send(OpenStandardMiningChannel(requestID: 1, userIdentity: "x", nominalHashRate: 0, maxTarget: .max))
        XCTAssertTrue(answer.isEmpty)
        XCTAssertTrue(harness.closed)
    }

    // MARK: Channels and jobs

    func testStandardChannelGetsSuccessThenFutureJobThenPrevHash() throws {
        var harness = try makeHarness()
        let answer = try harness.send(OpenStandardMiningChannel(requestID: 42, userIdentity: "tester", nominalHashRate: 1e6,
                                                                maxTarget: .max))
        XCTAssertEqual(answer.count, 3, "\(answer)")
        guard case .openStandardMiningChannelSuccess(let success)? = answer.first,
              case .newMiningJob(let job) = answer[1], case .setNewPrevHash(let prev) = answer[2] else {
            return XCTFail("expected Success, NewMiningJob, SetNewPrevHash; got \(answer)")
        }
        XCTAssertEqual(success.requestID, 42)
        XCTAssertEqual(success.extranoncePrefix.count, 12, "4 unique bytes + 8 filler: the whole extranonce")
        XCTAssertNotEqual(success.groupChannelID, success.channelID)
        XCTAssertEqual(success.target.littleEndianBytes, Difficulty.target(for: Self.easyDifficulty)!.littleEndianBytes)
        XCTAssertEqual(job.channelID, success.channelID)
        XCTAssertNil(job.minNTime, "the first job is a future job")
        XCTAssertEqual(prev.jobID, job.jobID)
        XCTAssertEqual(prev.nbits, 0x207f_ffff)

        // A second channel gets a different prefix, hence a different merkle root for the same job.
        let other = try harness.send(OpenStandardMiningChannel(requestID: 43, userIdentity: "tester", nominalHashRate: 1e6,
                                                               maxTarget: .max))
        guard case .openStandardMiningChannelSuccess(let second)? = other.first, case .newMiningJob(let secondJob) = other[1] else {
            return XCTFail("got \(other)")
        }
        XCTAssertNotEqual(second.channelID, success.channelID)
        XCTAssertNotEqual(second.extranoncePrefix, success.extranoncePrefix)
        XCTAssertNotEqual(secondJob.merkleRoot, job.merkleRoot)
        XCTAssertEqual(harness.core.stats.channelsOpened[.standard], 2)
    }

    func testStandardChannelsRefusedWhenThePoolRequiresExtendedChannels() throws {
        var harness = SV2CoreHarness(SV2LocalPoolConfiguration(standardChannels: false))
        let setup = try harness.send(SV2CoreHarness.setupConnection())
        guard case .setupConnectionSuccess(let success)? = setup.first else { return XCTFail("got \(setup)") }
        XCTAssertEqual(success.flags & MiningSetupSuccessFlags.requiresExtendedChannels, MiningSetupSuccessFlags.requiresExtendedChannels)
        let answer = try harness.send(OpenStandardMiningChannel(requestID: 5, userIdentity: "x", nominalHashRate: 0, maxTarget: .max))
        guard case .openMiningChannelError(let error)? = answer.first else { return XCTFail("got \(answer)") }
        XCTAssertEqual(answer.count, 1, "no job for a refused channel")
        XCTAssertEqual(error.requestID, 5)
        XCTAssertEqual(error.errorCode.text, SV2PoolErrorCode.unsupportedChannelType)
        XCTAssertEqual(harness.core.stats.channelsRefused[SV2PoolErrorCode.unsupportedChannelType], 1)
        // Extended channels still open.
        _ = try openExtended(&harness)
        XCTAssertEqual(harness.core.stats.channelsOpened[.extended], 1)
    }

    // MARK: Shares

    func testStandardShareAcceptedThenDuplicate() throws {
        var harness = try makeHarness()
        let work = try openStandard(&harness)
        let submit = try share(work, sequence: 1)
        let answer = try harness.send(submit)
        guard case .submitSharesSuccess(let success)? = answer.first else { return XCTFail("got \(answer)") }
        XCTAssertEqual(success.channelID, work.channelID)
        XCTAssertEqual(success.lastSequenceNumber, 1)
        XCTAssertEqual(success.newSubmitsAcceptedCount, 1)

        var again = submit
        again.sequenceNumber = 2
        XCTAssertEqual(errorCode(try harness.send(again)), SV2PoolErrorCode.duplicateShare)
        XCTAssertEqual(harness.core.stats.accepted, 1)
        XCTAssertEqual(harness.core.stats.acceptedByChannelKind[.standard], 1)
        XCTAssertEqual(harness.core.stats.rejectedByErrorCode[SV2PoolErrorCode.duplicateShare], 1)
        XCTAssertEqual(harness.verdicts.map(\.errorCode), [nil, SV2PoolErrorCode.duplicateShare])
    }

    func testShareAboveTargetIsTooLowDifficulty() throws {
        var harness = try makeHarness()
        let work = try openStandard(&harness)
        let jobID = try XCTUnwrap(work.activeJobID)
        let nonce = try XCTUnwrap(work.findNonce(jobID: jobID) { $0 > work.target })
        let answer = try harness.send(SubmitSharesStandard(channelID: work.channelID, sequenceNumber: 1, jobID: jobID,
                                                           nonce: nonce, ntime: work.minNTime, version: 0x2000_0000))
        XCTAssertEqual(errorCode(answer), SV2PoolErrorCode.difficultyTooLow)
    }

    func testShareForJobBeforeCleanJobIsStale() throws {
        var harness = try makeHarness()
        var work = try openStandard(&harness)
        let old = try share(work, sequence: 1)
        let now = harness.now
        let sent = harness.take(harness.core.newJob(clean: true, now: now + 5).1)
        // A clean job: a future NewMiningJob and the SetNewPrevHash that activates it.
        guard case .newMiningJob(let job)? = sent.first, case .setNewPrevHash(let prev) = sent.last else {
            return XCTFail("got \(sent)")
        }
        XCTAssertNil(job.minNTime)
        XCTAssertEqual(prev.jobID, job.jobID)
        XCTAssertEqual(errorCode(try harness.send(old)), SV2PoolErrorCode.staleShare)

        // The new job takes shares.
        work.apply(sent)
        let fresh = try share(work, sequence: 2)
        guard case .submitSharesSuccess? = try harness.send(fresh).first else { return XCTFail("fresh share refused") }
    }

    func testNonCleanJobIsActiveAtOnceAndEarlierJobsStayValid() throws {
        var harness = try makeHarness()
        var work = try openStandard(&harness)
        let earlier = try share(work, sequence: 1)
        let now = harness.now
        let sent = harness.take(harness.core.newJob(clean: false, now: now + 1).1)
        guard sent.count == 1, case .newMiningJob(let job) = sent[0] else { return XCTFail("got \(sent)") }
        XCTAssertNotNil(job.minNTime, "a job on the current prevhash is active at once")
        work.apply(sent)
        XCTAssertEqual(work.activeJobID, job.jobID)
        guard case .submitSharesSuccess? = try harness.send(earlier).first else { return XCTFail("earlier job no longer valid") }
        guard case .submitSharesSuccess? = try harness.send(try share(work, sequence: 2)).first else {
            return XCTFail("new job refused")
        }
    }

    func testUnknownJobAndWrongChannel() throws {
        var harness = try makeHarness()
        let work = try openStandard(&harness)
        var submit = try share(work, sequence: 1)
        submit.jobID = 0xdead
        XCTAssertEqual(errorCode(try harness.send(submit)), SV2PoolErrorCode.invalidJobID)
        var wrong = try share(work, sequence: 2)
        wrong.channelID = 0xbeef
        XCTAssertEqual(errorCode(try harness.send(wrong)), SV2PoolErrorCode.invalidChannelID)
        XCTAssertEqual(harness.core.stats.rejected, 2)
        XCTAssertEqual(harness.core.stats.rejectedByChannelKind[.standard], 1, "the unknown channel has no kind")
    }

    func testVersionOutsideTheRollingBitsIsRefused() throws {
        var harness = try makeHarness()
        let work = try openStandard(&harness)
        var submit = try share(work, sequence: 1)
        submit.version ^= 0x0000_0001  // not a BIP320 bit
        XCTAssertEqual(errorCode(try harness.send(submit)), SV2PoolErrorCode.invalidVersion)

        // Rolled general purpose bits are fine when the hash meets the target.
        let jobID = try XCTUnwrap(work.activeJobID)
        let rolled: UInt32 = 0x2000_0000 | 0x0000_6000
        let header = try XCTUnwrap(work.header(jobID: jobID, nonce: 0, version: rolled))
        var nonce: UInt32 = 0
        var probe = header
        while true {
            probe.nonce = nonce
            if UInt256(littleEndianBytes: probe.hash)! <= work.target { break }
            nonce += 1
        }
        let answer = try harness.send(SubmitSharesStandard(channelID: work.channelID, sequenceNumber: 2, jobID: jobID,
                                                           nonce: nonce, ntime: work.minNTime, version: rolled))
        guard case .submitSharesSuccess? = answer.first else { return XCTFail("rolled version refused: \(answer)") }
    }

    func testSetTargetJudgesAtTheNewTargetExactly() throws {
        var harness = try makeHarness()
        var work = try openStandard(&harness)
        let jobID = try XCTUnwrap(work.activeJobID)
        let oldTarget = work.target
        let newTarget = try XCTUnwrap(Difficulty.target(for: 0x1p-24))
        // A hash meeting the old target but not the new one.
        let between = try XCTUnwrap(work.findNonce(jobID: jobID) { $0 <= oldTarget && $0 > newTarget })
        let sent = harness.take(try XCTUnwrap(harness.core.setTarget(difficulty: 0x1p-24)))
        guard case .setTarget(let set)? = sent.first else { return XCTFail("got \(sent)") }
        XCTAssertEqual(set.channelID, work.channelID)
        XCTAssertEqual(set.maximumTarget.littleEndianBytes, newTarget.littleEndianBytes)
        work.apply(sent)
        XCTAssertEqual(work.target, newTarget)
        let answer = try harness.send(SubmitSharesStandard(channelID: work.channelID, sequenceNumber: 1, jobID: jobID,
                                                           nonce: between, ntime: work.minNTime, version: 0x2000_0000))
        XCTAssertEqual(errorCode(answer), SV2PoolErrorCode.difficultyTooLow)
        // A share meeting the new target is accepted.
        guard case .submitSharesSuccess? = try harness.send(try share(work, sequence: 2)).first else {
            return XCTFail("share at the new target refused")
        }
    }

    func testExtendedChannelShareWithTheMinersExtranonce() throws {
        var harness = try makeHarness()
        let work = try openExtended(&harness, minExtranonceSize: 4)
        XCTAssertEqual(work.extranoncePrefix.count, 4)
        XCTAssertEqual(work.extranonceSize, 8, "the pool's usual size when less is asked")
        let jobID = try XCTUnwrap(work.activeJobID)
        XCTAssertEqual(work.extendedJobs[jobID]?.versionRollingAllowed, true)
        let extranonce: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8]
        let nonce = try XCTUnwrap(work.findNonce(jobID: jobID, extranonce: extranonce) { $0 <= work.target })
        let submit = SubmitSharesExtended(channelID: work.channelID, sequenceNumber: 1, jobID: jobID, nonce: nonce,
                                          ntime: work.minNTime, version: 0x2000_0000, extranonce: extranonce)
        let answer = try harness.send(submit)
        guard case .submitSharesSuccess(let success)? = answer.first else { return XCTFail("got \(answer)") }
        XCTAssertEqual(success.newSubmitsAcceptedCount, 1)
        XCTAssertEqual(harness.core.stats.acceptedByChannelKind[.extended], 1)

        // The same nonce with another extranonce is another header: judged on its own hash.
        var other = submit
        other.sequenceNumber = 2
        other.extranonce = [8, 7, 6, 5, 4, 3, 2, 1]
        let otherHash = UInt256(littleEndianBytes: try XCTUnwrap(work.header(jobID: jobID, extranonce: other.extranonce,
                                                                             nonce: nonce)).hash)!
        let verdict = errorCode(try harness.send(other))
        XCTAssertEqual(verdict, otherHash <= work.target ? nil : SV2PoolErrorCode.difficultyTooLow)

        // A short extranonce and a standard share on the extended channel are refused.
        var short = submit
        short.sequenceNumber = 3
        short.extranonce = [1, 2, 3]
        XCTAssertEqual(errorCode(try harness.send(short)), SV2PoolErrorCode.invalidExtranonceSize)
        let standard = SubmitSharesStandard(channelID: work.channelID, sequenceNumber: 4, jobID: jobID, nonce: nonce,
                                            ntime: work.minNTime, version: 0x2000_0000)
        XCTAssertEqual(errorCode(try harness.send(standard)), SV2PoolErrorCode.invalidChannelID)
    }

    func testSuccessesAreBatched() throws {
        var harness = try makeHarness(batchSuccesses: 2)
        let work = try openStandard(&harness)
        var successes: [SubmitSharesSuccess] = []
        var nonce: UInt32 = 0
        for sequence in UInt32(1)...3 {
            let submit = try share(work, sequence: sequence, from: nonce)
            nonce = submit.nonce + 1
            for case .submitSharesSuccess(let success) in try harness.send(submit) { successes.append(success) }
        }
        XCTAssertEqual(successes.count, 1, "two shares make a batch; the third waits")
        XCTAssertEqual(successes.first?.newSubmitsAcceptedCount, 2)
        XCTAssertEqual(successes.first?.lastSequenceNumber, 2)
        for case .submitSharesSuccess(let success) in harness.take(harness.core.flushSuccesses()) { successes.append(success) }
        XCTAssertEqual(successes.map(\.newSubmitsAcceptedCount), [2, 1])
        XCTAssertEqual(successes.last?.lastSequenceNumber, 3)
        XCTAssertEqual(successes.reduce(0) { $0 + $1.newSubmitsAcceptedCount }, 3)
        XCTAssertEqual(harness.core.stats.accepted, 3)
        XCTAssertEqual(harness.core.stats.successMessagesSent, 2)
    }

    // MARK: Channel upkeep and control

    func testUpdateChannelLowersTheTargetAndCloseChannelForgetsIt() throws {
        var harness = try makeHarness()
        let work = try openStandard(&harness)
        let lower = try XCTUnwrap(Difficulty.target(for: 1))
        let answer = try harness.send(UpdateChannel(channelID: work.channelID, nominalHashRate: 5e6,
                                                    maximumTarget: SV2U256(littleEndianBytes: lower.littleEndianBytes)!))
        guard case .setTarget(let set)? = answer.first else { return XCTFail("got \(answer)") }
        XCTAssertEqual(set.maximumTarget.littleEndianBytes, lower.littleEndianBytes)
        XCTAssertEqual(harness.core.nominalHashRate(channel: work.channelID), 5e6)

        let unknown = try harness.send(UpdateChannel(channelID: 999, nominalHashRate: 1, maximumTarget: .max))
        guard case .updateChannelError(let error)? = unknown.first else { return XCTFail("got \(unknown)") }
        XCTAssertEqual(error.errorCode.text, SV2PoolErrorCode.invalidChannelID)

        XCTAssertTrue(try harness.send(CloseChannel(channelID: work.channelID, reasonCode: "bye")).isEmpty)
        XCTAssertNil(harness.core.target(channel: work.channelID))
        XCTAssertEqual(errorCode(try harness.send(try share(work, sequence: 1))), SV2PoolErrorCode.invalidChannelID)
    }

    func testReconnectAndUnknownMessages() throws {
        var harness = try makeHarness()
        let unknown = SV2Frame(extensionType: 0, isChannelMessage: false, messageType: 0x7e, payload: [1, 2, 3])
        XCTAssertTrue(harness.take(harness.core.handle(unknown, session: harness.session, now: harness.now)).isEmpty)
        XCTAssertFalse(harness.closed)
        let sent = harness.take(harness.core.reconnect(host: "127.0.0.2", port: 3337))
        guard case .reconnect(let reconnect)? = sent.first else { return XCTFail("got \(sent)") }
        XCTAssertEqual(reconnect.newHost.text, "127.0.0.2")
        XCTAssertEqual(reconnect.newPort, 3337)
    }
}
