import FarmProxyCore
import MiningCore
import StratumProtocol
import XCTest

final class ProxyCoreTests: XCTestCase {
    // MARK: Extranonce split

    func testEachMinerGetsTheUpstreamExtranonce1WithAUniquePrefixAndTheRestOfExtranonce2() throws {
        var proxy = ProxyHarness()
        proxy.upstreamJob(clean: true)
        let a = proxy.readyMiner(), b = proxy.readyMiner(user: "rig2")
        let ea = try XCTUnwrap(proxy.extranonce(of: a)), eb = try XCTUnwrap(proxy.extranonce(of: b))
        XCTAssertEqual(ea.extranonce1.prefix(4), [0xde, 0xad, 0xbe, 0xef])
        XCTAssertEqual(eb.extranonce1.prefix(4), [0xde, 0xad, 0xbe, 0xef])
        XCTAssertEqual(ea.extranonce1.count, 6)
        XCTAssertNotEqual(ea.extranonce1, eb.extranonce1)
        XCTAssertEqual(ea.size, 2)
        XCTAssertEqual(eb.size, 2)
    }

    func testAPoolWhoseExtranonce2CannotBeSplitIsRefused() {
        var proxy = ProxyHarness()
        proxy.upstreamExtranonce2Size = 3  // 2-byte prefix leaves 1 < the 2-byte minimum
        let effects = proxy.upstreamJob(clean: true)
        XCTAssertTrue(effects.contains { if case .event(.upstreamRefused(let why)) = $0 { why.contains("too small") } else { false } })
        let id = proxy.connect()
        let answer = proxy.send(id, "mining.subscribe", [])
        XCTAssertEqual(proxy.closes(in: answer).map(\.0), [id], "a miner cannot be given a share of that pool")
    }

    func testSubscribeWhileNoPoolIsUpIsHeldAndAnsweredWhenItComes() throws {
        var proxy = ProxyHarness()
        let id = proxy.connect()
        proxy.send(id, "mining.subscribe", ["asic/1"])
        proxy.send(id, "mining.authorize", ["rig", "x"])
        XCTAssertNil(proxy.extranonce(of: id), "no answer before there is an upstream session")
        proxy.upstreamJob(clean: true)
        XCTAssertEqual(try XCTUnwrap(proxy.extranonce(of: id)).size, 2)
        XCTAssertEqual(proxy.notifications("mining.notify", to: id).count, 1, "one job, not the broadcast and the ready job both")
        XCTAssertEqual(proxy.notifications("mining.set_difficulty", to: id).count, 1)
    }

    func testAPrefixIsReusedOnlyAfterItsJobsExpired() throws {
        var proxy = ProxyHarness { $0.extranoncePrefixSize = 1; $0.maximumDownstreams = 300 }
        proxy.upstreamJob(clean: true)
        var held: [DownstreamID] = []
        for _ in 0..<256 { held.append(proxy.readyMiner()) }
        let first = try XCTUnwrap(proxy.extranonce(of: held[0])).extranonce1
        proxy.run { core, _ in core.downstreamClosed(held[0], reason: "test") }
        let late = proxy.connect()
        let refused = proxy.send(late, "mining.subscribe", [])
        XCTAssertEqual(proxy.closes(in: refused).map(\.0), [late], "the closed miner's jobs are still current")
        proxy.upstreamJob(clean: true)
        let next = proxy.readyMiner()
        XCTAssertEqual(try XCTUnwrap(proxy.extranonce(of: next)).extranonce1, first, "free again once a clean job expired its jobs")
    }

    // MARK: Jobs and difficulty

    func testAJobGoesToEveryReadyMinerAsOneLine() {
        var proxy = ProxyHarness()
        proxy.upstreamJob(clean: true)
        let a = proxy.readyMiner(), b = proxy.readyMiner()
        let effects = proxy.upstreamJob()
        let broadcasts = effects.compactMap { if case .broadcast(let ids, let line) = $0 { (ids, line) } else { nil } }
        XCTAssertEqual(broadcasts.count, 1)
        XCTAssertEqual(broadcasts.first?.0, [a, b])
        XCTAssertTrue(broadcasts.first?.1.contains("mining.notify") ?? false)
    }

    func testSuggestDifficultyBeforeAuthorizeIsTheFirstDifficultyWithinBounds() {
        var proxy = ProxyHarness { $0.downstreamMaximumDifficulty = 512 }
        proxy.upstreamJob(clean: true)
        let id = proxy.connect()
        proxy.send(id, "mining.subscribe", [])
        proxy.send(id, "mining.suggest_difficulty", [.double(4096)])
        proxy.send(id, "mining.authorize", ["rig", "x"])
        XCTAssertEqual(proxy.notifications("mining.set_difficulty", to: id).map { $0.first?.doubleValue }, [512])
        let after = proxy.send(id, "mining.suggest_difficulty", [.double(64)])
        XCTAssertEqual(proxy.notifications("mining.set_difficulty", to: id, in: after).map { $0.first?.doubleValue }, [64])
        XCTAssertEqual(proxy.notifications("mining.notify", to: id, in: after).count, 0,
                       "the current job is not sent again under a new id (the miner would redo its work)")
    }

    func testALowerDifficultyAppliesToTheCurrentJobAtOnceAHigherOneFromTheNextJob() throws {
        var proxy = ProxyHarness()
        proxy.upstreamDifficulty = 1e6
        proxy.upstreamJob(clean: true)
        let id = proxy.connect()
        proxy.send(id, "mining.subscribe", [])
        proxy.send(id, "mining.suggest_difficulty", [.double(0x1p-20)])
        proxy.send(id, "mining.authorize", ["rig", "x"])
        proxy.send(id, "mining.suggest_difficulty", [.double(0x1p-26)])
        let between = try XCTUnwrap(proxy.findShare(for: id, atLeast: 0x1p-26, below: 0x1p-20))
        XCTAssertEqual(proxy.answer(to: id, in: proxy.send(id, "mining.submit", between.params))?.result, .bool(true),
                       "lowered: in force for the job in hand")
        proxy.send(id, "mining.suggest_difficulty", [.double(0x1p-18)])
        let again = try XCTUnwrap(proxy.findShare(for: id, atLeast: 0x1p-26, below: 0x1p-20, extranonce2: [7, 7]))
        XCTAssertEqual(proxy.answer(to: id, in: proxy.send(id, "mining.submit", again.params))?.result, .bool(true),
                       "raised: the job in hand keeps the difficulty it was sent with")
        proxy.upstreamJob()
        let low = try XCTUnwrap(proxy.findShare(for: id, atLeast: 0x1p-26, below: 0x1p-18))
        XCTAssertEqual(proxy.answer(to: id, in: proxy.send(id, "mining.submit", low.params))?.error.arrayValue?.first?.integerValue, 23,
                       "the next job carries the higher difficulty")
    }

    func testWithoutSuggestionTheMinerStartsAtTheUpstreamDifficulty() {
        var proxy = ProxyHarness()
        proxy.upstreamDifficulty = 0x1p-12
        proxy.upstreamJob(clean: true)
        let id = proxy.readyMiner()
        XCTAssertEqual(proxy.notifications("mining.set_difficulty", to: id).map { $0.first?.doubleValue }, [0x1p-12])
    }

    func testVardiffRaisesAFastMinersDifficulty() throws {
        var proxy = ProxyHarness()
        proxy.upstreamDifficulty = 1e6  // nothing forwarded
        proxy.upstreamJob(clean: true)
        let id = proxy.connect()
        proxy.send(id, "mining.subscribe", [])
        proxy.send(id, "mining.suggest_difficulty", [.double(0x1p-30)])
        proxy.send(id, "mining.authorize", ["rig", "x"])
        var nonceFloor: [JSONValue] = []
        for _ in 0..<10 {
            proxy.now += 0.1  // ten shares in one second: 50 times too fast for a 5 s interval
            let share = try XCTUnwrap(proxy.findShare(for: id, atLeast: 0x1p-30))
            XCTAssertNotEqual(share.params, nonceFloor)
            nonceFloor = share.params
            proxy.send(id, "mining.submit", share.params)
            // The next share of the same job needs another extranonce2: take the newest job again.
            proxy.upstreamJob()
        }
        let difficulties = proxy.notifications("mining.set_difficulty", to: id).compactMap { $0.first?.doubleValue }
        XCTAssertGreaterThan(try XCTUnwrap(difficulties.last), 0x1p-30 * 10)
    }

    // MARK: Shares

    func testAShareBelowTheUpstreamDifficultyIsAnsweredTrueLocallyAndNotForwarded() throws {
        var proxy = ProxyHarness()
        proxy.upstreamDifficulty = 1e6
        proxy.upstreamJob(clean: true)
        let id = proxy.readyMiner(suggest: 0x1p-30)
        let share = try XCTUnwrap(proxy.findShare(for: id, atLeast: 0x1p-30))
        let effects = proxy.send(id, "mining.submit", share.params)
        XCTAssertEqual(proxy.answer(to: id, in: effects)?.result, .bool(true))
        XCTAssertTrue(proxy.forwards(in: effects).isEmpty)
        let totals = proxy.core.snapshot(now: proxy.now).totals
        XCTAssertEqual(totals.validLocally, 1)
        XCTAssertEqual(totals.acceptedByPool, 0, "never 'accepted' for what the pool did not see")
    }

    func testAShareMeetingTheUpstreamDifficultyIsForwardedAsTheUpstreamJobsShareAndAnsweredWithThePoolsVerdict() throws {
        var proxy = ProxyHarness()
        proxy.upstreamDifficulty = 0x1p-24
        proxy.upstreamJob(clean: true)
        let id = proxy.readyMiner()
        let (extranonce1, _) = try XCTUnwrap(proxy.extranonce(of: id))
        let share = try XCTUnwrap(proxy.findShare(for: id, atLeast: 0x1p-24))
        let effects = proxy.send(id, "mining.submit", share.params)
        XCTAssertNil(proxy.answer(to: id, in: effects), "the miner waits for the pool's verdict")
        let forward = try XCTUnwrap(proxy.forwards(in: effects).first)
        XCTAssertEqual(forward.jobID, "up1", "the pool's own job id")
        XCTAssertEqual(forward.extranonce1, [0xde, 0xad, 0xbe, 0xef])
        XCTAssertEqual(Array(forward.extranonce2.prefix(2)), Array(extranonce1.suffix(2)), "prefix ‖ the miner's extranonce2")
        XCTAssertEqual(forward.extranonce2.count, 4)
        // What the pool rebuilds from the forwarded fields meets its difficulty.
        let upstreamNotify = MiningNotify(jobID: "up1", prevHash: [UInt8](repeating: 1, count: 32),
                                          coinbase1: [0x01, 0x00, 0x00, 0x00, 0x01] + [UInt8](repeating: 0, count: 32) + [0xff, 0xff, 0xff, 0xff, 0x20],
                                          coinbase2: [0xff, 0xff, 0xff, 0xff, 0x01, 0x00, 0xf2, 0x05, 0x2a, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00],
                                          merkleBranch: [[UInt8](repeating: 7, count: 32)], version: 0x2000_0000, nbits: 0x1d00_ffff,
                                          ntime: 1_800_000_000, cleanJobs: true)
        let poolJob = try MiningJob(notify: upstreamNotify, extranonce1: forward.extranonce1, extranonce2Size: 4, difficulty: 0x1p-24)
        XCTAssertTrue(poolJob.evaluate(extranonce2: forward.extranonce2, ntime: forward.ntime, nonce: forward.nonce,
                                       versionBits: forward.versionBits).meetsShareTarget)
        let rejected = proxy.run { core, now in core.upstreamAnswered(token: forward.token, .rejected(.duplicate, message: "Duplicate share"), now: now) }
        let error = proxy.answer(to: id, in: rejected)?.error.arrayValue
        XCTAssertEqual(error?.first?.integerValue, 22)
        XCTAssertEqual(error?.dropFirst().first?.stringValue, "Duplicate share", "the pool's own reason")
        let second = try XCTUnwrap(proxy.findShare(for: id, atLeast: 0x1p-24, extranonce2: [9, 9]))
        let forwarded = try XCTUnwrap(proxy.forwards(in: proxy.send(id, "mining.submit", second.params)).first)
        let accepted = proxy.run { core, now in core.upstreamAnswered(token: forwarded.token, .accepted, now: now) }
        XCTAssertEqual(proxy.answer(to: id, in: accepted)?.result, .bool(true))
        let totals = proxy.core.snapshot(now: proxy.now).totals
        XCTAssertEqual(totals.acceptedByPool, 1)
        XCTAssertEqual(totals.rejectedByPool, 1)
        XCTAssertEqual(totals.rejectedByReason[.duplicate], 1)
    }

    func testDuplicateStaleLowDifficultyAndMalformedSubmitsAreAnsweredLocally() throws {
        var proxy = ProxyHarness()
        proxy.upstreamDifficulty = 1e6
        proxy.upstreamJob(clean: true)
        let id = proxy.connect()
        proxy.send(id, "mining.subscribe", [])
        proxy.send(id, "mining.suggest_difficulty", [.double(0x1p-26)])
        proxy.send(id, "mining.authorize", ["rig", "x"])
        func code(_ effects: [ProxyEffect]) -> Int64? { proxy.answer(to: id, in: effects)?.error.arrayValue?.first?.integerValue }
        let low = try XCTUnwrap(proxy.findShare(for: id, atLeast: 0, below: 0x1p-26))
        XCTAssertEqual(code(proxy.send(id, "mining.submit", low.params)), 23)
        let good = try XCTUnwrap(proxy.findShare(for: id, atLeast: 0x1p-26))
        XCTAssertEqual(proxy.answer(to: id, in: proxy.send(id, "mining.submit", good.params))?.result, .bool(true))
        XCTAssertEqual(code(proxy.send(id, "mining.submit", good.params)), 22)
        XCTAssertEqual(code(proxy.send(id, "mining.submit", ["rig", "nope", "0000", "00000000", "00000000"])), 21)
        var shortExtranonce = good.params
        shortExtranonce[2] = "00"
        XCTAssertEqual(code(proxy.send(id, "mining.submit", shortExtranonce)), 20)
        proxy.upstreamJob(clean: true)
        XCTAssertEqual(code(proxy.send(id, "mining.submit", good.params)), 21, "a job from before a clean job is stale")
        XCTAssertTrue(proxy.forwards().isEmpty, "none of these reached the pool")
        let statistics = try XCTUnwrap(proxy.core.snapshot(now: proxy.now).downstreams.first).statistics
        XCTAssertEqual(statistics.validLocally, 1)
        XCTAssertEqual(statistics.stale, 2)
        XCTAssertEqual(statistics.rejectedByReason[.duplicate], 1)
        XCTAssertEqual(statistics.rejectedByReason[.lowDifficulty], 1)
    }

    // MARK: Version rolling

    func testVersionRollingIsTheIntersectionWithTheUpstreamMask() throws {
        var proxy = ProxyHarness()
        proxy.upstreamMask = 0x1fff_e000
        proxy.upstreamDifficulty = 1e6
        proxy.upstreamJob(clean: true)
        let id = proxy.connect()
        let configured = proxy.send(id, "mining.configure", [["version-rolling"], ["version-rolling.mask": "00ffff00"]])
        let result = try XCTUnwrap(proxy.answer(to: id, in: configured)?.result.objectValue)
        XCTAssertEqual(result["version-rolling"], .bool(true))
        XCTAssertEqual(result["version-rolling.mask"], .string("00ffe000"))
        proxy.send(id, "mining.subscribe", [])
        proxy.send(id, "mining.suggest_difficulty", [.double(0x1p-30)])
        proxy.send(id, "mining.authorize", ["rig", "x"])
        let inside = try XCTUnwrap(proxy.findShare(for: id, atLeast: 0x1p-30, versionBits: 0x0000_6000, mask: 0x00ff_e000))
        XCTAssertEqual(proxy.answer(to: id, in: proxy.send(id, "mining.submit", inside.params))?.result, .bool(true))
        let outside = try XCTUnwrap(proxy.findShare(for: id, atLeast: 0x1p-30, versionBits: 0x0100_0000, mask: 0xffff_ffff))
        XCTAssertEqual(proxy.answer(to: id, in: proxy.send(id, "mining.submit", outside.params))?.error.arrayValue?.first?.integerValue, 20)
        let narrowed = proxy.run { core, _ in core.upstreamVersionMaskChanged(0x0000_e000) }
        XCTAssertEqual(proxy.notifications("mining.set_version_mask", to: id, in: narrowed).first?.first?.stringValue, "0000e000")
    }

    // MARK: Upstream changes

    func testANewUpstreamExtranonceReachesSubscribersBySetExtranonceAndTheOthersByReconnect() throws {
        var proxy = ProxyHarness()
        proxy.upstreamJob(clean: true)
        let subscriber = proxy.readyMiner(extranonceSubscribe: true)
        let other = proxy.readyMiner()
        let prefix = try XCTUnwrap(proxy.extranonce(of: subscriber)).extranonce1.suffix(2)
        proxy.upstreamExtranonce1 = [1, 2, 3, 4]
        proxy.upstreamExtranonce2Size = 8
        let effects = proxy.upstreamJob(clean: true)
        let told = try XCTUnwrap(proxy.notifications("mining.set_extranonce", to: subscriber, in: effects).first)
        XCTAssertEqual(told.first?.stringValue, Hex.encode([1, 2, 3, 4] + prefix))
        XCTAssertEqual(told.last?.integerValue, 6)
        XCTAssertEqual(proxy.notifications("mining.notify", to: subscriber, in: effects).count, 1, "then the new job")
        XCTAssertEqual(proxy.notifications("client.reconnect", to: other, in: effects).count, 1)
        XCTAssertEqual(proxy.closes(in: effects).map(\.0), [other])
        XCTAssertEqual(proxy.notifications("mining.notify", to: other, in: effects).count, 0, "no job for a miner being closed")
    }

    func testMinersAreHeldWhileNoPoolIsUpThenReleased() {
        var proxy = ProxyHarness { $0.holdDownstreams = 60 }
        proxy.upstreamJob(clean: true)
        let id = proxy.readyMiner()
        proxy.run { core, now in core.upstreamLost(now: now) }
        proxy.now += 59
        XCTAssertTrue(proxy.closes(in: proxy.run { core, now in core.tick(now: now) }).isEmpty)
        proxy.now += 2
        let released = proxy.run { core, now in core.tick(now: now) }
        XCTAssertEqual(proxy.closes(in: released).map(\.0), [id])
        let late = proxy.connect()
        XCTAssertEqual(proxy.closes(in: proxy.send(late, "mining.subscribe", [])).map(\.0), [late], "turned away until a pool is up")
    }

    // MARK: Hostile miners

    func testGarbageIsCountedAndClosesTheConnectionAtTheLimit() {
        var proxy = ProxyHarness { $0.maximumInvalidLines = 3 }
        proxy.upstreamJob(clean: true)
        let id = proxy.readyMiner()
        for _ in 0..<2 { XCTAssertTrue(proxy.closes(in: proxy.raw(id, "\u{1}garbage{{")).isEmpty) }
        let third = proxy.raw(id, "[1,2,3]")
        XCTAssertEqual(proxy.closes(in: third).map(\.0), [id])
        XCTAssertTrue(third.contains { if case .event(.downstreamMisbehaved(_, let address, _)) = $0 { address == "10.0.0.7" } else { false } })
        XCTAssertEqual(proxy.core.snapshot(now: proxy.now).closedForMisbehaviour, 1)
    }

    func testAMinerClosedByTheNetworkLayerForALongLineIsCountedAsMisbehaving() {
        var proxy = ProxyHarness()
        proxy.upstreamJob(clean: true)
        let id = proxy.readyMiner()
        let effects = proxy.run { core, _ in core.misbehaved(id, reason: "line longer than max_line_length") }
        XCTAssertEqual(proxy.closes(in: effects).map(\.0), [id])
        XCTAssertEqual(proxy.core.snapshot(now: proxy.now).closedForMisbehaviour, 1)
    }

    func testSubmitsAboveTheRateCapAreRefusedAndCounted() {
        var proxy = ProxyHarness { $0.maximumSubmitsPerSecond = 1 }  // burst of 10
        proxy.upstreamJob(clean: true)
        let id = proxy.readyMiner()
        var refused = 0
        for _ in 0..<15 {
            let answer = proxy.send(id, "mining.submit", ["rig", "nope", "0000", "00000000", "00000000"])
            if proxy.answer(to: id, in: answer)?.error.arrayValue?.dropFirst().first?.stringValue?.contains("Too many") == true { refused += 1 }
        }
        XCTAssertEqual(refused, 5)
        XCTAssertEqual(proxy.core.snapshot(now: proxy.now).downstreams.first?.statistics.rateLimited, 5)
    }

    func testHandshakeAndIdleTimeoutsClose() {
        var proxy = ProxyHarness { $0.handshakeTimeout = 10; $0.idleTimeout = 100 }
        proxy.upstreamJob(clean: true)
        let silent = proxy.connect()
        let miner = proxy.readyMiner()
        proxy.now += 11
        XCTAssertEqual(proxy.closes(in: proxy.run { core, now in core.tick(now: now) }).map(\.0), [silent])
        proxy.run { core, _ in core.downstreamClosed(silent, reason: "closed") }
        proxy.now += 100
        XCTAssertEqual(proxy.closes(in: proxy.run { core, now in core.tick(now: now) }).map(\.0), [miner])
    }

    func testConnectionsBeyondMaxDownstreamsAreRefused() {
        var proxy = ProxyHarness { $0.maximumDownstreams = 2 }
        _ = proxy.connect()
        _ = proxy.connect()
        let (id, _) = proxy.core.openDownstream(address: "10.0.0.9", now: proxy.now)
        XCTAssertNil(id)
        XCTAssertEqual(proxy.core.snapshot(now: proxy.now).refusedConnections, 1)
    }
}
