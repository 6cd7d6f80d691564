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
            try client.send(SetupConnection(flags: 0, endpointHost: "127.0.0.1", endpointPort: UInt16(port), vendor: "tests",
                                            hardwareVersion: "cpu", firmware: "", deviceID: ""))
            guard case .setupConnectionSuccess(let setup)? = try client.receive() else {
                throw TestClientError(description: "no SetupConnection.Success")
            }
            XCTAssertEqual(setup.usedVersion, 2)
            try client.send(OpenStandardMiningChannel(requestID: 1, userIdentity: "tester", nominalHashRate: 1e6, maxTarget: .max))
            let opening = try client.receive(3)
            guard case .openStandardMiningChannelSuccess(let success) = opening[0] else {
                throw TestClientError(description: "got \(opening)")
            }
            var work = SV2TestWork(channelID: success.channelID,
                                   target: UInt256(littleEndianBytes: success.target.littleEndianBytes)!,
                                   extranoncePrefix: success.extranoncePrefix, extranonceSize: 0)
            work.apply(opening)
            let jobID = try XCTUnwrap(work.activeJobID)
            let nonce = try XCTUnwrap(work.findNonce(jobID: jobID) { $0 <= work.target })
            try client.send(SubmitSharesStandard(channelID: work.channelID, sequenceNumber: 1, jobID: jobID, nonce: nonce,
                                                 ntime: work.minNTime, version: work.standardJobs[jobID]!.version))
            guard case .submitSharesSuccess(let accepted)? = try client.receive() else {
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
