import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LocalNode
import NodeRPCClient
import SoloMining
import StratumProtocol
import XCTest

/// The measurement behind the HTTP client choice: the same getblocktemplate call through
/// FoundationNetworking's URLSession (libcurl underneath) and through NodeRPCClient (NIOHTTP1),
/// against LocalNode. Both must return the same template; the timings are printed.
final class HTTPClientComparisonTests: XCTestCase {
    func testURLSessionAndNIOClientAgreeAndTiming() async throws {
        let node = LocalNode()
        let port = try await node.start()
        defer { Task { await node.stop() } }
        let calls = 200
        let body = Data(NodeRPCMessage.requestBody(method: "getblocktemplate", params: NodeRPCMessage.getBlockTemplateParams(), id: 1))

        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/")!)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("Basic " + Data("user:pass".utf8).base64EncodedString(), forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        let session = URLSession(configuration: .ephemeral)
        var urlSessionTemplate: BlockTemplate?
        let urlSessionStart = Date()
        for _ in 0..<calls {
            let (data, response) = try await session.data(for: request)
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            urlSessionTemplate = try BlockTemplate(result: try NodeRPCMessage.result(status: status, body: Array(data)))
        }
        let urlSessionSeconds = Date().timeIntervalSince(urlSessionStart)

        let client = try NodeRPCClient(endpoint: NodeEndpoint(host: "127.0.0.1", port: port),
                                       credentials: .userPassword(user: "user", password: "pass"))
        var nioTemplate: BlockTemplate?
        let nioStart = Date()
        for _ in 0..<calls { nioTemplate = try await client.getBlockTemplate() }
        let nioSeconds = Date().timeIntervalSince(nioStart)

        XCTAssertEqual(urlSessionTemplate?.previousBlockHash, nioTemplate?.previousBlockHash)
        XCTAssertEqual(urlSessionTemplate?.transactions.map(\.txid), nioTemplate?.transactions.map(\.txid))
        print(String(format: "HTTP client comparison, %d getblocktemplate calls: URLSession %.3f ms/call, NIOHTTP1 client %.3f ms/call",
                     calls, urlSessionSeconds * 1000 / Double(calls), nioSeconds * 1000 / Double(calls)))
    }
}
