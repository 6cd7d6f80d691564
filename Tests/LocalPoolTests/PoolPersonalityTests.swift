import Foundation
import LocalPool
import MiningCore
import StratumProtocol
import XCTest

/// The pool personalities (issue 14): each reproduces one real pool's wire behaviour, checked
/// here with a plain socket client.
final class PoolPersonalityTests: XCTestCase {
    private var pools: [LocalPool] = []

    override func tearDown() async throws {
        for pool in pools { await pool.stop() }
        pools = []
    }

    private func start(_ personality: LocalPoolPersonality, difficulty: Double? = easyDifficulty,
                       _ configure: (inout LocalPoolConfiguration) -> Void = { _ in }) async throws -> (LocalPool, Int) {
        var configuration = LocalPoolConfiguration.mimicking(personality)
        configuration.jobInterval = 0
        if let difficulty { configuration.initialDifficulty = difficulty }
        configure(&configuration)
        let pool = LocalPool(configuration: configuration)
        pools.append(pool)
        return (pool, try await pool.start())
    }

    private func job(_ params: [JSONValue], _ session: MinerSession, difficulty: Double, mask: UInt32 = 0) throws -> MiningJob {
        try MiningJob(notify: try MiningNotify(params: params), extranonce1: session.extranonce1,
                      extranonce2Size: session.extranonce2Size, difficulty: difficulty, versionMask: mask)
    }

    private func mine(_ client: TestClient, _ job: MiningJob, extranonce2: [UInt8] = [0, 0, 0, 1]) throws -> JSONValue {
        let nonce = try XCTUnwrap(findValidNonce(job, extranonce2: extranonce2))
        return try client.submit("w", job: job, extranonce2: extranonce2, nonce: nonce)
    }

    // MARK: ckpool

    func testCkpoolIgnoresSuggestionBeforeAuthorizeAndHonoursItAfter() async throws {
        let (pool, port) = try await start(.ckpool)
        let client = try TestClient(port: port)
        _ = try client.subscribe()
        client.sendLine(#"{"id":90,"method":"mining.suggest_difficulty","params":[0.5]}"#)
        XCTAssertAccepted(try client.request("mining.authorize", ["w", "x"]))
        XCTAssertEqual(try client.request("mining.ping", [])["result"], "pong")
        XCTAssertFalse(client.queuedMethods.contains("mining.set_difficulty"), "\(client.queuedMethods)")
        XCTAssertEqual(pool.stats.sessions.first?.difficulty, easyDifficulty)
        // The same suggestion after authorize is taken.
        XCTAssertAccepted(try client.request("mining.suggest_difficulty", [0.5]))
        XCTAssertEqual(try client.nextNotification("mining.set_difficulty").first?.doubleValue, 0.5)
        XCTAssertEqual(pool.stats.sessions.first?.difficulty, 0.5)
    }

    func testCkpoolErrorTextsAndOldDifficultyGrace() async throws {
        let (pool, port) = try await start(.ckpool)
        let client = try TestClient(port: port)
        let session = try client.subscribe()
        XCTAssertAccepted(try client.request("mining.authorize", ["w", "x"]))
        let unknown = try client.submit("w", jobID: "nope", extranonce2: "00000001", ntime: "00000000", nonce: "00000000")
        XCTAssertEqual(XCTAssertRejected(unknown, code: 21), "Invalid JobID")
        // A new difficulty comes alone (no job); the current job keeps the old one.
        let id = try XCTUnwrap(pool.sessionIDs.first)
        try pool.setDifficulty(1e6, session: id)
        XCTAssertEqual(try client.nextNotification("mining.set_difficulty").first?.doubleValue, 1e6)
        XCTAssertEqual(try client.request("mining.ping", [])["result"], "pong")
        XCTAssertFalse(client.queuedMethods.contains("mining.notify"), "\(client.queuedMethods)")
        XCTAssertAccepted(try mine(client, session.job))
        XCTAssertEqual(XCTAssertRejected(try mine(client, session.job), code: 22), "Duplicate")
        // The next job is judged at the new difficulty.
        pool.broadcastNewJob(clean: false)
        let next = try job(try client.nextNotification("mining.notify"), session, difficulty: 1e6)
        let weak = try XCTUnwrap(findNonce(next, extranonce2: [0, 0, 0, 2]) { $0.shareDifficulty >= easyDifficulty && $0.shareDifficulty < 1e6 })
        let low = try client.submit("w", job: next, extranonce2: [0, 0, 0, 2], nonce: weak)
        XCTAssertEqual(XCTAssertRejected(low, code: 23), "Above target")
    }

    // MARK: public-pool

    func testPublicPoolStartsAt16384HonoursSuggestionAndRetargetsWithACleanJobOfTheSameTemplate() async throws {
        let (pool, port) = try await start(.publicPool, difficulty: nil)
        let client = try TestClient(port: port)
        let session = try client.subscribe()
        XCTAssertEqual(session.difficulty, 16384)
        XCTAssertAccepted(try client.request("mining.authorize", ["w", "x"]))
        XCTAssertAccepted(try client.request("mining.suggest_difficulty", [.double(easyDifficulty)]))
        XCTAssertEqual(try client.nextNotification("mining.set_difficulty").first?.doubleValue, easyDifficulty)
        let suggestedNotify = try MiningNotify(params: try client.nextNotification("mining.notify"))
        XCTAssertTrue(suggestedNotify.cleanJobs)
        XCTAssertEqual(suggestedNotify.prevHash, session.job.notify.prevHash, "same template")
        let first = try job(suggestedNotify.params, session, difficulty: easyDifficulty)
        XCTAssertAccepted(try mine(client, first))
        // A retarget: set_difficulty, then a clean job from the same template; older jobs are gone.
        let id = try XCTUnwrap(pool.sessionIDs.first)
        try pool.setDifficulty(easyDifficulty * 2, session: id)
        XCTAssertEqual(try client.nextNotification("mining.set_difficulty").first?.doubleValue, easyDifficulty * 2)
        let retargeted = try MiningNotify(params: try client.nextNotification("mining.notify"))
        XCTAssertTrue(retargeted.cleanJobs)
        XCTAssertEqual(retargeted.prevHash, session.job.notify.prevHash)
        XCTAssertNotEqual(retargeted.jobID, first.jobID)
        XCTAssertRejected(try mine(client, first, extranonce2: [0, 0, 0, 9]), code: 21)
        XCTAssertAccepted(try mine(client, try job(retargeted.params, session, difficulty: easyDifficulty * 2)))
    }

    // MARK: miningcore

    func testMiningcoreResendsTheIdenticalJobAfterSetDifficultyAndAnswersErrorsAsObjects() async throws {
        let (pool, port) = try await start(.miningcore)
        let client = try TestClient(port: port)
        let session = try client.subscribe()
        XCTAssertAccepted(try client.request("mining.authorize", ["w", "x"]))
        let id = try XCTUnwrap(pool.sessionIDs.first)
        try pool.setDifficulty(easyDifficulty * 4, session: id)
        XCTAssertEqual(try client.nextNotification("mining.set_difficulty").first?.doubleValue, easyDifficulty * 4)
        let again = try client.nextNotification("mining.notify")
        XCTAssertEqual(again, session.job.notify.params, "identical job, same id")
        // Shares for that job id are now judged at the new difficulty.
        let rejudged = try job(again, session, difficulty: easyDifficulty * 4)
        XCTAssertAccepted(try mine(client, rejudged))
        // A share found before the re-send (meets the old difficulty, not the new) is still taken and
        // credited at the old difficulty, as miningcore does after a vardiff retarget; one that meets
        // neither is refused as low difficulty.
        let old = try job(again, session, difficulty: easyDifficulty)
        let en2: [UInt8] = [0, 0, 0, 2]
        let inFlight = try XCTUnwrap(findNonce(old, extranonce2: en2) { $0.meetsShareTarget && $0.shareDifficulty < easyDifficulty * 3 })
        XCTAssertAccepted(try client.submit("w", job: old, extranonce2: en2, nonce: inFlight))
        XCTAssertEqual(pool.stats.acceptedShares.last?.difficulty, easyDifficulty)
        let weak = try XCTUnwrap(findNonce(old, extranonce2: en2) { $0.shareDifficulty < easyDifficulty * 0.5 })
        let refused = try client.submit("w", job: old, extranonce2: en2, nonce: weak)
        XCTAssertEqual(refused["error"]?["code"]?.integerValue, 23)
        let unknown = try client.submit("w", jobID: "nope", extranonce2: "00000001", ntime: "00000000", nonce: "00000000")
        XCTAssertEqual(unknown["result"], .null)
        XCTAssertEqual(unknown["error"]?["code"]?.integerValue, 21)
        XCTAssertEqual(unknown["error"]?["message"]?.stringValue, "Job not found")
        XCTAssertNil(unknown["error"]?.arrayValue)
    }

    // MARK: NiceHash

    func testNiceHashSendsSetExtranonceThenACleanJob() async throws {
        let (pool, port) = try await start(.niceHash)
        let client = try TestClient(port: port)
        let session = try client.subscribe()
        XCTAssertAccepted(try client.request("mining.authorize", ["w", "x"]))
        XCTAssertAccepted(try client.request("mining.extranonce.subscribe", []))
        let id = try XCTUnwrap(pool.sessionIDs.first)
        try pool.setExtranonce(session: id, extranonce1: [9, 8, 7, 6])
        let change = try client.nextNotification("mining.set_extranonce")
        XCTAssertEqual(change, ["09080706", 4])
        let notify = try MiningNotify(params: try client.nextNotification("mining.notify"))
        XCTAssertTrue(notify.cleanJobs)
        XCTAssertEqual(client.queuedMethods, [])
        // Jobs of the old extranonce are gone; the new job takes the new extranonce1.
        XCTAssertRejected(try mine(client, session.job), code: 21)
        let fresh = try MiningJob(notify: notify, extranonce1: [9, 8, 7, 6], extranonce2Size: 4, difficulty: easyDifficulty,
                                  versionMask: 0)
        XCTAssertAccepted(try mine(client, fresh))
    }

    // MARK: DATUM

    func testDatumHasALargeCoinbaseAndRequiresVersionBitsOnceRollingIsAgreed() async throws {
        let (_, port) = try await start(.datum)
        let client = try TestClient(port: port)
        let configured = try client.request("mining.configure", [["version-rolling"], ["version-rolling.mask": "1fffe000"]])
        let mask = try XCTUnwrap(WireEncoding.uint32(fromHex: configured["result"]?["version-rolling.mask"]?.stringValue ?? ""))
        let session = try client.subscribe(versionMask: mask)
        XCTAssertGreaterThan(session.job.notify.coinbase2.count, 16_000)
        XCTAssertLessThan(Hex.encode(session.job.notify.coinbase2).utf8.count, 40_000)
        XCTAssertAccepted(try client.request("mining.authorize", ["w", "x"]))
        let nonce = try XCTUnwrap(findValidNonce(session.job, extranonce2: [0, 0, 0, 1]))
        let without = try client.submit("w", job: session.job, extranonce2: [0, 0, 0, 1], nonce: nonce)
        XCTAssertTrue(XCTAssertRejected(without, code: 20)?.contains("version_bits") ?? false)
        let withBits = try client.submit("w", job: session.job, extranonce2: [0, 0, 0, 1], nonce: nonce, versionBits: 0)
        XCTAssertAccepted(withBits)

        // Without rolling agreed, five params are fine.
        let plain = try TestClient(port: port)
        let plainSession = try plain.subscribe()
        XCTAssertAccepted(try plain.request("mining.authorize", ["w", "x"]))
        XCTAssertAccepted(try mine(plain, plainSession.job))
    }
}
