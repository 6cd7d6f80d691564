import HashingEngine
import MiningCore
import StratumProtocol
import XCTest

final class HashingEngineTests: XCTestCase {
    /// The mainnet genesis block as a Stratum job: the whole coinbase in coinb1, no branch, no
    /// extranonce, so the only thing left to roll is the nonce.
    static func genesisJob(difficulty: Double = 1) throws -> (job: MiningJob, nonce: UInt32) {
        let header = BlockHeader(bytes: Hex.decode(
            "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c")!)!
        let coinbase = "01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff4d04ffff001d0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e6b206f66207365636f6e64206261696c6f757420666f722062616e6b73ffffffff0100f2052a01000000434104678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5fac00000000"
        let notify = try MiningNotify(params: [
            "genesis", .string(WireEncoding.wirePrevHash(fromHeader: header.prevHash)), .string(coinbase), "", [],
            .string(WireEncoding.hex(header.version)), .string(WireEncoding.hex(header.nbits)),
            .string(WireEncoding.hex(header.ntime)), true,
        ])
        let job = try MiningJob(notify: notify, extranonce1: [], extranonce2Size: 0, difficulty: difficulty)
        XCTAssertEqual(job.header(extranonce2: [], nonce: header.nonce), header, "the job rebuilds the genesis header")
        return (job, header.nonce)
    }

    static func easyJob(difficulty: Double, extranonce2Size: Int = 4, versionMask: UInt32 = 0, jobID: String = "easy") throws -> MiningJob {
        let notify = try MiningNotify(params: [
            .string(jobID), .string(String(repeating: "ab", count: 32)), "0100000001", "ffffffff01", [.string(String(repeating: "cd", count: 32))],
            "20000000", "207fffff", "6500aa00", true,
        ])
        return try MiningJob(notify: notify, extranonce1: [1, 2, 3, 4], extranonce2Size: extranonce2Size,
                             difficulty: difficulty, versionMask: versionMask)
    }

    func testFindsTheGenesisNonceInARangeAroundIt() async throws {
        let (job, nonce) = try Self.genesisJob()
        let engine = HashingEngine(threadCount: 2, kernel: SwiftKernel())
        engine.start()
        engine.setWork(WorkTemplate(job: job, epoch: 7, nonceRange: (nonce - 3000)...(nonce + 3000)))
        var iterator = engine.candidates.makeAsyncIterator()
        let next = await iterator.next()
        let candidate = try XCTUnwrap(next)
        XCTAssertEqual(candidate.nonce, nonce)
        XCTAssertEqual(candidate.epoch, 7)
        XCTAssertEqual(candidate.jobID, "genesis")
        XCTAssertEqual(candidate.evaluation.displayHash, "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f")
        XCTAssertTrue(candidate.isBlockCandidate)
        // The whole range is scanned and nothing else meets difficulty 1.
        try await waitUntil { engine.totalHashes >= 6001 }
        engine.stop()
        XCTAssertEqual(engine.totalHashes, 6001)
        let rest = await collect(engine.candidates)
        XCTAssertTrue(rest.isEmpty, "only the genesis nonce meets the target: \(rest.map(\.nonce))")
        XCTAssertEqual(engine.hardwareErrors, 0)
    }

    func testFindsSharesAtLowDifficultyWithDistinctExtranonce2PerThread() async throws {
        let job = try Self.easyJob(difficulty: 1e-8)
        let engine = HashingEngine(threadCount: 2, kernel: SwiftKernel())
        engine.start()
        let generation = engine.setWork(WorkTemplate(job: job, epoch: 1, nonceRange: 0...2047))
        var seen: [ShareCandidate] = []
        for await candidate in engine.candidates {
            seen.append(candidate)
            if seen.count == 120 { break }
        }
        engine.stop()
        XCTAssertEqual(seen.count, 120)
        for candidate in seen {
            // Verified independently here too: rebuild the header and hash it.
            let evaluation = job.evaluate(extranonce2: candidate.extranonce2, ntime: candidate.ntime,
                                          nonce: candidate.nonce, versionBits: candidate.versionBits)
            XCTAssertTrue(evaluation.meetsShareTarget)
            XCTAssertGreaterThanOrEqual(evaluation.shareDifficulty, 1e-8)
            XCTAssertEqual(candidate.extranonce2.count, 4)
            XCTAssertEqual(candidate.generation, generation)
            XCTAssertEqual(candidate.extranonce1, [1, 2, 3, 4])
        }
        // 120 shares need more than one 2048-nonce range (about 48 shares each): the threads
        // moved on to further extranonce2 values, and no two ranges overlapped.
        let extranonces = Set(seen.map(\.extranonce2))
        XCTAssertGreaterThan(extranonces.count, 2)
        let shares = Set(seen.map { [$0.extranonce2, withUnsafeBytes(of: $0.nonce, Array.init)] })
        XCTAssertEqual(shares.count, seen.count, "no share found twice")
        XCTAssertEqual(engine.hashCounts.count, 2)
        XCTAssertTrue(engine.hashCounts.allSatisfy { $0 > 0 })
    }

    func testVersionRollingWhenThereIsNoExtranonce2() async throws {
        let job = try Self.easyJob(difficulty: 1e-8, extranonce2Size: 0, versionMask: 0x1fff_e000)
        let engine = HashingEngine(threadCount: 2, kernel: SwiftKernel())
        engine.start()
        engine.setWork(WorkTemplate(job: job, epoch: 1, nonceRange: 0...255))
        var seen: [ShareCandidate] = []
        for await candidate in engine.candidates {
            seen.append(candidate)
            if seen.count == 12 { break }
        }
        engine.stop()
        XCTAssertGreaterThan(Set(seen.compactMap(\.versionBits)).count, 1, "threads roll distinct version bits")
        for candidate in seen {
            let bits = try XCTUnwrap(candidate.versionBits)
            XCTAssertEqual(bits & ~0x1fff_e000, 0, "only bits inside the mask")
            XCTAssertTrue(job.evaluate(extranonce2: [], ntime: candidate.ntime, nonce: candidate.nonce, versionBits: bits).meetsShareTarget)
        }
    }

    func testNewGenerationReplacesOldWorkOnEveryThread() async throws {
        let hard = try Self.easyJob(difficulty: 1e12, jobID: "old")
        let easy = try Self.easyJob(difficulty: 1e-8, jobID: "new")
        let engine = HashingEngine(threadCount: 2, kernel: SwiftKernel())
        engine.start()
        engine.setWork(WorkTemplate(job: hard, epoch: 1))
        try await waitUntil { engine.hashCounts.allSatisfy { $0 > 1000 } }
        let generation = engine.setWork(WorkTemplate(job: easy, epoch: 2))
        var seen: [ShareCandidate] = []
        for await candidate in engine.candidates {
            seen.append(candidate)
            if seen.count == 10 { break }
        }
        XCTAssertTrue(seen.allSatisfy { $0.jobID == "new" && $0.generation == generation && $0.epoch == 2 })
        // Idle: no work, counters stop.
        engine.setWork(nil)
        // Each thread finishes the batch it is in (~2 ms here, far longer under a sanitizer), then idles.
        var paused = engine.hashCounts
        for _ in 0..<50 {
            try await Task.sleep(for: .milliseconds(300))
            let now = engine.hashCounts
            if now == paused { break }
            paused = now
        }
        try await Task.sleep(for: .milliseconds(300))
        XCTAssertEqual(engine.hashCounts, paused, "no hashing without work")
        engine.stop()
    }

    /// A vardiff re-send (miningcore: set_difficulty, then the same job again, same id): the same
    /// headers at a new target are not scanned again from extranonce2 = 0 — each thread goes on
    /// from its place, and the candidates from then on meet the new target.
    func testTheSameHeadersAtANewTargetContinueWhereTheThreadIs() async throws {
        let first = try Self.easyJob(difficulty: 1e-8, jobID: "same")
        let again = try Self.easyJob(difficulty: 2e-8, jobID: "same")
        XCTAssertTrue(first.makesSameHeaders(as: again))
        let engine = HashingEngine(threadCount: 1, kernel: SwiftKernel())
        engine.start()
        engine.setWork(WorkTemplate(job: first, epoch: 1, nonceRange: 0...2047))
        func counter(_ candidate: ShareCandidate) -> UInt32 {
            candidate.extranonce2.reversed().reduce(0) { $0 << 8 | UInt32($1) }
        }
        var before: [ShareCandidate] = []
        for await candidate in engine.candidates {
            before.append(candidate)
            if counter(candidate) >= 3 { break }
        }
        let generation = engine.setWork(WorkTemplate(job: again, epoch: 1, nonceRange: 0...2047))
        var after: [ShareCandidate] = []
        for await candidate in engine.candidates where candidate.generation == generation {
            after.append(candidate)
            if after.count == 20 { break }
        }
        engine.stop()
        let reached = before.map(counter).max()!
        XCTAssertGreaterThanOrEqual(reached, 3)
        XCTAssertTrue(after.allSatisfy { counter($0) >= reached }, "not started over from extranonce2 0: \(after.map(counter))")
        for candidate in after {
            XCTAssertEqual(candidate.targetDifficulty, 2e-8)
            XCTAssertTrue(again.evaluate(extranonce2: candidate.extranonce2, ntime: candidate.ntime, nonce: candidate.nonce,
                                         versionBits: nil).meetsShareTarget, "found at the new target")
        }
        let headers = Set((before + after).map { [$0.extranonce2, withUnsafeBytes(of: $0.nonce, Array.init)] })
        XCTAssertEqual(headers.count, before.count + after.count, "no header found twice")
    }

    /// Other work (another header) starts over from the first extranonce2.
    func testOtherHeadersStartOver() async throws {
        let first = try Self.easyJob(difficulty: 1e-8, jobID: "a")
        let other = try MiningJob(notify: first.notify, extranonce1: [9, 9, 9, 9], extranonce2Size: 4, difficulty: 1e-8)
        XCTAssertFalse(first.makesSameHeaders(as: other))
        let engine = HashingEngine(threadCount: 1, kernel: SwiftKernel())
        engine.start()
        engine.setWork(WorkTemplate(job: first, epoch: 1, nonceRange: 0...2047))
        for await candidate in engine.candidates where candidate.extranonce2.first! >= 3 { _ = candidate; break }
        let generation = engine.setWork(WorkTemplate(job: other, epoch: 1, nonceRange: 0...2047))
        var firstAfter: ShareCandidate?
        for await candidate in engine.candidates where candidate.generation == generation { firstAfter = candidate; break }
        engine.stop()
        XCTAssertEqual(firstAfter?.extranonce2, [0, 0, 0, 0])
    }

    /// After `setWork(nil)` and `stop()` the candidate stream ends, holding what the last batches
    /// found: a consumer that reads it to the end has seen every candidate, all of the work that
    /// was published. Batches of ~200 ms with a share every few dozen hashes, so each finds many.
    func testStopEndsTheCandidateStreamAfterTheLastBatchesCandidates() async throws {
        let engine = HashingEngine(threadCount: 2, kernel: SwiftKernel(), batchTargetNanoseconds: 200_000_000)
        engine.start()
        let work = engine.setWork(WorkTemplate(job: try Self.easyJob(difficulty: 1e-8), epoch: 1))
        var candidates = engine.candidates.makeAsyncIterator()
        var seen: [ShareCandidate] = []
        while seen.count < 20, let candidate = await candidates.next() { seen.append(candidate) }
        engine.setWork(nil)
        engine.stop()
        while let candidate = await candidates.next() { seen.append(candidate) }
        XCTAssertGreaterThanOrEqual(seen.count, 20)
        XCTAssertTrue(seen.allSatisfy { $0.generation == work })
        XCTAssertEqual(Set(seen.map(\.evaluation.digest)).count, seen.count, "each header found once")
    }

    func testStopJoinsTheThreads() async throws {
        let engine = HashingEngine(threadCount: 2, kernel: SwiftKernel())
        engine.start()
        engine.setWork(WorkTemplate(job: try Self.easyJob(difficulty: 1e12), epoch: 1))
        try await waitUntil { engine.totalHashes > 0 }
        engine.stop()
        let after = engine.totalHashes
        try await Task.sleep(for: .milliseconds(100))
        XCTAssertEqual(engine.totalHashes, after, "no thread runs after stop()")
        let rest = await collect(engine.candidates)
        XCTAssertTrue(rest.isEmpty)
    }

    func testBatchSizeAdaptsTowardsTheTargetDuration() {
        // 4096 nonces took 8 ms against a 2 ms target: halve (gradually).
        XCTAssertEqual(HashingEngine.adjustedBatch(4096, count: 4096, elapsed: 8_000_000, target: 2_000_000), 2048)
        // Took 0.5 ms: double (at most).
        XCTAssertEqual(HashingEngine.adjustedBatch(4096, count: 4096, elapsed: 500_000, target: 2_000_000), 8192)
        // A short final batch says nothing about speed.
        XCTAssertEqual(HashingEngine.adjustedBatch(4096, count: 100, elapsed: 500_000, target: 2_000_000), 4096)
    }
}

func waitUntil(timeout: Duration = .seconds(20), _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        if ContinuousClock.now > deadline { throw VectorLikeError("condition not met within \(timeout)") }
        try await Task.sleep(for: .milliseconds(5))
    }
}

func collect<S: AsyncSequence & Sendable>(_ sequence: S) async -> [S.Element] where S.Element: Sendable {
    var out: [S.Element] = []
    do { for try await element in sequence { out.append(element) } } catch {}
    return out
}

struct VectorLikeError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
