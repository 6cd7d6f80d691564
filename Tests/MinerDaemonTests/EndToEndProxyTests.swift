import FarmProxy
import FarmProxyCore
import Foundation
import LocalPool
import Logging
import MinerDaemon
import MiningCore
import StratumProtocol
import XCTest

/// The farm proxy end to end over real sockets on 127.0.0.1: a validating `LocalPool` upstream,
/// the `FarmProxy` in the middle, and below it real daemons (`MinerService`) and scripted
/// miners (an ASIC's handshake, a flood, a miner that leaves mid-share). Every test checks the
/// three views against each other: what the pool accepted, what the proxy counted, what each
/// miner was told.
final class EndToEndProxyTests: XCTestCase {
    /// The daemons' difficulty at the proxy: a few shares a second per thread.
    static let d = EndToEndRun.difficulty
    /// The scripted miners' suggestions: far below `d` (they scan with this CPU's kernel).
    static let tiny = d / 1000

    // MARK: - 1. One upstream session for a farm

    /// Two daemons and an ASIC-like scripted miner behind the proxy: the pool sees one session;
    /// shares at the downstream difficulty are answered by the proxy, those also meeting the pool's
    /// are forwarded and accepted there; every count agrees on all three sides; the ASIC's
    /// version-rolling mask is the intersection of its request and the pool's.
    func testDaemonsAndAnASICMineThroughOneUpstreamSession() async throws {
        let pool = makeProxyTestPool(difficulty: 4 * Self.d)
        let poolPort = try await pool.start()
        let proxy = try await ProxyRun(pools: [ProxyRun.pool(poolPort)]) {
            $0.downstreamMinimumDifficulty = Self.tiny / 4
            $0.downstreamMaximumDifficulty = Self.d  // the daemons stay at d: a quarter of their shares reach the pool
        }
        await proxy.waitForUpstream()
        let daemons = try (1...2).map { try ProxiedDaemon(proxyPort: proxy.port, user: "farm.rig\($0)") }

        let asic = try await ScriptedMiner.connect(port: proxy.port)
        let requestedMask: UInt32 = 0xe001_f000
        let asicAnswers = try await runASIC(asic, requestedMask: requestedMask, poolDifficulty: 4 * Self.d, pool: pool)

        await expectWithin(.seconds(20), "daemon shares both forwarded and answered locally: "
                           + "\(daemons.map { proxy.tally(user: $0.user).description })") {
            let tallies = daemons.map { proxy.tally(user: $0.user) }
            return tallies.allSatisfy { $0.valid >= 2 } && tallies.map(\.acceptedByPool).reduce(0, +) >= 2
                && tallies.map(\.validLocally).reduce(0, +) >= 2
        }
        for daemon in daemons { try await daemon.stop() }
        let asicStatistics = try XCTUnwrap(proxy.status.core.downstreams.first { $0.user == "farm.asic" }?.statistics)
        await asic.close()
        await expectWithin(.seconds(5), "every connection closed") { proxy.status.core.downstreams.isEmpty }
        let status = proxy.status
        await proxy.stop()
        let stats = pool.stats
        await pool.stop()

        // The pool: one session, the proxy's login, every share valid.
        XCTAssertEqual(stats.sessions.count, 1, "one upstream session for the whole farm: \(stats.sessions)")
        XCTAssertEqual(stats.sessions.first?.authorizedWorkers, [ProxyRun.user])
        XCTAssertEqual(stats.rejected, 0, "\(stats.rejectedByReason)")
        XCTAssertTrue(stats.acceptedShares.allSatisfy { $0.worker == ProxyRun.user && $0.shareDifficulty >= $0.difficulty })
        // The proxy's books agree with the pool's and with its own events.
        XCTAssertEqual(status.core.totals.acceptedByPool, stats.accepted)
        XCTAssertEqual(status.core.totals.rejectedByPool, 0)
        XCTAssertEqual(status.core.totals.lost, 0)
        XCTAssertEqual(status.core.pendingForwards, 0)
        let users = daemons.map(\.user) + ["farm.asic"]
        XCTAssertEqual(users.map { proxy.tally(user: $0).acceptedByPool }.reduce(0, +), stats.accepted)
        XCTAssertEqual(users.map { proxy.tally(user: $0).validLocally }.reduce(0, +), status.core.totals.validLocally)
        XCTAssertEqual(users.map { proxy.tally(user: $0).refused }.reduce(0, +), status.core.totals.rejected)
        // Each daemon: told `true` exactly for the shares the proxy found valid, and refused none.
        for daemon in daemons {
            daemon.assertAgrees(with: proxy)
            XCTAssertEqual(proxy.tally(user: daemon.user).refused, 0, "\(daemon.user): \(proxy.tally(user: daemon.user))")
        }
        // The ASIC: its answers are the proxy's counts for it.
        XCTAssertEqual(asicStatistics.acceptedByPool + asicStatistics.validLocally, asicAnswers.accepted)
        XCTAssertGreaterThanOrEqual(asicStatistics.acceptedByPool, 1, "its share at the pool's difficulty was forwarded")
        XCTAssertEqual(asicStatistics.rejectedByReason[.lowDifficulty], 1)
        XCTAssertEqual(asicStatistics.rejectedByReason[.duplicate], 2)
        XCTAssertEqual(asicStatistics.rejectedByReason[.other], 1, "version bits outside its mask")
        XCTAssertEqual(asicStatistics.rejectedByPool, 0)
        // Version rolling: the intersection of the ASIC's request and the pool's mask.
        let upstreamMask = try XCTUnwrap(stats.sessions.first?.versionRollingMask)
        XCTAssertEqual(asicAnswers.grantedMask, requestedMask & upstreamMask)
        XCTAssertEqual(status.core.upstreamVersionMask, upstreamMask)
        XCTAssertNotEqual(asicAnswers.grantedMask, requestedMask)
        // Each miner rolled its own part of the pool's extranonce2: the pool's shares split by prefix
        // exactly as the proxy counted them per miner.
        assertSharesSplitByPrefix(stats, proxy: proxy, users: users, upstreamExtranonce1: stats.sessions.first?.extranonce1)
        let rolled = try XCTUnwrap(asicAnswers.forwarded)
        XCTAssertTrue(stats.acceptedShares.contains { $0.nonce == rolled.nonce && $0.versionBits == rolled.versionBits },
                      "the ASIC's version-rolled share reached the pool with its version bits")
    }

    // MARK: - 2. A new upstream extranonce

    /// The pool changes the proxy's extranonce1 (`setExtranonceForAll`, then `setExtranonce`
    /// with a chosen extranonce1 and a larger extranonce2): the miner that sent
    /// `mining.extranonce.subscribe` is told the new extranonce1 followed by its own prefix, and its
    /// shares on it are accepted by the pool; the scripted miner and the daemon that did not ask
    /// are told `client.reconnect` and closed, and the daemon comes back and mines on.
    func testUpstreamExtranonceChangeReachesEveryMiner() async throws {
        let pool = makeProxyTestPool(difficulty: Self.d, extranonce2Size: 6)
        let poolPort = try await pool.start()
        let proxy = try await ProxyRun(pools: [ProxyRun.pool(poolPort, extranonceSubscribe: true)]) {
            $0.downstreamMinimumDifficulty = Self.tiny
            $0.downstreamMaximumDifficulty = Self.d
        }
        await proxy.waitForUpstream()
        let daemon = try ProxiedDaemon(proxyPort: proxy.port, user: "farm.rig1")
        let told = try await ScriptedMiner.connect(port: proxy.port)
        try await told.subscribeAndAuthorize(user: "farm.told", extranonceSubscribe: true)
        let notTold = try await ScriptedMiner.connect(port: proxy.port)
        try await notTold.subscribeAndAuthorize(user: "farm.nottold")
        let work = try await told.waitForWork()
        let upstreamBefore = try XCTUnwrap(pool.stats.sessions.first?.extranonce1)
        let upstreamLength = try XCTUnwrap(Hex.decode(upstreamBefore)).count
        let ownPrefix = Array(work.extranonce1.dropFirst(upstreamLength))
        XCTAssertEqual(ownPrefix.count, 2, "the proxy's default prefix")
        try await submitValid(told, "farm.told", work)
        await expectWithin(.seconds(15), "the daemon mines: \(proxy.tally(user: daemon.user))") {
            proxy.tally(user: daemon.user).acceptedByPool >= 2
        }

        // Round 1: a fresh extranonce1 from the pool.
        let session = try XCTUnwrap(pool.sessionIDs.first)
        try pool.setExtranonceForAll()
        let round1 = try await expectNewExtranonce(told, count: 1)
        let upstream1 = try XCTUnwrap(pool.stats.sessions.first?.extranonce1)
        XCTAssertNotEqual(upstream1, upstreamBefore)
        XCTAssertEqual(round1.extranonce1, upstream1 + Hex.encode(ownPrefix), "the new upstream extranonce1, then its own prefix")
        XCTAssertEqual(round1.size, 4)
        let work1 = try await told.waitForWork(after: work.index) { Hex.encode($0.extranonce1) == round1.extranonce1 }
        XCTAssertEqual(Hex.encode(work1.extranonce1), round1.extranonce1)
        try await submitValid(told, "farm.told", work1)
        // A share for a job of the old extranonce1 is stale now (it would be judged with the new one).
        let old = try XCTUnwrap(work.findShare(fill: 8))
        let oldAnswer = try await told.submit("farm.told", work, old)
        XCTAssertEqual(ScriptedMiner.errorCode(oldAnswer), 21, oldAnswer.serialized)
        await expectWithin(.seconds(5), "the miner that did not ask is reconnected") { notTold.isClosed }
        XCTAssertEqual(notTold.notifications("client.reconnect").count, 1, "told to reconnect before the close")
        XCTAssertTrue(notTold.notifications("mining.set_extranonce").isEmpty)
        let poolBefore = proxy.tally(user: daemon.user).acceptedByPool
        await expectWithin(.seconds(15), "the daemon is back and mining: \(proxy.tally(user: daemon.user))") {
            proxy.downstreams(user: daemon.user).count == 2 && proxy.tally(user: daemon.user).acceptedByPool >= poolBefore + 2
        }

        // Round 2: a chosen extranonce1 and a longer extranonce2 for the proxy's session.
        try pool.setExtranonce(session: session, extranonce1: [0xca, 0xfe, 0xf0, 0x0d], extranonce2Size: 8)
        let round2 = try await expectNewExtranonce(told, count: 2)
        XCTAssertEqual(round2.extranonce1, "cafef00d" + Hex.encode(ownPrefix))
        XCTAssertEqual(round2.size, 6, "the pool's 8 bytes less the 2-byte prefix")
        let work2 = try await told.waitForWork(after: work1.index) { Hex.encode($0.extranonce1) == round2.extranonce1 }
        XCTAssertEqual(work2.extranonce2Size, 6)
        try await submitValid(told, "farm.told", work2)
        let poolBefore2 = proxy.tally(user: daemon.user).acceptedByPool
        await expectWithin(.seconds(15), "the daemon is back again: \(proxy.tally(user: daemon.user))") {
            proxy.downstreams(user: daemon.user).count == 3 && proxy.tally(user: daemon.user).acceptedByPool >= poolBefore2 + 2
        }

        try await daemon.stop()
        await told.close()
        await proxy.stop()
        let stats = pool.stats
        await pool.stop()
        let status = proxy.status
        XCTAssertEqual(stats.sessions.count, 1, "the extranonce changed within the one upstream session")
        XCTAssertEqual(stats.rejected, 0, "\(stats.rejectedByReason)")
        XCTAssertEqual(status.core.totals.acceptedByPool, stats.accepted)
        XCTAssertEqual(proxy.tally(user: "farm.told"), ShareTally(acceptedByPool: 3, rejectedByProxy: 1))
        daemon.assertAgrees(with: proxy, closedByProxy: true)
        let reconnects = proxy.closed.filter { $0.reason.contains("extranonce") }.map(\.id)
        XCTAssertEqual(Set(reconnects), Set(proxy.downstreams(user: daemon.user).dropLast() + proxy.downstreams(user: "farm.nottold")),
                       "closed for the extranonce change: the daemon twice, the other scripted miner once")
        let changes = extranonceChanges(proxy)
        XCTAssertEqual(changes.map(\.told), [1, 1], "one miner told each time")
        XCTAssertEqual(changes.map(\.reconnected), [2, 1], "two reconnected the first time, the daemon alone the second")
        // The told miner's shares carry its prefix under each extranonce1.
        let toldShares = stats.acceptedShares.filter { $0.extranonce2.hasPrefix(Hex.encode(ownPrefix)) }
        XCTAssertGreaterThanOrEqual(toldShares.count, 3)
        XCTAssertTrue(toldShares.contains { $0.extranonce2.count == 16 }, "a share with the 8-byte extranonce2")
    }

    /// The latest `mining.set_extranonce` once `count` have come.
    private func expectNewExtranonce(_ miner: ScriptedMiner, count: Int) async throws -> (extranonce1: String, size: Int64) {
        let arrived = await miner.wait(.seconds(5)) { $0.notifications("mining.set_extranonce").count >= count }
        XCTAssertTrue(arrived, "mining.set_extranonce number \(count)")
        let params = try XCTUnwrap(miner.notifications("mining.set_extranonce").last)
        return (try XCTUnwrap(params.first?.stringValue), try XCTUnwrap(params.dropFirst().first?.integerValue))
    }

    /// Finds a share at the job's difficulty and expects it accepted.
    private func submitValid(_ miner: ScriptedMiner, _ user: String, _ work: ScriptedMiner.Work, fill: UInt8 = 7,
                             file: StaticString = #filePath, line: UInt = #line) async throws {
        let share = try XCTUnwrap(work.findShare(fill: fill), file: file, line: line)
        let answer = try await miner.submit(user, work, share)
        XCTAssertTrue(ScriptedMiner.isTrue(answer), answer.serialized, file: file, line: line)
    }

    // MARK: - 3. The pool goes away and comes back

    /// The pool restarts on the same port: the miners stay connected to the proxy while it is
    /// gone, and once the proxy's client is back (a new session, a new extranonce1, told to the
    /// daemons with `mining.set_extranonce`) their shares are accepted by the new pool.
    func testPoolRestartHoldsTheMinersAndMiningResumes() async throws {
        let first = makeProxyTestPool(difficulty: Self.d)
        let poolPort = try await first.start()
        let proxy = try await ProxyRun(pools: [ProxyRun.pool(poolPort)]) {
            $0.downstreamMinimumDifficulty = Self.d
            $0.downstreamMaximumDifficulty = Self.d
        }
        await proxy.waitForUpstream()
        let daemons = try (1...2).map { try ProxiedDaemon(proxyPort: proxy.port, user: "farm.rig\($0)", extranonceSubscribe: true) }
        await expectWithin(.seconds(15), "both mining on the first pool: \(first.stats.accepted)") {
            daemons.allSatisfy { self.hasShares(of: $0.user, at: first, proxy: proxy) }
        }
        let firstStats = first.stats
        await first.stop()
        await expectWithin(.seconds(5), "the proxy sees the pool gone") { !proxy.status.core.upstreamUp }
        // Reconnect attempts fail meanwhile; the miners stay.
        let retries = proxy.logs.lines(containing: "reconnecting").count
        await expectWithin(.seconds(5), "the proxy's client retried in vain") { proxy.logs.lines(containing: "reconnecting").count >= retries + 2 }
        XCTAssertEqual(proxy.status.core.downstreams.count, 2, "both daemons held while no pool is up")
        // A miner arriving now: its subscribe waits for a pool (its authorize is answered).
        let arriving = try await ScriptedMiner.connect(port: proxy.port)
        let subscribeID = arriving.send("mining.subscribe", ["arriving/1.0"])
        let authorize = try await arriving.request("mining.authorize", ["farm.arriving", "x"])
        XCTAssertTrue(ScriptedMiner.isTrue(authorize), authorize.serialized)
        XCTAssertFalse(arriving.messages.contains { $0["id"]?.integerValue == subscribeID }, "subscribe held while no pool is up")

        let second = makeProxyTestPool(difficulty: Self.d, port: poolPort)
        _ = try await second.start()
        await proxy.waitForUpstream()
        let subscribed = try ScriptedMiner.requireResult(await arriving.response(id: subscribeID))
        let arrivingWork = try await arriving.waitForWork()
        XCTAssertEqual(subscribed.arrayValue?[1].stringValue, Hex.encode(arrivingWork.extranonce1))
        XCTAssertTrue(Hex.encode(arrivingWork.extranonce1).hasPrefix(second.stats.sessions.first?.extranonce1 ?? "-"),
                      "the new pool's extranonce1, then the miner's prefix")
        try await submitValid(arriving, "farm.arriving", arrivingWork)
        await arriving.close()
        await expectWithin(.seconds(15), "both mining on the new pool: \(second.stats.accepted)") {
            daemons.allSatisfy { self.hasShares(of: $0.user, at: second, proxy: proxy) }
        }
        for daemon in daemons {
            XCTAssertFalse(daemon.logs.contains(level: .warning, "disconnected from"), "\(daemon.user) never lost the proxy")
            try await daemon.stop()
        }
        await proxy.stop()
        let secondStats = second.stats
        await second.stop()

        XCTAssertTrue(proxy.closed.allSatisfy { $0.reason == "closed by the miner" },
                      "no miner was closed by the proxy: \(proxy.closed)")
        for daemon in daemons {
            XCTAssertEqual(proxy.downstreams(user: daemon.user).count, 1, "\(daemon.user) kept its one connection")
            daemon.assertAgrees(with: proxy)
        }
        XCTAssertEqual(proxy.tally(user: "farm.arriving"), ShareTally(acceptedByPool: 1), "the held miner's share, at the new pool")
        XCTAssertEqual(secondStats.sessions.count, 1)
        XCTAssertEqual(firstStats.rejected + secondStats.rejected, 0, "\(firstStats.rejectedByReason) \(secondStats.rejectedByReason)")
        XCTAssertEqual(proxy.status.core.totals.acceptedByPool, first.stats.accepted + secondStats.accepted)
        XCTAssertNotEqual(secondStats.sessions.first?.extranonce1, firstStats.sessions.first?.extranonce1)
        XCTAssertEqual(extranonceChanges(proxy).map(\.told), [2], "both daemons told the new session's extranonce")
        XCTAssertEqual(extranonceChanges(proxy).map(\.reconnected), [0])
    }

    /// Failover: the primary stops, the proxy moves to the backup (the miners stay connected and
    /// their shares are accepted there), the primary returns and the proxy goes back to it.
    func testFailoverToTheBackupAndBack() async throws {
        let primary = makeProxyTestPool(difficulty: Self.d)
        let primaryPort = try await primary.start()
        let backup = makeProxyTestPool(difficulty: Self.d)
        let backupPort = try await backup.start()
        var timers = ProxyRun.upstreamTimers
        timers.primaryProbeInterval = .milliseconds(300)
        let proxy = try await ProxyRun(pools: [ProxyRun.pool(primaryPort), ProxyRun.pool(backupPort)], timers: timers) {
            $0.downstreamMinimumDifficulty = Self.d
            $0.downstreamMaximumDifficulty = Self.d
        }
        await proxy.waitForUpstream()
        let daemons = try (1...2).map { try ProxiedDaemon(proxyPort: proxy.port, user: "farm.rig\($0)", extranonceSubscribe: true) }
        await expectWithin(.seconds(15), "both mining on the primary: \(primary.stats.accepted)") {
            daemons.allSatisfy { self.hasShares(of: $0.user, at: primary, proxy: proxy) }
        }
        await primary.stop()
        await expectWithin(.seconds(15), "both mining on the backup: \(backup.stats.accepted)") {
            daemons.allSatisfy { self.hasShares(of: $0.user, at: backup, proxy: proxy) }
        }
        XCTAssertEqual(proxy.status.core.downstreams.count, 2, "both daemons stayed through the failover")
        XCTAssertEqual(proxy.status.upstream.url, "stratum+tcp://127.0.0.1:\(backupPort)")
        let returned = makeProxyTestPool(difficulty: Self.d, port: primaryPort)
        _ = try await returned.start()
        await expectWithin(.seconds(15), "both back on the primary: \(returned.stats.accepted)") {
            daemons.allSatisfy { self.hasShares(of: $0.user, at: returned, proxy: proxy) }
        }
        await expectWithin(.seconds(5), "the backup session closed") { !backup.stats.sessions.contains(where: \.connected) }
        XCTAssertTrue(proxy.status.core.upstreamUp)
        XCTAssertEqual(proxy.status.upstream.url, "stratum+tcp://127.0.0.1:\(primaryPort)")
        for daemon in daemons { try await daemon.stop() }
        await proxy.stop()
        let primaryStats = primary.stats, backupStats = backup.stats, returnedStats = returned.stats
        await backup.stop()
        await returned.stop()

        XCTAssertTrue(proxy.closed.allSatisfy { $0.reason == "closed by the miner" },
                      "no miner was closed by the proxy: \(proxy.closed)")
        for daemon in daemons {
            XCTAssertEqual(proxy.downstreams(user: daemon.user).count, 1, "\(daemon.user) kept its one connection")
            daemon.assertAgrees(with: proxy)
        }
        let all = [primaryStats, backupStats, returnedStats]
        XCTAssertEqual(all.map(\.rejected), [0, 0, 0], "\(all.map(\.rejectedByReason))")
        XCTAssertEqual(backupStats.sessions.count, 1, "one backup session")
        XCTAssertEqual(returnedStats.sessions.count, 1, "one session on the returned primary")
        XCTAssertEqual(proxy.status.core.totals.acceptedByPool, all.map(\.accepted).reduce(0, +))
        XCTAssertTrue(all.allSatisfy { $0.acceptedShares.allSatisfy { $0.worker == ProxyRun.user } })
    }

    /// Whether `pool` accepted shares carrying the prefix of `user`'s latest connection.
    private func hasShares(of user: String, at pool: LocalPool, proxy: ProxyRun) -> Bool {
        guard let prefix = prefix(of: user, in: proxy) else { return false }
        return pool.stats.acceptedShares.contains { $0.extranonce2.hasPrefix(prefix) }
    }

    /// The extranonce2 prefix (hex) the proxy gave `user`'s latest connection.
    private func prefix(of user: String, in proxy: ProxyRun) -> String? {
        guard let id = proxy.downstreams(user: user).last else { return nil }
        for event in proxy.events.reversed() {
            if case .downstreamSubscribed(id, let extranonce1, _, _) = event { return String(extranonce1.suffix(4)) }
        }
        return nil
    }

    // MARK: - 4. Hostile and vanishing miners

    /// A miner that floods malformed lines, and one that sends an endless line, are closed, and
    /// the proxy's log names each one's address and connection; the daemon beside them mines on
    /// untouched.
    func testFloodingMinersAreClosedAndOthersMineOn() async throws {
        let pool = makeProxyTestPool(difficulty: Self.d)
        let poolPort = try await pool.start()
        let proxy = try await ProxyRun(pools: [ProxyRun.pool(poolPort)]) {
            $0.downstreamMinimumDifficulty = Self.d
            $0.downstreamMaximumDifficulty = Self.d
            $0.maximumLineLength = 4096
        }
        await proxy.waitForUpstream()
        let daemon = try ProxiedDaemon(proxyPort: proxy.port, user: "farm.rig1")
        await expectWithin(.seconds(15), "the daemon mines") { proxy.tally(user: daemon.user).acceptedByPool >= 2 }

        let garbage = try await ScriptedMiner.connect(port: proxy.port)
        try await garbage.subscribeAndAuthorize(user: "farm.garbage")
        for index in 0..<50 { garbage.sendLine(index.isMultiple(of: 2) ? "\u{1}\u{7f}garbage {{{ \(index)" : "[1, 2, 3]") }
        await expectWithin(.seconds(5), "the flood is closed") { garbage.isClosed }
        let endless = try await ScriptedMiner.connect(port: proxy.port)
        try await endless.subscribeAndAuthorize(user: "farm.endless")
        endless.sendRaw([UInt8](repeating: UInt8(ascii: "A"), count: 64 * 1024))
        await expectWithin(.seconds(5), "the endless line is closed") { endless.isClosed }

        let before = proxy.tally(user: daemon.user).acceptedByPool
        await expectWithin(.seconds(15), "the daemon mines on") { proxy.tally(user: daemon.user).acceptedByPool >= before + 2 }
        XCTAssertFalse(daemon.logs.contains(level: .warning, "disconnected from"), "the daemon never lost the proxy")
        try await daemon.stop()
        await proxy.stop()
        let stats = pool.stats
        await pool.stop()

        let garbageID = try XCTUnwrap(proxy.downstreams(user: "farm.garbage").first)
        let endlessID = try XCTUnwrap(proxy.downstreams(user: "farm.endless").first)
        let garbageReason = proxy.closed.first { $0.id == garbageID }?.reason ?? "not closed"
        XCTAssertTrue(garbageReason.contains("malformed lines"), garbageReason)
        let endlessReason = proxy.closed.first { $0.id == endlessID }?.reason ?? "not closed"
        XCTAssertTrue(endlessReason.contains("longer than max_line_length"), endlessReason)
        // The operator's lines: which miner (address, connection) and why.
        let misbehaved = proxy.logs.records.filter { $0.message == "miner misbehaved" && $0.metadataValues.contains("\(garbageID)") }
        XCTAssertGreaterThanOrEqual(misbehaved.count, 1, "\(proxy.logs.records.map(\.text))")
        XCTAssertTrue(misbehaved.allSatisfy { $0.level >= .notice && $0.metadataValues.contains("127.0.0.1") }, "\(misbehaved.map(\.text))")
        let closedLines = proxy.logs.records.filter { $0.message == "miner disconnected" && $0.metadataValues.contains("127.0.0.1") }
        XCTAssertTrue(closedLines.contains { $0.metadataValues.contains("\(garbageID)") && $0.text.contains("malformed lines") },
                      "\(closedLines.map(\.text))")
        XCTAssertTrue(closedLines.contains { $0.metadataValues.contains("\(endlessID)") && $0.text.contains("longer than max_line_length") },
                      "\(closedLines.map(\.text))")
        XCTAssertEqual(proxy.status.core.closedForMisbehaviour, 2, "the flood and the endless line")
        // The daemon was not disturbed.
        XCTAssertEqual(proxy.downstreams(user: daemon.user).count, 1)
        daemon.assertAgrees(with: proxy)
        XCTAssertEqual(proxy.tally(user: daemon.user).refused, 0)
        XCTAssertEqual(stats.rejected, 0)
        XCTAssertEqual(proxy.status.core.totals.acceptedByPool, stats.accepted)
        XCTAssertEqual(stats.sessions.count, 1)
    }

    /// A miner submits a share the proxy forwards and disconnects before the pool answers: the
    /// verdict still arrives and is counted for it (in the closed connections' totals), nothing
    /// stays pending, and the daemon beside it mines on.
    func testAMinerLeavingMidShareDoesNotDisturbTheProxy() async throws {
        let pool = makeProxyTestPool(difficulty: Self.d)
        let poolPort = try await pool.start()
        let proxy = try await ProxyRun(pools: [ProxyRun.pool(poolPort)]) {
            $0.downstreamMinimumDifficulty = Self.d
            $0.downstreamMaximumDifficulty = Self.d
        }
        await proxy.waitForUpstream()
        let daemon = try ProxiedDaemon(proxyPort: proxy.port, user: "farm.rig1")
        await expectWithin(.seconds(15), "the daemon mines") { proxy.tally(user: daemon.user).acceptedByPool >= 2 }

        let leaver = try await ScriptedMiner.connect(port: proxy.port)
        try await leaver.subscribeAndAuthorize(user: "farm.leaver")
        let work = try await leaver.waitForWork()
        let share = try XCTUnwrap(work.findShare(fill: 3))
        let leaverID = try XCTUnwrap(proxy.downstreams(user: "farm.leaver").first)
        pool.holdSubmitAnswers()
        let submitID = leaver.send("mining.submit", [.string("farm.leaver"), .string(work.job.jobID), .string(Hex.encode(share.extranonce2)),
                                      .string(WireEncoding.hex(work.job.notify.ntime)), .string(WireEncoding.hex(share.nonce))])
        await expectWithin(.seconds(5), "the pool judged the share") {
            pool.stats.acceptedShares.contains { $0.nonce == share.nonce && $0.extranonce2.hasSuffix(Hex.encode(share.extranonce2)) }
        }
        await leaver.close()
        await expectWithin(.seconds(5), "the proxy saw it leave") { proxy.closed.contains { $0.id == leaverID } }
        XCTAssertGreaterThanOrEqual(proxy.status.core.pendingForwards, 1, "its share still waits for the pool's answer")
        pool.releaseHeldSubmitAnswers()
        await expectWithin(.seconds(5), "the verdict arrived") { proxy.tally(user: "farm.leaver").acceptedByPool == 1 }
        let before = proxy.tally(user: daemon.user).acceptedByPool
        await expectWithin(.seconds(15), "the daemon mines on") { proxy.tally(user: daemon.user).acceptedByPool >= before + 2 }
        try await daemon.stop()
        await expectWithin(.seconds(5), "nothing pending") { proxy.status.core.pendingForwards == 0 }
        let status = proxy.status
        await proxy.stop()
        let stats = pool.stats
        await pool.stop()

        XCTAssertEqual(proxy.tally(user: "farm.leaver"), ShareTally(acceptedByPool: 1))
        XCTAssertTrue(leaver.messages.allSatisfy { $0["id"]?.integerValue != submitID }, "no answer reached the closed connection")
        XCTAssertEqual(status.core.totals.acceptedByPool, stats.accepted, "the leaver's share is in the totals")
        XCTAssertEqual(status.core.totals.lost, 0)
        XCTAssertEqual(stats.rejected, 0)
        XCTAssertEqual(proxy.downstreams(user: daemon.user).count, 1)
        daemon.assertAgrees(with: proxy)
        XCTAssertEqual(proxy.tally(user: daemon.user).refused, 0)
    }

    // MARK: - 5. hold_downstreams

    /// No pool is reachable: a miner's subscribe is held, and after `hold_downstreams` (2 s here)
    /// it is closed so it can use its own backup pools; a miner arriving then is refused at
    /// subscribe. Once a pool is up, miners are served again.
    func testMinersAreReleasedWhenNoPoolComesUpWithinHoldDownstreams() async throws {
        let placeholder = makeProxyTestPool(difficulty: Self.d)
        let poolPort = try await placeholder.start()
        await placeholder.stop()
        let proxy = try await ProxyRun(pools: [ProxyRun.pool(poolPort)]) {
            $0.holdDownstreams = 2
            $0.downstreamMinimumDifficulty = Self.d
        }
        let held = try await ScriptedMiner.connect(port: proxy.port)
        let subscribeID = held.send("mining.subscribe", ["held/1.0"])
        let authorize = try await held.request("mining.authorize", ["farm.held", "x"])
        XCTAssertTrue(ScriptedMiner.isTrue(authorize), authorize.serialized)
        XCTAssertFalse(held.messages.contains { $0["id"]?.integerValue == subscribeID }, "subscribe held while no pool is up")
        XCTAssertEqual(proxy.status.core.downstreams.count, 1)
        await expectWithin(.seconds(8), "released after hold_downstreams") { held.isClosed }
        XCTAssertFalse(held.messages.contains { $0["id"]?.integerValue == subscribeID }, "never subscribed")
        let heldID = try XCTUnwrap(proxy.downstreams(user: "farm.held").first)
        let reason = proxy.closed.first { $0.id == heldID }?.reason ?? "not closed"
        XCTAssertTrue(reason.contains("hold_downstreams"), reason)
        XCTAssertTrue(proxy.events.contains(.downstreamsReleased(count: 1)))
        XCTAssertTrue(proxy.logs.contains(level: .warning, "no upstream pool for hold_downstreams"))

        let late = try await ScriptedMiner.connect(port: proxy.port)
        let refused = try await late.request("mining.subscribe", ["late/1.0"])
        XCTAssertEqual(ScriptedMiner.errorCode(refused), 20, refused.serialized)
        await expectWithin(.seconds(5), "the late miner is closed") { late.isClosed }

        let pool = makeProxyTestPool(difficulty: Self.d, port: poolPort)
        _ = try await pool.start()
        await proxy.waitForUpstream()
        let served = try await ScriptedMiner.connect(port: proxy.port)
        try await served.subscribeAndAuthorize(user: "farm.served")
        let work = try await served.waitForWork()
        try await submitValid(served, "farm.served", work)
        await served.close()
        await proxy.stop()
        let stats = pool.stats
        await pool.stop()
        XCTAssertEqual(stats.accepted, 1)
        XCTAssertEqual(proxy.status.core.totals.acceptedByPool, 1)
    }

    private func extranonceChanges(_ proxy: ProxyRun) -> [(told: Int, reconnected: Int)] {
        proxy.events.compactMap { event in
            if case .upstreamExtranonceChanged(_, let told, let reconnected) = event { (told, reconnected) } else { nil }
        }
    }

    struct ASICAnswers {
        var grantedMask: UInt32 = 0
        var accepted = 0
        var forwarded: FoundShare?
    }

    /// The handshake of an ASIC's firmware (configure, extranonce.subscribe, suggest_difficulty
    /// before and after authorize), then valid shares (one with version bits), a share at the
    /// pool's difficulty with version bits, a low-difficulty share, two duplicates, and version bits
    /// outside the granted mask.
    private func runASIC(_ asic: ScriptedMiner, requestedMask: UInt32, poolDifficulty: Double, pool: LocalPool) async throws -> ASICAnswers {
        var answers = ASICAnswers()
        let configure = try ScriptedMiner.requireResult(await asic.request("mining.configure", [
            ["version-rolling"], ["version-rolling.mask": .string(WireEncoding.hex(requestedMask)), "version-rolling.min-bit-count": 2],
        ]))
        XCTAssertEqual(configure["version-rolling"], .bool(true), configure.serialized)
        answers.grantedMask = try XCTUnwrap(configure["version-rolling.mask"]?.stringValue.flatMap { WireEncoding.uint32(fromHex: $0) })
        try await expectTrue(asic, "mining.extranonce.subscribe", [])
        try await expectTrue(asic, "mining.suggest_difficulty", [.double(Self.tiny)])
        try ScriptedMiner.requireResult(await asic.request("mining.subscribe", ["asic-firmware/2.1"]))
        try await expectTrue(asic, "mining.authorize", ["farm.asic", "x"])
        let first = try await asic.waitForWork()
        XCTAssertEqual(first.difficulty, Self.tiny, "the suggestion made before authorize sets the first difficulty")
        XCTAssertEqual(first.versionMask, answers.grantedMask)
        try await expectTrue(asic, "mining.suggest_difficulty", [.double(2 * Self.tiny)])
        // A higher difficulty is in force from the next job (the job in hand is not sent again).
        pool.broadcastNewJob(clean: false)
        let work = try await asic.waitForWork(after: first.index)
        XCTAssertEqual(work.difficulty, 2 * Self.tiny, "a suggestion after authorize retargets")
        XCTAssertNotEqual(work.job.jobID, first.job.jobID, "the next job carries it")

        let lowestBit = answers.grantedMask & (~answers.grantedMask &+ 1)
        let highestBit = UInt32(1) << (31 - UInt32(answers.grantedMask.leadingZeroBitCount))
        var valid: [FoundShare] = []
        for (fill, bits) in [(UInt8(1), UInt32?.none), (2, nil), (3, lowestBit)] {
            let share = try XCTUnwrap(work.findShare(fill: fill, versionBits: bits))
            let answer = try await asic.submit("farm.asic", work, share)
            XCTAssertTrue(ScriptedMiner.isTrue(answer), "a valid share: \(answer.serialized)")
            valid.append(share)
        }
        let forwarded = try XCTUnwrap(work.findShare(difficulty: poolDifficulty, fill: 9, versionBits: highestBit))
        let forwardedAnswer = try await asic.submit("farm.asic", work, forwarded)
        XCTAssertTrue(ScriptedMiner.isTrue(forwardedAnswer), "accepted by the pool: \(forwardedAnswer.serialized)")
        answers.forwarded = forwarded
        answers.accepted = valid.count + 1

        let low = try XCTUnwrap(work.findLowShare(fill: 4))
        let lowAnswer = try await asic.submit("farm.asic", work, low)
        XCTAssertEqual(ScriptedMiner.errorCode(lowAnswer), 23, lowAnswer.serialized)
        // Duplicates, of a share answered locally and of one the pool accepted: the pool never sees them.
        for share in [valid[0], forwarded] {
            let duplicateAnswer = try await asic.submit("farm.asic", work, share)
            XCTAssertEqual(ScriptedMiner.errorCode(duplicateAnswer), 22, duplicateAnswer.serialized)
        }
        // A bit the pool would roll, but outside what this miner was granted.
        let notGranted = VersionRolling.standardMask & ~answers.grantedMask
        var outside = try XCTUnwrap(work.findShare(fill: 5))
        outside.versionBits = notGranted & (~notGranted &+ 1)
        XCTAssertNotEqual(notGranted, 0)
        let outsideAnswer = try await asic.submit("farm.asic", work, outside)
        XCTAssertEqual(ScriptedMiner.errorCode(outsideAnswer), 20, outsideAnswer.serialized)
        return answers
    }

    /// Sends a request and expects `"result": true`.
    private func expectTrue(_ miner: ScriptedMiner, _ method: String, _ params: [JSONValue],
                            file: StaticString = #filePath, line: UInt = #line) async throws {
        let answer = try await miner.request(method, params)
        XCTAssertTrue(ScriptedMiner.isTrue(answer), "\(method): \(answer.serialized)", file: file, line: line)
    }

    /// The pool's accepted shares, grouped by the extranonce2 prefix each miner was given (its
    /// extranonce1 past the pool's), are exactly the proxy's pool-accepted count per miner.
    private func assertSharesSplitByPrefix(_ stats: LocalPoolStats, proxy: ProxyRun, users: [String], upstreamExtranonce1: String?,
                                           file: StaticString = #filePath, line: UInt = #line) {
        guard let upstream = upstreamExtranonce1 else { return XCTFail("no upstream extranonce1", file: file, line: line) }
        var prefixes: [String: String] = [:]  // prefix → user
        for user in users {
            for id in proxy.downstreams(user: user) {
                for event in proxy.events {
                    guard case .downstreamSubscribed(id, let extranonce1, _, _) = event else { continue }
                    XCTAssertTrue(extranonce1.hasPrefix(upstream), "\(extranonce1) extends \(upstream)", file: file, line: line)
                    let prefix = String(extranonce1.dropFirst(upstream.count))
                    XCTAssertNil(prefixes[prefix], "prefix \(prefix) given twice", file: file, line: line)
                    prefixes[prefix] = user
                }
            }
        }
        XCTAssertEqual(Set(prefixes.values), Set(users), "every miner was given a prefix", file: file, line: line)
        var counted: [String: Int] = [:]
        for share in stats.acceptedShares {
            let owner = prefixes.first { share.extranonce2.hasPrefix($0.key) }?.value ?? "nobody"
            counted[owner, default: 0] += 1
        }
        for user in users {
            XCTAssertEqual(counted[user, default: 0], proxy.tally(user: user).acceptedByPool, "\(user)'s shares at the pool",
                           file: file, line: line)
        }
        XCTAssertNil(counted["nobody"], "every pool share carries a miner's prefix", file: file, line: line)
    }
}
