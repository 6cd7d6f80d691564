import Configuration
import Foundation
import LocalNode
import Logging
import MinerDaemon
import ServiceLifecycle
import StratumClient
import XCTest

/// The real daemon (`MinerService` with a `SoloWorkSource`) mining solo against a validating
/// `LocalNode` on 127.0.0.1.
final class SoloRun: ShareEventRecording, @unchecked Sendable {
    static let regtestAddress = "bcrt1qdavt4j2sd7dlhqsavtnfxvzppw6k7qy97tmnu9"
    /// 1 block in 2^16 hashes: a handful a second with the C kernels (the Swift kernel is slower).
    static let nbits: UInt32 = 0x1f00_ffff

    private let lock = NSLock()
    private var _shareEvents: [ShareEvent] = []
    let logs = LogCapture()
    let node: LocalNode
    let statusFile: String
    private let group: ServiceGroup
    private let runTask: Task<Void, any Error>

    var shareEvents: [ShareEvent] { lock.withLock { _shareEvents } }
    func record(_ event: ShareEvent) { lock.withLock { _shareEvents.append(event) } }

    init(threads: Int = 1, node nodeConfiguration: LocalNode.Configuration? = nil, address: String = SoloRun.regtestAddress,
         user: String = "user", password: String = "pass", cookieFile: String? = nil, nodePort: Int? = nil,
         scheme: String = "http", tlsFingerprint: String? = nil, allowSelfSigned: Bool = false) async throws {
        var configuration = nodeConfiguration ?? LocalNode.Configuration()
        configuration.chain.nbits = Self.nbits
        node = LocalNode(configuration: configuration)
        let port = try await node.start()
        let logs = self.logs
        var logger = Logger(label: "solo-e2e") { _ in CapturingLogHandler(capture: logs) }
        logger.logLevel = .info
        statusFile = FileManager.default.temporaryDirectory.appendingPathComponent("solo-\(UUID().uuidString).json").path
        var worker = WorkerSettings(name: "solo", user: user, password: password, threads: threads, pools: [])
        worker.solo = SoloSettings(url: "\(scheme)://127.0.0.1:\(nodePort ?? port)", coinbaseAddress: address, cookieFile: cookieFile,
                                   retryInterval: .milliseconds(300), tlsFingerprintSHA256: tlsFingerprint,
                                   allowSelfSigned: allowSelfSigned)
        let settings = MinerSettings(workers: [worker], shutdownGrace: .seconds(2), statusFile: statusFile, shareLog: nil,
                                     statusInterval: .milliseconds(200))
        let box = ShareEventRelay<SoloRun>()
        let service = try MinerService(settings: settings, logger: logger) { box.add($0) }
        group = ServiceGroup(services: [service], gracefulShutdownSignals: [], logger: logger)
        let group = self.group
        runTask = Task { try await group.run() }
        box.owner = self
    }

    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await runTask.value
        await node.stop()
    }

    func status() throws -> StatusDocument {
        try StatusDocument.decode(Array(FileManager.default.contents(atPath: statusFile) ?? Data()))
    }
}

final class EndToEndSoloMiningTests: XCTestCase {
    /// Mines until `count` blocks are accepted; returns seconds per block.
    private func mineBlocks(threads: Int, count: Int) async throws -> Double {
        let run = try await SoloRun(threads: threads)
        let start = ContinuousClock.now
        let done = await Polling.wait(.seconds(120)) { run.node.height >= count }
        let elapsed = (ContinuousClock.now - start) / .seconds(1)
        try await run.stop()
        XCTAssertTrue(done, "only \(run.node.height) block(s) in 120 s")
        let submissions = run.node.submissions
        XCTAssertGreaterThanOrEqual(submissions.count, count)
        XCTAssertTrue(submissions.allSatisfy { $0.outcome == .accepted }, "every submitted block accepted: \(submissions)")
        XCTAssertTrue(run.logs.contains(level: .notice, "BLOCK ACCEPTED by the node: height 1"))
        let accepted = run.shareEvents.filter { $0.outcome == .accepted }
        XCTAssertEqual(accepted.count, submissions.count, "one accepted share event per block the node accepted")
        let worker = try XCTUnwrap(run.status().workers.first)
        XCTAssertEqual(worker.solo?.blocksAccepted, UInt64(submissions.count))
        XCTAssertEqual(worker.solo?.blockResults["accepted"], UInt64(submissions.count))
        XCTAssertEqual(worker.solo?.blocksSubmitted, UInt64(submissions.count))
        XCTAssertTrue(worker.pool.url.hasPrefix("http://127.0.0.1:"), worker.pool.url)
        let metrics = PrometheusExposition.render(status: try run.status())
        XCTAssertTrue(metrics.contains("swiftminer_solo_blocks_total{result=\"accepted\",worker=\"solo\"} \(submissions.count)")
                      || metrics.contains("swiftminer_solo_blocks_total{worker=\"solo\",result=\"accepted\"} \(submissions.count)"),
                      metrics.split(separator: "\n").filter { $0.contains("solo_blocks") }.joined(separator: "\n"))
        let perBlock = elapsed / Double(max(run.node.height, 1))
        print("solo mining, \(threads) thread(s): \(run.node.height) blocks accepted in \(String(format: "%.2f", elapsed)) s, "
            + "\(String(format: "%.3f", perBlock)) s per block; hashes \(worker.hashesTotal)")
        try? FileManager.default.removeItem(atPath: run.statusFile)
        return perBlock
    }

    func testSoloMiningOneThreadFindsBlocksAllAccepted() async throws {
        _ = try await mineBlocks(threads: 1, count: 20)
    }

    func testSoloMiningTwoThreadsFindsBlocksAllAccepted() async throws {
        _ = try await mineBlocks(threads: 2, count: 20)
    }

    func testWrongChainAddressIsAClearErrorAndNoBlocks() async throws {
        let run = try await SoloRun(address: "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh")
        let seen = await Polling.wait(.seconds(20)) { run.logs.contains(level: .error, "but the node runs regtest") }
        try await run.stop()
        XCTAssertTrue(seen, "logs: \(run.logs.records.map(\.message))")
        XCTAssertEqual(run.node.submissions.count, 0)
        XCTAssertEqual(run.node.height, 0)
    }

    func testBadCredentialsAreAClearErrorAndRetried() async throws {
        let run = try await SoloRun(password: "wrong")
        let seen = await Polling.wait(.seconds(20)) { run.logs.lines(containing: "HTTP 401").count >= 2 }
        try await run.stop()
        XCTAssertTrue(seen, "the 401 is logged, and tried again: \(run.logs.records.map(\.message))")
        XCTAssertFalse(run.logs.records.contains { $0.message.contains("wrong") }, "the password never appears in the log")
        XCTAssertEqual(run.node.height, 0)
    }

    func testUnreachableNodeIsAClearErrorAndRetried() async throws {
        // A port nothing listens on: bind one, note it, close it.
        let probe = LocalNode()
        let closedPort = try await probe.start()
        await probe.stop()
        let run = try await SoloRun(nodePort: closedPort)
        let seen = await Polling.wait(.seconds(20)) { run.logs.lines(containing: "cannot reach the node").count >= 2 }
        try await run.stop()
        XCTAssertTrue(seen, "logs: \(run.logs.records.map(\.message))")
    }

    func testInitialBlockDownloadWaitsThenMines() async throws {
        var configuration = LocalNode.Configuration()
        configuration.isInitialBlockDownload = true
        let run = try await SoloRun(node: configuration)
        let seen = await Polling.wait(.seconds(20)) { run.logs.contains(level: .warning, "initial block download") }
        XCTAssertTrue(seen, "logs: \(run.logs.records.map(\.message))")
        XCTAssertEqual(run.node.height, 0)
        run.node.setInitialBlockDownload(false)
        let mined = await Polling.wait(.seconds(60)) { run.node.height >= 1 }
        try await run.stop()
        XCTAssertTrue(mined, "mines once the node has synced")
    }

    func testCookieFileIsReadAndReReadWhenTheNodeRewritesIt() async throws {
        let cookie = FileManager.default.temporaryDirectory.appendingPathComponent("cookie-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: cookie) }
        var configuration = LocalNode.Configuration()
        configuration.user = nil
        configuration.password = nil
        configuration.cookieFile = cookie
        let run = try await SoloRun(node: configuration, user: "", password: "", cookieFile: cookie)
        let first = await Polling.wait(.seconds(60)) { run.node.height >= 1 }
        XCTAssertTrue(first)
        try run.node.regenerateCookie()
        let height = run.node.height
        let more = await Polling.wait(.seconds(60)) { run.node.height >= height + 2 }
        try await run.stop()
        XCTAssertTrue(more, "still mining with the new cookie: \(run.logs.records.map(\.message))")
        XCTAssertTrue(run.node.submissions.allSatisfy { $0.outcome == .accepted })
    }

    // MARK: https:// (a TLS proxy in front of the node), serving the self-signed fixture certificate

    private static func tlsNode() throws -> LocalNode.Configuration {
        var configuration = LocalNode.Configuration()
        configuration.tls = try Fixtures.serverTLS()
        return configuration
    }

    /// Mines over https:// until three blocks are accepted.
    private func mineOverTLS(fingerprint: String? = nil, allowSelfSigned: Bool = false) async throws {
        let run = try await SoloRun(node: try Self.tlsNode(), scheme: "https", tlsFingerprint: fingerprint,
                                    allowSelfSigned: allowSelfSigned)
        let mined = await Polling.wait(.seconds(60)) { run.node.height >= 3 }
        try await run.stop()
        XCTAssertTrue(mined, "blocks over https: \(run.node.height); logs: \(run.logs.records.map(\.message))")
        XCTAssertFalse(run.node.submissions.isEmpty)
        XCTAssertTrue(run.node.submissions.allSatisfy { $0.outcome == .accepted }, "\(run.node.submissions)")
        XCTAssertTrue(try XCTUnwrap(run.status().workers.first).pool.url.hasPrefix("https://127.0.0.1:"))
        XCTAssertFalse(run.logs.records.contains { $0.message.contains("TLS with the node failed") })
    }

    func testHTTPSNodeWithItsCertificatePinnedMinesBlocksAllAccepted() async throws {
        try await mineOverTLS(fingerprint: Fixtures.fingerprint)
    }

    func testHTTPSNodeWithSelfSignedAllowedMinesBlocksAllAccepted() async throws {
        try await mineOverTLS(allowSelfSigned: true)
    }

    /// Refused by default verification or by a pin that does not match: a clear error naming the
    /// two settings, retried, and no request ever reaches the node (so no block is sent).
    private func expectTLSRefused(fingerprint: String?) async throws {
        let run = try await SoloRun(node: try Self.tlsNode(), scheme: "https", tlsFingerprint: fingerprint)
        let seen = await Polling.wait(.seconds(20)) {
            run.logs.lines(containing: "TLS with the node failed").count >= 2
        }
        try await run.stop()
        XCTAssertTrue(seen, "logs: \(run.logs.records.map(\.message))")
        XCTAssertTrue(run.logs.records.contains { $0.message.contains("tls_fingerprint_sha256 or allow_self_signed") })
        for fragment in [".build", "checkouts", ".cc:"] {
            XCTAssertEqual(run.logs.printed(containing: fragment), [], "no build path in the log")
        }
        XCTAssertEqual(run.node.submissions.count, 0)
        XCTAssertEqual(run.node.height, 0)
        XCTAssertEqual(try XCTUnwrap(run.status().workers.first).hashesTotal, 0, "no template, no hashing")
    }

    func testHTTPSNodeWithAnUntrustedCertificateIsRefusedAndRetried() async throws {
        try await expectTLSRefused(fingerprint: nil)
    }

    func testHTTPSNodeWithAnotherCertificatePinnedIsRefused() async throws {
        try await expectTLSRefused(fingerprint: String(repeating: "ab", count: 32))
    }

    func testPlainHTTPAgainstATLSNodeIsAClearErrorNotACrash() async throws {
        let run = try await SoloRun(node: try Self.tlsNode())
        let seen = await Polling.wait(.seconds(20)) { run.logs.lines(containing: "cannot reach the node").count >= 2 }
        try await run.stop()
        XCTAssertTrue(seen, "logs: \(run.logs.records.map(\.message))")
        XCTAssertEqual(run.node.height, 0)
    }
}
