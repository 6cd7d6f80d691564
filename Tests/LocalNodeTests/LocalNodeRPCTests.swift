import Foundation
import LocalNode
import MiningCore
import NIOCore
import NodeRPCClient
import SoloMining
import StratumProtocol
import XCTest

/// The RPC client against LocalNode over real loopback HTTP: mining end to end, credentials,
/// cookie files, initial block download, an unreachable node, long polling.
/// The NodeRPCError an operation fails with (nil, and a test failure, when it succeeds).
func rpcError<T>(_ operation: () async throws -> T, file: StaticString = #filePath, line: UInt = #line) async -> NodeRPCError? {
    do {
        _ = try await operation()
        XCTFail("expected an error", file: file, line: line)
        return nil
    } catch {
        XCTAssertTrue(error is NodeRPCError, "\(error)", file: file, line: line)
        return error as? NodeRPCError
    }
}

final class LocalNodeRPCTests: XCTestCase {
    private var nodes: [LocalNode] = []

    override func tearDown() async throws {
        for node in nodes { await node.stop() }
        nodes = []
    }

    private func startNode(_ configure: (inout LocalNode.Configuration) -> Void = { _ in }) async throws -> (LocalNode, NodeEndpoint) {
        var configuration = LocalNode.Configuration()
        configure(&configuration)
        let node = LocalNode(configuration: configuration)
        nodes.append(node)
        let port = try await node.start()
        return (node, NodeEndpoint(host: "127.0.0.1", port: port))
    }

    private func client(_ endpoint: NodeEndpoint, _ credentials: NodeCredentials = .userPassword(user: "user", password: "pass"),
                        longPollTimeout: TimeAmount = .seconds(30)) throws -> NodeRPCClient {
        try NodeRPCClient(endpoint: endpoint, credentials: credentials, requestTimeout: .seconds(10), longPollTimeout: longPollTimeout)
    }

    /// Fetch template → build work → scan with the reference scanner on `threads` disjoint
    /// extranonce2 sequences → submit the full block → the node says null. Counts and times.
    private func mineBlocks(count: Int, threads: Int, client: NodeRPCClient, node: LocalNode) async throws -> Double {
        let started = Date()
        var accepted = 0
        var thread = 0
        while accepted < count {
            let template = try await client.getBlockTemplate()
            let solo = try SoloJob(template: template, payoutScript: regtestPayout.scriptPubKey, jobID: "\(template.height)",
                                   extranonce1: [0x53, 0x4d, 0x00, 0x01])
            // Thread i of N takes extranonce2 counters i, i+N, … (as the engine's WorkUnitSequence does).
            let extranonce2 = (0..<8).map { UInt8(truncatingIfNeeded: thread >> (8 * $0)) }
            thread = (thread + 1) % threads
            let header = mine(solo.job.header(extranonce2: extranonce2, nonce: 0))
            let evaluation = solo.job.evaluate(extranonce2: extranonce2, ntime: header.ntime, nonce: header.nonce, versionBits: nil)
            XCTAssertTrue(evaluation.meetsNetworkTarget)
            let result = try await client.submitBlock(solo.block(extranonce2: extranonce2, header: header))
            XCTAssertEqual(result, .accepted)
            if result.isAccepted { accepted += 1 }
        }
        XCTAssertEqual(node.height, count)
        XCTAssertTrue(node.submissions.allSatisfy { $0.outcome == .accepted })
        return Date().timeIntervalSince(started) / Double(count)
    }

    func testMiningEndToEndOneAndTwoThreads() async throws {
        for threads in [1, 2] {
            let (node, endpoint) = try await startNode()
            let perBlock = try await mineBlocks(count: 20, threads: threads, client: try client(endpoint), node: node)
            print("solo LocalNode: 20 blocks accepted, \(threads) thread(s), \(String(format: "%.1f", perBlock * 1000)) ms per block")
        }
    }

    func testSubmittedBrokenBlockGetsReasonOverRPC() async throws {
        let (_, endpoint) = try await startNode()
        let rpc = try client(endpoint)
        let template = try await rpc.getBlockTemplate()
        let solo = try SoloJob(template: template, payoutScript: regtestPayout.scriptPubKey, jobID: "x", extranonce1: [1, 2, 3, 4])
        let extranonce2 = [UInt8](repeating: 0, count: 8)
        let header = unmine(solo.job.header(extranonce2: extranonce2, nonce: 0))
        let result = try await rpc.submitBlock(solo.block(extranonce2: extranonce2, header: header))
        XCTAssertEqual(result, .rejected(BlockRejectReason("high-hash")))
        let decodeError = await rpcError { try await rpc.call("submitblock", params: ["00"]) }
        XCTAssertEqual(decodeError?.kind, .rpc(code: -22, message: "Block decode failed"))
    }

    func testBadCredentialsAre401() async throws {
        let (_, endpoint) = try await startNode()
        let wrong = try client(endpoint, .userPassword(user: "user", password: "wrong"))
        let error = await rpcError { try await wrong.getBlockTemplate() }
        XCTAssertEqual(error?.kind, .unauthorized)
        XCTAssertTrue(error?.description.contains("401") ?? false)
    }

    func testCookieFileIsReadAndReReadWhenTheNodeRewritesIt() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("swiftminer-cookie-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (node, endpoint) = try await startNode { $0.cookieFile = path; $0.user = nil; $0.password = nil }
        XCTAssertTrue(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("__cookie__:"))
        let rpc = try client(endpoint, .cookieFile(path: path))
        let first = try await rpc.getBlockTemplate()
        XCTAssertEqual(first.height, 1)
        try node.regenerateCookie()  // the node restarted
        let second = try await rpc.getBlockTemplate()
        XCTAssertEqual(second.height, 1)
        let missing = try client(endpoint, .cookieFile(path: path + ".missing"))
        let missingError = await rpcError { try await missing.getBlockTemplate() }
        guard case .cookie = missingError?.kind else { return XCTFail("\(String(describing: missingError))") }
        let stale = try client(endpoint, .userPassword(user: "__cookie__", password: "stale"))
        let staleError = await rpcError { try await stale.getBlockTemplate() }
        XCTAssertEqual(staleError?.kind, .unauthorized)
    }

    func testInitialBlockDownloadIsAClearTransientError() async throws {
        let (node, endpoint) = try await startNode { $0.isInitialBlockDownload = true }
        let rpc = try client(endpoint)
        let error = await rpcError { try await rpc.getBlockTemplate() }
        guard case .initialBlockDownload(let message) = error?.kind else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(message, "Bitcoin Core is in initial sync and waiting for blocks...")
        XCTAssertEqual(error?.isTransient, true)
        let info = try await rpc.blockchainInfo()
        XCTAssertTrue(info.initialBlockDownload)
        node.setInitialBlockDownload(false)
        let template = try await rpc.getBlockTemplate()
        XCTAssertEqual(template.height, 1)
    }

    func testUnreachableNode() async throws {
        let (node, endpoint) = try await startNode()
        await node.stop()
        nodes = []
        let rpc = try client(endpoint)
        let error = await rpcError { try await rpc.getBlockTemplate() }
        guard case .unreachable = error?.kind else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(error?.isTransient, true)
    }

    func testWrongChainForTheAddressIsDetectedFromTheNode() async throws {
        let (_, endpoint) = try await startNode()
        let chain = try await client(endpoint).blockchainInfo().chain
        XCTAssertEqual(chain, .regtest)
        XCTAssertThrowsError(try CoinbaseAddress("bc1qvyq0cc6rahyvsazfdje0twl7ez82ndmuac2lhv", network: chain!)) {
            XCTAssertEqual(($0 as? AddressError)?.isWrongNetwork, true)
        }
    }

    func testTemplateRequestWithoutSegwitRuleIsRefusedLikeCore() async throws {
        let (_, endpoint) = try await startNode()
        let rpc = try client(endpoint)
        let error = await rpcError { try await rpc.call("getblocktemplate", params: [["rules": []]]) }
        guard case .rpc(let code, let message) = error?.kind else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(code, -8)
        XCTAssertTrue(message.contains("segwit rule"))
    }

    func testLongPollAnswersWhenTheTipChanges() async throws {
        let (node, endpoint) = try await startNode()
        let rpc = try client(endpoint)
        let template = try await rpc.getBlockTemplate()
        let longPollID = try XCTUnwrap(template.longPollID)
        let poller = Task { try await rpc.getBlockTemplate(longPollID: longPollID) }
        try await Task.sleep(for: .milliseconds(200))
        // Another miner finds the block.
        let solo = try SoloJob(template: template, payoutScript: regtestPayout.scriptPubKey, jobID: "a", extranonce1: [7, 7, 7, 7])
        let extranonce2 = [UInt8](repeating: 0, count: 8)
        let header = mine(solo.job.header(extranonce2: extranonce2, nonce: 0))
        let started = Date()
        XCTAssertEqual(node.submit(blockBytes: solo.block(extranonce2: extranonce2, header: header)), .accepted)
        let next = try await poller.value
        XCTAssertEqual(next.height, 2)
        XCTAssertEqual(next.previousBlockHash, header.hash)
        XCTAssertLessThan(Date().timeIntervalSince(started), 1.0)
        // A long poll with an old id answers at once; a current one waits until the mempool changes.
        let immediate = try await rpc.getBlockTemplate(longPollID: longPollID)
        XCTAssertEqual(immediate.height, 2)
        let waiting = Task { try await rpc.getBlockTemplate(longPollID: next.longPollID) }
        try await Task.sleep(for: .milliseconds(200))
        node.refreshMempool()
        let refreshed = try await waiting.value
        XCTAssertEqual(refreshed.height, 2)
        XCTAssertNotEqual(refreshed.longPollID, next.longPollID)
    }
}
