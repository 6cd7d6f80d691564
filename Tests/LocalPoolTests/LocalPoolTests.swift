import Foundation
import LocalPool
import MiningCore
import StratumProtocol
import XCTest

/// About 1 hash in 43 meets this target (2^32 / 10^8), so brute-force searches stay short.
let easyDifficulty = 1e-8

final class LocalPoolTests: XCTestCase {
    private var pools: [LocalPool] = []

    override func tearDown() async throws {
        for pool in pools { await pool.stop() }
        pools = []
    }

    private func startPool(_ configure: (inout LocalPoolConfiguration) -> Void = { _ in }) async throws -> (LocalPool, Int) {
        var configuration = LocalPoolConfiguration(initialDifficulty: easyDifficulty, jobInterval: 0)
        configure(&configuration)
        let pool = LocalPool(configuration: configuration)
        pools.append(pool)
        let port = try await pool.start()
        XCTAssertGreaterThan(port, 0)
        return (pool, port)
    }

    private func authorizedClient(port: Int, worker: String = "worker", password: String = "x",
                                  configureVersionRolling: Bool = false) throws -> (TestClient, MinerSession) {
        let client = try TestClient(port: port)
        var mask: UInt32 = 0
        if configureVersionRolling {
            let response = try client.request("mining.configure", [["version-rolling"], ["version-rolling.mask": "ffffffff"]])
            mask = WireEncoding.uint32(fromHex: response["result"]?["version-rolling.mask"]?.stringValue ?? "") ?? 0
        }
        let session = try client.subscribe(versionMask: mask)
        XCTAssertAccepted(try client.request("mining.authorize", [.string(worker), .string(password)]))
        return (client, session)
    }

    private func extranonce2(_ session: MinerSession, _ value: UInt8 = 1) -> [UInt8] {
        [UInt8](repeating: 0, count: session.extranonce2Size - 1) + [value]
    }

    // MARK: Subscribe and jobs

    func testSubscribeGivesExtranonceDifficultyAndJob() async throws {
        let (pool, port) = try await startPool()
        let client = try TestClient(port: port)
        let response = try client.request("mining.subscribe", ["test/1.0"])
        let result = try XCTUnwrap(response["result"]?.arrayValue)
        XCTAssertEqual(result.count, 3)
        let subscriptions = try XCTUnwrap(result[0].arrayValue)
        XCTAssertEqual(subscriptions.compactMap { $0.arrayValue?.first?.stringValue }, ["mining.set_difficulty", "mining.notify"])
        XCTAssertEqual(result[1].stringValue?.count, 8)
        XCTAssertEqual(result[2].integerValue, 4)
        // set_difficulty comes before the first notify.
        let difficulty = try client.nextNotification("mining.set_difficulty")
        XCTAssertEqual(difficulty.first?.doubleValue, easyDifficulty)
        let notify = try MiningNotify(params: try client.nextNotification("mining.notify"))
        XCTAssertEqual(notify.version, 0x2000_0000)
        XCTAssertEqual(notify.nbits, 0x207f_ffff)
        XCTAssertTrue(notify.cleanJobs)
        XCTAssertLessThanOrEqual(abs(Int64(notify.ntime) - Int64(Date().timeIntervalSince1970)), 5)
        XCTAssertEqual(notify.jobID, pool.currentJob?.jobID)

        // A second session gets a different extranonce1.
        let other = try TestClient(port: port)
        let otherSession = try other.subscribe()
        XCTAssertNotEqual(Hex.encode(otherSession.extranonce1), result[1].stringValue)
    }

    func testGeneratedCoinbaseAndMerkleBranchMatchTheFullTree() async throws {
        let (pool, port) = try await startPool()
        let (client, session) = try authorizedClient(port: port)
        _ = client
        let poolJob = try XCTUnwrap(pool.job(id: session.job.jobID))
        XCTAssertGreaterThanOrEqual(poolJob.transactionIDs.count, 2)
        XCTAssertEqual(poolJob.merkleBranch, session.job.notify.merkleBranch)
        XCTAssertEqual(WireEncoding.wirePrevHash(fromHeader: poolJob.prevHash).count, 64)
        let extranonce2: [UInt8] = [0xde, 0xad, 0xbe, 0xef]
        let coinbase = session.job.notify.coinbase1 + session.extranonce1 + extranonce2 + session.job.notify.coinbase2
        let txid = SHA256.hashTwice(coinbase)
        let fullRoot = Merkle.root(leaves: [txid] + poolJob.transactionIDs)
        XCTAssertEqual(Merkle.root(coinbaseHash: txid, branch: session.job.notify.merkleBranch), fullRoot)
        XCTAssertEqual(session.job.merkleRoot(extranonce2: extranonce2), fullRoot)

        // A plausible serialized transaction: version 1, one null-prevout input whose scriptSig
        // starts with the BIP 34 height push and holds the extranonce, one output, lock time 0.
        XCTAssertEqual(Array(coinbase[0..<4]), [1, 0, 0, 0])
        XCTAssertEqual(coinbase[4], 1)
        XCTAssertEqual(Array(coinbase[5..<37]), [UInt8](repeating: 0, count: 32))
        XCTAssertEqual(Array(coinbase[37..<41]), [0xff, 0xff, 0xff, 0xff])
        let scriptLength = Int(coinbase[41])
        let script = Array(coinbase[42..<(42 + scriptLength)])
        XCTAssertEqual(script[0], 3)
        let height = UInt32(script[1]) | UInt32(script[2]) << 8 | UInt32(script[3]) << 16
        XCTAssertEqual(height, poolJob.height)
        XCTAssertEqual(Int(script[4]), session.extranonce1.count + extranonce2.count)
        XCTAssertEqual(Array(script[5..<(5 + 8)]), session.extranonce1 + extranonce2)
        var offset = 42 + scriptLength
        XCTAssertEqual(Array(coinbase[offset..<(offset + 4)]), [0xff, 0xff, 0xff, 0xff])
        offset += 4
        XCTAssertEqual(coinbase[offset], 1)  // one output
        offset += 1 + 8
        let outputScriptLength = Int(coinbase[offset])
        offset += 1 + outputScriptLength
        XCTAssertEqual(Array(coinbase[offset...]), [0, 0, 0, 0])
    }

    // MARK: Shares

    func testMinedShareIsAcceptedAndEveryErrorCodeIsRight() async throws {
        let (pool, port) = try await startPool()
        let (client, session) = try authorizedClient(port: port)
        let job = session.job
        let en2 = extranonce2(session)
        let nonce = try XCTUnwrap(findValidNonce(job, extranonce2: en2))
        XCTAssertAccepted(try client.submit("worker", job: job, extranonce2: en2, nonce: nonce))
        // Duplicate.
        XCTAssertEqual(XCTAssertRejected(try client.submit("worker", job: job, extranonce2: en2, nonce: nonce), code: 22),
                       "Duplicate share")
        // The same nonce with an upper-case hex spelling is still the same share.
        let upper = try client.submit("worker", jobID: job.jobID, extranonce2: Hex.encode(en2).uppercased(),
                                      ntime: WireEncoding.hex(job.notify.ntime), nonce: WireEncoding.hex(nonce).uppercased())
        XCTAssertRejected(upper, code: 22)
        // Above the target.
        let bad = try XCTUnwrap(findInvalidNonce(job, extranonce2: en2))
        XCTAssertEqual(XCTAssertRejected(try client.submit("worker", job: job, extranonce2: en2, nonce: bad), code: 23),
                       "Low difficulty share")
        // Unknown job.
        XCTAssertEqual(XCTAssertRejected(try client.submit("worker", jobID: "nope", extranonce2: "00000001",
                                                           ntime: WireEncoding.hex(job.notify.ntime), nonce: "00000000"),
                                         code: 21), "Job not found")
        // Malformed fields → 20 with a specific message.
        let ntime = WireEncoding.hex(job.notify.ntime)
        let shortEn2 = XCTAssertRejected(try client.submit("worker", jobID: job.jobID, extranonce2: "000001", ntime: ntime,
                                                           nonce: "00000000"), code: 20)
        XCTAssertTrue(shortEn2?.contains("extranonce2") == true, shortEn2 ?? "")
        XCTAssertRejected(try client.submit("worker", jobID: job.jobID, extranonce2: "0000000001", ntime: ntime,
                                            nonce: "00000000"), code: 20)
        XCTAssertRejected(try client.submit("worker", jobID: job.jobID, extranonce2: "zz000001", ntime: ntime,
                                            nonce: "00000000"), code: 20)
        let shortNonce = XCTAssertRejected(try client.submit("worker", jobID: job.jobID, extranonce2: "00000001", ntime: ntime,
                                                             nonce: "000000"), code: 20)
        XCTAssertTrue(shortNonce?.contains("nonce") == true, shortNonce ?? "")
        XCTAssertRejected(try client.submit("worker", jobID: job.jobID, extranonce2: "00000001", ntime: "1234",
                                            nonce: "00000000"), code: 20)
        // ntime before the job's, and too far ahead.
        let early = XCTAssertRejected(try client.submit("worker", job: job, extranonce2: en2, nonce: nonce,
                                                        ntime: job.notify.ntime - 1), code: 20)
        XCTAssertTrue(early?.contains("ntime") == true, early ?? "")
        XCTAssertRejected(try client.submit("worker", job: job, extranonce2: en2, nonce: nonce,
                                            ntime: job.notify.ntime + 7200 + 600), code: 20)
        // A slightly later ntime is fine (another header, so not a duplicate).
        let later = job.notify.ntime + 1
        let laterNonce = try XCTUnwrap(findNonce(job, extranonce2: en2) {
            job.evaluate(extranonce2: en2, ntime: later, nonce: $0.header.nonce, versionBits: nil).meetsShareTarget
        })
        XCTAssertAccepted(try client.submit("worker", job: job, extranonce2: en2, nonce: laterNonce, ntime: later))
        // Version bits without negotiation.
        let noRolling = XCTAssertRejected(try client.submit("worker", job: job, extranonce2: en2, nonce: nonce,
                                                            versionBits: 0x2000), code: 20)
        XCTAssertTrue(noRolling?.contains("not negotiated") == true, noRolling ?? "")
        // Wrong param count / types.
        XCTAssertRejected(try client.request("mining.submit", ["worker", .string(job.jobID)]), code: 20)
        XCTAssertRejected(try client.request("mining.submit", ["worker", .string(job.jobID), 1, 2, 3]), code: 20)

        let stats = pool.stats
        XCTAssertEqual(stats.accepted, 2)
        XCTAssertEqual(stats.rejectedByReason[.duplicate], 2)
        XCTAssertEqual(stats.rejectedByReason[.lowDifficulty], 1)
        XCTAssertEqual(stats.rejectedByReason[.jobNotFound], 1)
        XCTAssertEqual(stats.rejectedByReason[.invalid], 10)
        XCTAssertEqual(stats.rejected, 14)
        XCTAssertEqual(stats.acceptedShares.count, 2)
        let first = try XCTUnwrap(stats.acceptedShares.first)
        XCTAssertEqual(first.jobID, job.jobID)
        XCTAssertEqual(first.extranonce2, Hex.encode(en2))
        XCTAssertEqual(first.nonce, nonce)
        XCTAssertEqual(first.ntime, job.notify.ntime)
        XCTAssertNil(first.versionBits)
        XCTAssertEqual(first.difficulty, easyDifficulty)
        XCTAssertTrue(first.meetsNetworkTarget)  // regtest nbits: every share is a block
        XCTAssertEqual(stats.sessions.first?.accepted, 2)
        XCTAssertEqual(stats.sessions.first?.rejected, 14)
    }

    func testSubmitBeforeSubscribeIs25() async throws {
        let (_, port) = try await startPool()
        let client = try TestClient(port: port)
        XCTAssertRejected(try client.submit("worker", jobID: "1", extranonce2: "00000000", ntime: "00000000",
                                            nonce: "00000000"), code: 25)
    }

    func testSubmitWithoutAuthorizeIs24() async throws {
        let (_, port) = try await startPool()
        let client = try TestClient(port: port)
        let session = try client.subscribe()
        let en2 = extranonce2(session)
        let nonce = try XCTUnwrap(findValidNonce(session.job, extranonce2: en2))
        XCTAssertRejected(try client.submit("worker", job: session.job, extranonce2: en2, nonce: nonce), code: 24)
        XCTAssertAccepted(try client.request("mining.authorize", ["worker", "x"]))
        XCTAssertRejected(try client.submit("other", job: session.job, extranonce2: en2, nonce: nonce), code: 24)
        XCTAssertAccepted(try client.submit("worker", job: session.job, extranonce2: en2, nonce: nonce))
    }

    func testAuthorizationAgainstConfiguredUsers() async throws {
        let (pool, port) = try await startPool { $0.authorizedUsers = ["alice:secret", "bob"] }
        let client = try TestClient(port: port)
        let session = try client.subscribe()
        let refused = try client.request("mining.authorize", ["mallory", "x"])
        XCTAssertEqual(refused["result"], .bool(false))
        XCTAssertEqual(refused["error"]?.arrayValue?.first?.integerValue, 24)
        let wrongPassword = try client.request("mining.authorize", ["alice", "guess"])
        XCTAssertEqual(wrongPassword["error"]?.arrayValue?.first?.integerValue, 24)
        XCTAssertAccepted(try client.request("mining.authorize", ["alice", "secret"]))
        XCTAssertAccepted(try client.request("mining.authorize", ["bob", "anything"]))

        let en2 = extranonce2(session)
        let nonce = try XCTUnwrap(findValidNonce(session.job, extranonce2: en2))
        XCTAssertEqual(XCTAssertRejected(try client.submit("mallory", job: session.job, extranonce2: en2, nonce: nonce),
                                         code: 24), "Unauthorized worker")
        XCTAssertAccepted(try client.submit("alice", job: session.job, extranonce2: en2, nonce: nonce))
        // The same header from another worker of the session is still a duplicate.
        XCTAssertRejected(try client.submit("bob", job: session.job, extranonce2: en2, nonce: nonce), code: 22)
        XCTAssertEqual(pool.stats.rejectedByReason[.unauthorized], 1)
    }

    func testVersionRolling() async throws {
        let (_, port) = try await startPool()
        let client = try TestClient(port: port)
        let configure = try client.request("mining.configure", [["version-rolling"],
                                                               ["version-rolling.mask": "1fffffff", "version-rolling.min-bit-count": 2]])
        XCTAssertEqual(configure["result"]?["version-rolling"], .bool(true))
        XCTAssertEqual(configure["result"]?["version-rolling.mask"], "1fffe000")
        let session = try client.subscribe(versionMask: 0x1fff_e000)
        XCTAssertAccepted(try client.request("mining.authorize", ["w", "x"]))
        let en2 = extranonce2(session)
        let bits: UInt32 = 0x0000_6000
        let nonce = try XCTUnwrap(findValidNonce(session.job, extranonce2: en2, versionBits: bits))
        XCTAssertAccepted(try client.submit("w", job: session.job, extranonce2: en2, nonce: nonce, versionBits: bits))
        // The same nonce with other bits is another header (judged on its own hash).
        let otherBits: UInt32 = 0x0000_2000
        let otherNonce = try XCTUnwrap(findValidNonce(session.job, extranonce2: en2, versionBits: otherBits))
        XCTAssertAccepted(try client.submit("w", job: session.job, extranonce2: en2, nonce: otherNonce, versionBits: otherBits))
        XCTAssertRejected(try client.submit("w", job: session.job, extranonce2: en2, nonce: otherNonce, versionBits: otherBits),
                          code: 22)
        // A share mined with the bits but submitted without them is another header: low difficulty
        // unless it happens to meet the target too; find one that does not.
        let onlyWithBits = try XCTUnwrap(findNonce(session.job, extranonce2: en2, versionBits: bits) { evaluation in
            evaluation.meetsShareTarget && !session.job.evaluate(extranonce2: en2, ntime: session.job.notify.ntime,
                                                                  nonce: evaluation.header.nonce, versionBits: nil).meetsShareTarget
        })
        XCTAssertRejected(try client.submit("w", job: session.job, extranonce2: en2, nonce: onlyWithBits), code: 23)
        // Bits outside the granted mask.
        let outside = XCTAssertRejected(try client.submit("w", job: session.job, extranonce2: en2, nonce: nonce,
                                                          versionBits: 0x0000_1000), code: 20)
        XCTAssertTrue(outside?.contains("outside mask") == true, outside ?? "")
        XCTAssertRejected(try client.submit("w", job: session.job, extranonce2: en2, nonce: nonce, versionBits: 0xe000_0000),
                          code: 20)
    }

    func testVersionRollingRefusedWhenNotOffered() async throws {
        let (_, port) = try await startPool { $0.versionRollingMask = nil }
        let client = try TestClient(port: port)
        let configure = try client.request("mining.configure", [["version-rolling", "minimum-difficulty"],
                                                               ["version-rolling.mask": "ffffffff"]])
        XCTAssertEqual(configure["result"]?["version-rolling"], .bool(false))
        XCTAssertEqual(configure["result"]?["minimum-difficulty"], .bool(false))
        let session = try client.subscribe()
        XCTAssertAccepted(try client.request("mining.authorize", ["w", "x"]))
        let en2 = extranonce2(session)
        let nonce = try XCTUnwrap(findValidNonce(session.job, extranonce2: en2))
        XCTAssertRejected(try client.submit("w", job: session.job, extranonce2: en2, nonce: nonce, versionBits: 0x2000), code: 20)
        XCTAssertAccepted(try client.submit("w", job: session.job, extranonce2: en2, nonce: nonce))
    }

    func testCleanJobMakesEarlierJobsStale() async throws {
        let (pool, port) = try await startPool()
        let (client, session) = try authorizedClient(port: port)
        let en2 = extranonce2(session)
        let oldNonce = try XCTUnwrap(findValidNonce(session.job, extranonce2: en2))

        // A non-clean job keeps the old one valid.
        let second = pool.broadcastNewJob(clean: false)
        let secondNotify = try MiningNotify(params: try client.nextNotification("mining.notify"))
        XCTAssertEqual(secondNotify.jobID, second.jobID)
        XCTAssertFalse(secondNotify.cleanJobs)
        XCTAssertEqual(secondNotify.prevHash, session.job.notify.prevHash)
        let secondJob = try MiningJob(notify: secondNotify, extranonce1: session.extranonce1, extranonce2Size: 4,
                                      difficulty: easyDifficulty)
        let secondNonce = try XCTUnwrap(findValidNonce(secondJob, extranonce2: en2))

        let third = pool.broadcastNewJob(clean: true)
        let thirdNotify = try MiningNotify(params: try client.nextNotification("mining.notify"))
        XCTAssertEqual(thirdNotify.jobID, third.jobID)
        XCTAssertTrue(thirdNotify.cleanJobs)
        XCTAssertNotEqual(thirdNotify.prevHash, session.job.notify.prevHash)
        XCTAssertEqual(third.height, try XCTUnwrap(pool.job(id: session.job.jobID)).height + 1)

        XCTAssertRejected(try client.submit("worker", job: session.job, extranonce2: en2, nonce: oldNonce), code: 21)
        XCTAssertRejected(try client.submit("worker", job: secondJob, extranonce2: en2, nonce: secondNonce), code: 21)
        let thirdJob = try MiningJob(notify: thirdNotify, extranonce1: session.extranonce1, extranonce2Size: 4,
                                     difficulty: easyDifficulty)
        let thirdNonce = try XCTUnwrap(findValidNonce(thirdJob, extranonce2: en2))
        XCTAssertAccepted(try client.submit("worker", job: thirdJob, extranonce2: en2, nonce: thirdNonce))
        XCTAssertEqual(pool.stats.rejectedByReason[.staleJob], 2)
    }

    func testDifficultyChangeAppliesOnlyToLaterJobs() async throws {
        let (pool, port) = try await startPool()
        let (client, session) = try authorizedClient(port: port)
        let en2 = extranonce2(session)
        let harder = 1e-6
        try pool.setDifficulty(harder)
        let difficulty = try client.nextNotification("mining.set_difficulty")
        XCTAssertEqual(difficulty.first?.doubleValue, harder)
        // The new job comes after the set_difficulty.
        XCTAssertFalse(client.queuedMethods.contains("mining.notify"))
        let newNotify = try MiningNotify(params: try client.nextNotification("mining.notify"))
        XCTAssertFalse(newNotify.cleanJobs)
        let newEasy = try MiningJob(notify: newNotify, extranonce1: session.extranonce1, extranonce2Size: 4, difficulty: easyDifficulty)
        let newHard = try MiningJob(notify: newNotify, extranonce1: session.extranonce1, extranonce2Size: 4, difficulty: harder)

        // Old job: judged at the old (easy) difficulty.
        let oldNonce = try XCTUnwrap(findNonce(session.job, extranonce2: en2) { evaluation in
            evaluation.meetsShareTarget && evaluation.shareDifficulty < harder / 2
        })
        XCTAssertAccepted(try client.submit("worker", job: session.job, extranonce2: en2, nonce: oldNonce))
        // New job: the same kind of share is too easy now.
        let weakNonce = try XCTUnwrap(findNonce(newEasy, extranonce2: en2) { evaluation in
            evaluation.meetsShareTarget
                && !newHard.evaluate(extranonce2: en2, ntime: newNotify.ntime, nonce: evaluation.header.nonce,
                                     versionBits: nil).meetsShareTarget
        })
        XCTAssertRejected(try client.submit("worker", job: newHard, extranonce2: en2, nonce: weakNonce), code: 23)
        // A share that meets the harder target on the new job is accepted at that difficulty.
        let strongNonce = try XCTUnwrap(findValidNonce(newHard, extranonce2: en2))
        XCTAssertAccepted(try client.submit("worker", job: newHard, extranonce2: en2, nonce: strongNonce))
        let shares = pool.stats.acceptedShares
        XCTAssertEqual(shares.map(\.difficulty), [easyDifficulty, harder])

        // Sessions opened later start at the new difficulty.
        let late = try TestClient(port: port)
        XCTAssertEqual(try late.subscribe().difficulty, harder)
    }

    func testSuggestDifficultySetsSessionDifficulty() async throws {
        let (_, port) = try await startPool()
        let (client, session) = try authorizedClient(port: port)
        XCTAssertAccepted(try client.request("mining.suggest_difficulty", [0.5]))
        XCTAssertEqual(try client.nextNotification("mining.set_difficulty").first?.doubleValue, 0.5)
        let notify = try MiningNotify(params: try client.nextNotification("mining.notify"))
        XCTAssertNotEqual(notify.jobID, session.job.jobID)
        XCTAssertRejected(try client.request("mining.suggest_difficulty", ["abc"]), code: 20)
    }

    func testResumeWithPreviousSubscriptionIDKeepsExtranonce1() async throws {
        let (pool, port) = try await startPool()
        let first = try TestClient(port: port)
        let original = try first.subscribe()
        first.disconnect()
        // Wait until the pool has seen the close (an open session's extranonce1 is never shared).
        let deadline = Date().addingTimeInterval(5)
        while !pool.sessionIDs.isEmpty, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        XCTAssertTrue(pool.sessionIDs.isEmpty)

        let second = try TestClient(port: port)
        let resumed = try second.subscribe(["test/1.0", .string(original.subscriptionID)])
        XCTAssertEqual(resumed.extranonce1, original.extranonce1)
        XCTAssertEqual(resumed.subscriptionID, original.subscriptionID)

        // While that session is open, the same id cannot take its extranonce1.
        let third = try TestClient(port: port)
        let fresh = try third.subscribe(["test/1.0", .string(original.subscriptionID)])
        XCTAssertNotEqual(fresh.extranonce1, original.extranonce1)
        // An unknown id just gets a new one.
        let fourth = try TestClient(port: port)
        let unknown = try fourth.subscribe(["test/1.0", "deadbeefdeadbeef"])
        XCTAssertNotEqual(unknown.extranonce1, original.extranonce1)
        XCTAssertNotEqual(unknown.extranonce1, fresh.extranonce1)
    }

    func testSetExtranonceAppliesToTheNextJob() async throws {
        let (pool, port) = try await startPool()
        let (client, session) = try authorizedClient(port: port)
        XCTAssertAccepted(try client.request("mining.extranonce.subscribe", []))
        let id = try XCTUnwrap(pool.sessionIDs.first)
        try pool.setExtranonce(session: id, extranonce1: [0xaa, 0xbb, 0xcc, 0xdd, 0xee], extranonce2Size: 3)
        let params = try client.nextNotification("mining.set_extranonce")
        XCTAssertEqual(params, ["aabbccddee", 3])
        XCTAssertFalse(client.queuedMethods.contains("mining.notify"))
        let notify = try MiningNotify(params: try client.nextNotification("mining.notify"))
        let newJob = try MiningJob(notify: notify, extranonce1: [0xaa, 0xbb, 0xcc, 0xdd, 0xee], extranonce2Size: 3,
                                   difficulty: easyDifficulty)
        let en2: [UInt8] = [0, 0, 7]
        let nonce = try XCTUnwrap(findValidNonce(newJob, extranonce2: en2))
        XCTAssertAccepted(try client.submit("worker", job: newJob, extranonce2: en2, nonce: nonce))
        XCTAssertRejected(try client.submit("worker", jobID: notify.jobID, extranonce2: "00000007",
                                            ntime: WireEncoding.hex(notify.ntime), nonce: "00000000"), code: 20)
        // The earlier job keeps the extranonce it was sent with.
        let oldEn2 = extranonce2(session)
        let oldNonce = try XCTUnwrap(findValidNonce(session.job, extranonce2: oldEn2))
        XCTAssertAccepted(try client.submit("worker", job: session.job, extranonce2: oldEn2, nonce: oldNonce))

        // For all: every extranonce subscriber gets a fresh unique one.
        try pool.setExtranonceForAll()
        let renewed = try client.nextNotification("mining.set_extranonce")
        XCTAssertEqual(renewed[0].stringValue?.count, 10)
        XCTAssertNotEqual(renewed[0].stringValue, "aabbccddee")
        XCTAssertThrowsError(try pool.setExtranonce(session: id, extranonce1: [], extranonce2Size: 4))
    }

    func testReconnectDropAndPeriodicJobs() async throws {
        let (pool, port) = try await startPool { $0.jobInterval = 0.2 }
        let (client, session) = try authorizedClient(port: port)
        // Periodic job.
        let periodic = try MiningNotify(params: try client.nextNotification("mining.notify"))
        XCTAssertNotEqual(periodic.jobID, session.job.jobID)
        XCTAssertFalse(periodic.cleanJobs)
        pool.sendReconnect(host: "127.0.0.1", port: 3334, waitSeconds: 5)
        XCTAssertEqual(try client.nextNotification("client.reconnect"), ["127.0.0.1", 3334, 5])
        pool.dropAllConnections()
        XCTAssertTrue(client.waitForClose())
        // The listener still serves.
        let again = try TestClient(port: port)
        _ = try again.subscribe()
    }

    // MARK: Robustness

    func testGarbageLinesDoNotCrashThePool() async throws {
        let (pool, port) = try await startPool { $0.maximumLineLength = 1024; $0.maximumInvalidLines = 100 }
        let client = try TestClient(port: port)
        for garbage in ["not json", "{", "[1,2,3]", "42", "\"text\"", "{\"id\":1}", "{\"id\":2,\"method\":7}",
                        "{\"id\":3,\"method\":\"mining.submit\",\"params\":\"x\"}", "{\"id\":4,\"method\":\"mining.bogus\",\"params\":[]}",
                        "{\"id\":5,\"method\":\"mining.subscribe\",\"params\":{\"a\":1}}",
                        "{\"id\":6,\"method\":\"mining.authorize\",\"params\":[null]}",
                        "{\"id\":7,\"method\":\"mining.configure\",\"params\":[1]}",
                        "{\"id\":8,\"method\":\"mining.configure\",\"params\":[[\"version-rolling\"],{\"version-rolling.mask\":\"xyz\"}]}"] {
            client.sendLine(garbage)
            let reply = try XCTUnwrap(try client.readMessage(), garbage)
            XCTAssertEqual(reply["error"]?.arrayValue?.first?.integerValue, 20, "\(garbage) → \(reply.serialized)")
        }
        client.sendRaw([0xff, 0xfe, 0x00, 0x80, 0x0a])
        XCTAssertEqual(try client.readMessage()?["error"]?.arrayValue?.first?.integerValue, 20)
        // Blank lines and CRLF are fine; the session still works.
        client.sendRaw(Array("\r\n\n".utf8))
        client.sendRaw(Array("{\"id\":9,\"method\":\"mining.extranonce.subscribe\",\"params\":[]}\r\n".utf8))
        XCTAssertEqual(try client.readMessage()?["result"], .bool(true))
        _ = try client.subscribe()

        // A line over the limit closes that session only.
        let long = try TestClient(port: port)
        long.sendRaw([UInt8](repeating: UInt8(ascii: "a"), count: 5000))
        XCTAssertTrue(long.waitForClose())
        // Too many invalid lines close the session.
        let (strictPool, strictPort) = try await startPool { $0.maximumInvalidLines = 3 }
        let noisy = try TestClient(port: strictPort)
        for _ in 0..<3 { noisy.sendLine("garbage") }
        XCTAssertTrue(noisy.waitForClose())
        _ = strictPool

        let fresh = try TestClient(port: port)
        let session = try fresh.subscribe()
        XCTAssertAccepted(try fresh.request("mining.authorize", ["w", "x"]))
        let en2 = extranonce2(session)
        let nonce = try XCTUnwrap(findValidNonce(session.job, extranonce2: en2))
        XCTAssertAccepted(try fresh.submit("w", job: session.job, extranonce2: en2, nonce: nonce))
        XCTAssertEqual(pool.stats.accepted, 1)
    }

    func testEventsStream() async throws {
        let (pool, port) = try await startPool()
        let (client, session) = try authorizedClient(port: port)
        let en2 = extranonce2(session)
        let nonce = try XCTUnwrap(findValidNonce(session.job, extranonce2: en2))
        XCTAssertAccepted(try client.submit("worker", job: session.job, extranonce2: en2, nonce: nonce))
        XCTAssertRejected(try client.submit("worker", job: session.job, extranonce2: en2, nonce: nonce), code: 22)
        client.disconnect()
        let deadline = Date().addingTimeInterval(5)
        while !pool.sessionIDs.isEmpty, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        await pool.stop()
        var kinds: [String] = []
        for await event in pool.events {
            switch event {
            case .sessionOpened: kinds.append("opened")
            case .subscribed(_, let extranonce1, let size, let agent, let resumed):
                XCTAssertEqual(extranonce1, Hex.encode(session.extranonce1))
                XCTAssertEqual(size, 4)
                XCTAssertEqual(agent, "test-client/1.0")
                XCTAssertFalse(resumed)
                kinds.append("subscribed")
            case .authorized(_, let worker, let accepted):
                XCTAssertEqual(worker, "worker")
                XCTAssertTrue(accepted)
                kinds.append("authorized")
            case .shareAccepted(let share):
                XCTAssertEqual(share.nonce, nonce)
                kinds.append("accepted")
            case .shareRejected(let rejection):
                XCTAssertEqual(rejection.reason, .duplicate)
                kinds.append("rejected")
            case .sessionClosed: kinds.append("closed")
            default: break
            }
        }
        XCTAssertEqual(kinds, ["opened", "subscribed", "authorized", "accepted", "rejected", "closed"])
    }
}
