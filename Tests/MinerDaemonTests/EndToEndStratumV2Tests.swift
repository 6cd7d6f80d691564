import Configuration
import FarmProxy
import FarmProxyCore
import Foundation
import LocalPool
import Logging
import MinerDaemon
import PoolSettings
import StratumClient
import XCTest

/// The real daemon against the project's own Stratum V2 pool (`SV2LocalPool`, the responder side
/// written from the spec) on 127.0.0.1, over the Noise-encrypted transport: handshake and
/// certificate, both channel kinds, new blocks, SetTarget, Reconnect, a tampered frame, refused
/// certificates, and failover between v2 and v1 pools.
final class EndToEndStratumV2Tests: XCTestCase {
    /// Starts an SV2 pool; `configure` adjusts its configuration first.
    private func startPool(port: Int = 0, _ configure: (inout SV2LocalPoolConfiguration) -> Void = { _ in })
        async throws -> (pool: SV2LocalPool, port: Int)
    {
        var configuration = SV2LocalPoolConfiguration(port: port, initialDifficulty: EndToEndRun.difficulty, jobInterval: 0)
        configure(&configuration)
        let pool = try SV2LocalPool(configuration: configuration, logger: Logger(label: "sv2.pool") { _ in SwiftLogNoOpLogHandler() })
        return (pool, try await pool.start())
    }

    private func url(_ port: Int, key: [UInt8]) -> String {
        "stratum2+tcp://127.0.0.1:\(port)/\(SV2AuthorityKey(xOnly: key)!.base58)"
    }

    private func url(_ pool: SV2LocalPool, _ port: Int) -> String { url(port, key: pool.authorityPublicKeyXOnly) }

    private func tuning(channel: SV2ChannelKind = .standard, leeway: UInt32 = 30) -> @Sendable (inout WorkerSettings) -> Void {
        { worker in
            worker.timers.subscribeTimeout = .seconds(5)
            for index in worker.pools.indices {
                worker.pools[index].stratumV2Channel = channel
                worker.pools[index].certificateLeewaySeconds = leeway
            }
        }
    }

    private func report(_ name: String, _ pool: SV2LocalPool, _ run: FaultRun) {
        let stats = pool.stats
        print("sv2 e2e \(name): pool accepted \(stats.accepted), rejected \(stats.rejected) \(stats.rejectedByErrorCode); "
              + "miner accepted \(run.counters.accepted), rejected \(run.counters.rejected), stale \(run.counters.stale), "
              + "lost \(run.counters.lost)")
    }

    func testAStandardChannelMinesOverTheEncryptedConnection() async throws {
        let (pool, port) = try await startPool()
        let events = Task { await pool.events.reduce(into: [SV2PoolEvent]()) { $0.append($1) } }
        let run = try FaultRun(urls: [url(pool, port)], tuning: tuning())
        await run.expect(.seconds(20), "shares accepted on a standard channel") { pool.stats.accepted >= 4 && run.counters.accepted >= 4 }
        try await run.stop()
        try await Task.sleep(for: .milliseconds(200))  // the pool reads the CloseChannel sent at shutdown
        report("standard channel", pool, run)
        let stats = pool.stats
        await pool.stop()
        let closed = await events.value
        XCTAssertEqual(stats.channelsOpened[.standard], 1)
        XCTAssertEqual(stats.rejected, 0, "\(stats.rejectedByErrorCode)")
        XCTAssertEqual(run.counters.rejected, 0)
        XCTAssertEqual(Int(run.counters.accepted), stats.accepted, "every share the pool accepted is counted accepted")
        XCTAssertTrue(closed.contains { if case .channelClosed = $0 { true } else { false } }, "the daemon closed its channel on shutdown")
        XCTAssertTrue(run.logged("Stratum V2 handshake complete", level: .info))
        XCTAssertTrue(run.logged("mining channel open on stratum2+tcp://127.0.0.1:\(port)/", level: .info))
        let worker = try XCTUnwrap(try run.worker())
        XCTAssertEqual(worker["pool"]?["protocol"]?.stringValue, "stratum-v2")
        let records = try run.shareLog()
        XCTAssertFalse(records.isEmpty)
        XCTAssertTrue(records.allSatisfy { $0.pool.hasPrefix("stratum2+tcp://127.0.0.1:\(port)/") }, "\(records.map(\.pool))")
        try run.assertBooks()
    }

    /// A pool that requires extended channels says so in SetupConnection.Success: the worker opens
    /// one at once (a pool that only refuses the standard channel gets the extended one on the retry:
    /// SV2ClientSessionTests).
    func testAPoolThatRequiresExtendedChannelsGetsOne() async throws {
        let (pool, port) = try await startPool { $0.standardChannels = false }
        let run = try FaultRun(urls: [url(pool, port)], tuning: tuning())
        await run.expect(.seconds(20), "shares accepted on an extended channel") { pool.stats.accepted >= 4 }
        try await run.stop()
        report("extended channel", pool, run)
        let stats = pool.stats
        await pool.stop()
        XCTAssertEqual(stats.channelsRefused, [:], "no standard channel asked for")
        XCTAssertEqual(stats.channelsOpened[.extended], 1)
        XCTAssertNil(stats.channelsOpened[.standard])
        XCTAssertEqual(stats.acceptedByChannelKind[.extended], stats.accepted)
        XCTAssertEqual(stats.rejected, 0, "\(stats.rejectedByErrorCode)")
        XCTAssertTrue(run.logged("the pool requires extended channels", level: .info))
        try run.assertBooks()
    }

    /// Shares in flight when the pool moves to a new block (SetNewPrevHash) are stale: the pool
    /// judges them after the switch and says `stale-share`, the miner counts them stale (never
    /// rejected), and mining goes on on the new block.
    func testSetNewPrevHashMakesInFlightSharesStaleAndMiningGoesOn() async throws {
        let (pool, port) = try await startPool()
        let run = try FaultRun(urls: [url(pool, port)], tuning: tuning(channel: .extended))
        await run.expect(.seconds(20), "mining") { pool.stats.accepted >= 2 }
        pool.holdSubmits()
        await run.expect(.seconds(20), "shares in flight") { pool.heldSubmitCount >= 2 }
        _ = pool.broadcastNewJob(clean: true)
        try await Task.sleep(for: .milliseconds(200))  // the worker is on the new block before the verdicts
        let held = pool.heldSubmitCount
        pool.releaseHeldSubmits()
        let acceptedBefore = pool.stats.accepted
        await run.expect(.seconds(20), "shares on the new block") { pool.stats.accepted >= acceptedBefore + 3 }
        try await run.stop()
        report("new block", pool, run)
        let stats = pool.stats
        await pool.stop()
        XCTAssertGreaterThanOrEqual(stats.rejectedByErrorCode["stale-share", default: 0], 2, "\(held) held: \(stats.rejectedByErrorCode)")
        XCTAssertEqual(Set(stats.rejectedByErrorCode.keys), ["stale-share"], "only stale rejections")
        XCTAssertEqual(run.counters.rejected, 0, "a stale share is counted stale")
        XCTAssertGreaterThanOrEqual(Int(run.counters.stale), stats.rejectedByErrorCode["stale-share", default: 0])
        try run.assertBooks()
    }

    /// SetTarget raises the difficulty: it applies at once, and no share below the new target is
    /// ever refused for difficulty.
    func testSetTargetAppliesAtOnce() async throws {
        let (pool, port) = try await startPool()
        let run = try FaultRun(urls: [url(pool, port)], tuning: tuning())
        await run.expect(.seconds(20), "mining") { pool.stats.accepted >= 3 }
        try pool.setTarget(difficulty: EndToEndRun.difficulty * 4)
        let acceptedBefore = pool.stats.accepted
        await run.expect(.seconds(30), "shares at the new target") { pool.stats.accepted >= acceptedBefore + 3 }
        try await run.stop()
        report("SetTarget", pool, run)
        let stats = pool.stats
        await pool.stop()
        XCTAssertNil(stats.rejectedByErrorCode["difficulty-too-low"], "\(stats.rejectedByErrorCode)")
        let late = run.shareEvents.filter { $0.outcome == .accepted }.suffix(3)
        XCTAssertTrue(late.allSatisfy { $0.candidate.targetDifficulty >= EndToEndRun.difficulty * 4 * 0.999 },
                      "\(late.map(\.candidate.targetDifficulty))")
        try run.assertBooks()
    }

    /// A pool that acknowledges shares in batches (one SubmitShares.Success for three): every
    /// share is counted accepted once, none twice, none lost.
    func testBatchedAcknowledgementsAreCountedRight() async throws {
        let (pool, port) = try await startPool { $0.batchSuccesses = 3 }
        let run = try FaultRun(urls: [url(pool, port)], tuning: tuning())
        await run.expect(.seconds(20), "two batches acknowledged") { pool.stats.accepted >= 7 }
        pool.flushSuccesses()
        await run.expect(.seconds(10), "the miner counts what the pool accepted") {
            pool.stats.accepted == Int(run.counters.accepted) && run.counters.pending == 0
        }
        let stats = pool.stats
        try await run.stop()
        report("batched acknowledgements", pool, run)
        await pool.stop()
        XCTAssertLessThan(stats.successMessagesSent, stats.accepted, "answers were batched")
        XCTAssertEqual(run.counters.lost, 0)
        XCTAssertEqual(run.counters.rejected, 0)
        try run.assertBooks()
    }

    func testReconnectMovesTheWorkerToANewSession() async throws {
        let (pool, port) = try await startPool()
        let run = try FaultRun(urls: [url(pool, port)], tuning: tuning())
        await run.expect(.seconds(20), "mining") { pool.stats.accepted >= 2 }
        pool.sendReconnect()
        let acceptedBefore = pool.stats.accepted
        await run.expect(.seconds(20), "mining after Reconnect") {
            pool.stats.accepted >= acceptedBefore + 2 && (pool.stats.channelsOpened[.standard] ?? 0) >= 2
        }
        try await run.stop()
        report("Reconnect", pool, run)
        await pool.stop()
        XCTAssertEqual(run.counters.rejected, 0)
        try run.assertBooks()
    }

    /// A frame whose MAC fails closes the connection with a log line; the worker reconnects and
    /// mines on (no crash, nothing counted rejected).
    func testATamperedFrameClosesTheConnectionAndTheWorkerReconnects() async throws {
        let (pool, port) = try await startPool()
        let run = try FaultRun(urls: [url(pool, port)], tuning: tuning())
        await run.expect(.seconds(20), "mining") { pool.stats.accepted >= 2 }
        pool.tamperWithNextFrame()
        _ = pool.broadcastNewJob(clean: false)
        await run.expect(.seconds(10), "the MAC failure logged") { run.logged("MAC", level: .error) }
        let acceptedBefore = pool.stats.accepted
        await run.expect(.seconds(20), "mining after the reconnect") { pool.stats.accepted >= acceptedBefore + 2 }
        try await run.stop()
        report("tampered frame", pool, run)
        await pool.stop()
        XCTAssertEqual(run.counters.rejected, 0)
        try run.assertBooks()
    }

    /// A pool whose certificate another authority signed, an expired certificate and one not yet
    /// valid are refused before any share: a log line says which.
    func testRefusedCertificatesSendNoShare() async throws {
        let other = try SV2LocalPool(configuration: SV2LocalPoolConfiguration(), logger: Logger(label: "x") { _ in SwiftLogNoOpLogHandler() })
        var wrongKey = SV2LocalPoolConfiguration.testAuthoritySecretKey
        wrongKey[31] ^= 1
        let (pool, port) = try await startPool { $0.authoritySecretKey = wrongKey }
        let (expired, expiredPort) = try await startPool { $0.certificateValidFromOffset = -7200; $0.certificateNotValidAfterOffset = -600 }
        let (early, earlyPort) = try await startPool { $0.certificateValidFromOffset = 600; $0.certificateNotValidAfterOffset = 7200 }
        let expectedKey = other.authorityPublicKeyXOnly
        for (name, target, port, needle) in [("wrong authority key", pool, port, "not signed by the configured authority key"), ("expired", expired, expiredPort, "expired"),
                                             ("not yet valid", early, earlyPort, "not valid until")] {
            let run = try FaultRun(urls: [url(port, key: name == "wrong authority key" ? expectedKey : target.authorityPublicKeyXOnly)],
                                   tuning: tuning())
            await run.expect(.seconds(15), "\(name): refused with a log line") {
                run.logs.records.contains { $0.level == .error && $0.message.contains("pool connection refused") && $0.message.contains(needle) }
            }
            try await run.stop()
            XCTAssertEqual(run.shareEvents.count, 0, "\(name): no share")
            XCTAssertEqual(target.stats.accepted + target.stats.rejected, 0, "\(name): the pool never saw a share")
            XCTAssertEqual(target.stats.channelsOpened.values.reduce(0, +), 0, "\(name): no channel opened")
        }
        await pool.stop()
        await expired.stop()
        await early.stop()
    }

    /// A certificate valid from a few seconds from now (the pool's clock ahead of ours) is taken
    /// within the leeway, and refused without it.
    func testTheClockLeewayAdmitsACertificateFromALittleAhead() async throws {
        let (pool, port) = try await startPool { $0.certificateValidFromOffset = 8 }
        let strict = try FaultRun(urls: [url(pool, port)], tuning: tuning(leeway: 0))
        await strict.expect(.seconds(15), "refused without leeway") { strict.logged("not valid until", level: .error) }
        try await strict.stop()
        XCTAssertEqual(pool.stats.accepted, 0)
        let lenient = try FaultRun(urls: [url(pool, port)], tuning: tuning(leeway: 30))
        await lenient.expect(.seconds(20), "mining within the leeway") { pool.stats.accepted >= 2 }
        try await lenient.stop()
        await pool.stop()
        try lenient.assertBooks()
    }

    /// A v2 primary fails; the worker mines on its v1 backup; the v2 primary comes back and the
    /// probe (a full Noise handshake and channel) brings the worker back to it.
    func testAV2PrimaryFailsOverToAV1BackupAndBack() async throws {
        let (primary, primaryPort) = try await startPool()
        let backup = LocalPool(configuration: LocalPoolConfiguration(initialDifficulty: EndToEndRun.difficulty, jobInterval: 0),
                               logger: Logger(label: "v1.pool") { _ in SwiftLogNoOpLogHandler() })
        let backupPort = try await backup.start()
        let run = try FaultRun(urls: [url(primary, primaryPort), "stratum+tcp://127.0.0.1:\(backupPort)"]) { worker in
            worker.timers.subscribeTimeout = .seconds(5)
            worker.timers.primaryProbeInterval = .milliseconds(300)
            worker.timers.submitTimeout = .seconds(10)
        }
        await run.expect(.seconds(20), "mining on the v2 primary") { primary.stats.accepted >= 2 }
        await primary.stop()
        await run.expect(.seconds(20), "mining on the v1 backup") { backup.stats.accepted >= 2 }
        let (back, _) = try await startPool(port: primaryPort)
        await run.expect(.seconds(20), "back on the v2 primary") { back.stats.accepted >= 2 }
        try await run.stop()
        report("failover v2 → v1 → v2", back, run)
        let v1 = backup.stats
        await back.stop()
        await backup.stop()
        XCTAssertEqual(run.counters.rejected, 0)
        XCTAssertTrue(run.logged("the primary pool answered the probe", level: .info))
        let pools = run.shareEvents.filter { $0.outcome == .accepted }.map(\.pool)
        XCTAssertTrue(pools.contains { $0.hasPrefix("stratum+tcp://") }, "some shares on the v1 backup")
        XCTAssertTrue(pools.last?.hasPrefix("stratum2+tcp://") ?? false, "the last shares on the v2 primary")
        XCTAssertGreaterThanOrEqual(v1.accepted, 2)
        try run.assertBooks()
    }
}

/// The farm proxy with a Stratum V2 upstream: its v1 miners' shares reach the v2 pool on one
/// extended channel, each miner rolling its own slice of the channel's extranonce.
final class EndToEndStratumV2ProxyTests: XCTestCase {
    func testV1MinersBehindTheProxyMineOnAV2Pool() async throws {
        let d = EndToEndRun.difficulty
        let pool = try SV2LocalPool(configuration: SV2LocalPoolConfiguration(initialDifficulty: 2 * d, jobInterval: 0, nbits: 0x1d00_ffff),
                                    logger: Logger(label: "sv2.pool") { _ in SwiftLogNoOpLogHandler() })
        let port = try await pool.start()
        let url = "stratum2+tcp://127.0.0.1:\(port)/\(SV2AuthorityKey(xOnly: pool.authorityPublicKeyXOnly)!.base58)"
        let proxy = try await ProxyRun(pools: [PoolConfiguration(url: url, difficultySuggestion: .off, stratumV2Channel: .extended)]) {
            $0.downstreamMinimumDifficulty = d / 4
            $0.downstreamMaximumDifficulty = d
        }
        await proxy.waitForUpstream()
        let daemons = try (1...2).map { try ProxiedDaemon(proxyPort: proxy.port, user: "farm.rig\($0)") }
        await expectWithin(.seconds(30), "both daemons' shares accepted by the v2 pool: "
                           + "\(daemons.map { proxy.tally(user: $0.user).description })") {
            daemons.allSatisfy { proxy.tally(user: $0.user).acceptedByPool >= 1 } && pool.stats.accepted >= 3
        }
        for daemon in daemons { try await daemon.stop() }
        await expectWithin(.seconds(5), "every forward answered") { proxy.status.core.pendingForwards == 0 }
        let status = proxy.status
        await proxy.stop()
        let stats = pool.stats
        await pool.stop()
        print("sv2 e2e proxy upstream: pool accepted \(stats.accepted), rejected \(stats.rejected) \(stats.rejectedByErrorCode); "
              + "proxy accepted by pool \(status.core.totals.acceptedByPool), valid locally \(status.core.totals.validLocally)")
        XCTAssertEqual(stats.channelsOpened, [.extended: 1], "one extended channel for the whole farm")
        XCTAssertEqual(stats.rejected, 0, "\(stats.rejectedByErrorCode)")
        XCTAssertEqual(status.core.totals.acceptedByPool, stats.accepted, "the proxy's books agree with the pool's")
        XCTAssertEqual(status.core.totals.rejectedByPool, 0)
        XCTAssertEqual(status.core.totals.lost, 0)
        for daemon in daemons { daemon.assertAgrees(with: proxy) }
    }
}
