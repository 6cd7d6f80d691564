import LocalPool
import MiningCore
import StratumV2Protocol
import XCTest

/// `SV2LocalPool` on a real socket, with a plaintext client (`encrypted: false`).
final class SV2LocalPoolTests: XCTestCase {
    func testPlaintextClientOpensAChannelAndGetsAShareAccepted() async throws {
        let pool = try SV2LocalPool(configuration: SV2LocalPoolConfiguration(initialDifficulty: 0x1p-30, encrypted: false))
        let port = try await pool.start()
        let stats = try await Task.detached { () throws -> SV2PoolStats in
            let client = try SV2PlaintextTestClient(port: port)
            let (setup, answer) = try client.mineOneStandardShare(endpointPort: UInt16(port))
            XCTAssertEqual(setup.usedVersion, 2)
            guard case .submitSharesSuccess(let accepted)? = answer else {
                throw TestClientError(description: "share not accepted")
            }
            XCTAssertEqual(accepted.newSubmitsAcceptedCount, 1)
            return pool.stats
        }.value
        XCTAssertEqual(stats.accepted, 1)
        XCTAssertEqual(stats.channelsOpened[.standard], 1)

        // The events tell the same story: a channel opened, then an accepted share.
        var opened = false
        for await event in pool.events {
            if case .channelOpened = event { opened = true }
            if case .share(let verdict) = event {
                XCTAssertTrue(opened)
                XCTAssertTrue(verdict.accepted)
                XCTAssertEqual(verdict.channelKind, .standard)
                break
            }
        }
        await pool.stop()
    }

    func testReconnectThenDroppedConnection() async throws {
        let pool = try SV2LocalPool(configuration: SV2LocalPoolConfiguration(encrypted: false))
        let port = try await pool.start()
        try await Task.detached {
            let client = try SV2PlaintextTestClient(port: port)
            try client.send(SetupConnection(flags: 0, endpointHost: "127.0.0.1", endpointPort: UInt16(port), vendor: "tests",
                                            hardwareVersion: "cpu", firmware: "", deviceID: ""))
            guard case .setupConnectionSuccess? = try client.receive() else { throw TestClientError(description: "no setup") }
            pool.sendReconnect(host: "127.0.0.1", port: 4444)
            guard case .reconnect(let reconnect)? = try client.receive() else { throw TestClientError(description: "no Reconnect") }
            XCTAssertEqual(reconnect.newHost.text, "127.0.0.1")
            XCTAssertEqual(reconnect.newPort, 4444)
            pool.dropAllConnections()
            XCTAssertNil(try client.receive(), "the pool closes the connection")
        }.value
        await pool.stop()
    }
}
