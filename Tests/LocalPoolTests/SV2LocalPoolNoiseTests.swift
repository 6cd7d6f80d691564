import LocalPool
import MiningCore
import StratumV2Noise
import StratumV2Protocol
import XCTest

/// `SV2LocalPool` over Noise (sv2-spec §4): the certificate a client checks against the authority
/// key, and frames the client cannot open after `tamperWithNextFrame()`.
private func unixNow() -> UInt32 { UInt32(Date().timeIntervalSince1970) }

private let testSetup = SetupConnection(flags: 0, endpointHost: "127.0.0.1", endpointPort: 0, vendor: "tests",
                                        hardwareVersion: "cpu", firmware: "", deviceID: "")

final class SV2LocalPoolNoiseTests: XCTestCase {

    func testEncryptedClientGetsAShareAccepted() async throws {
        let pool = try SV2LocalPool(configuration: SV2LocalPoolConfiguration(initialDifficulty: 0x1p-30))
        let port = try await pool.start()
        let authority = pool.authorityPublicKeyXOnly
        XCTAssertEqual(authority.count, 32)
        let accepted = try await Task.detached { () throws -> UInt32 in
            let client = try SV2NoiseTestClient(port: port, authorityKeyXOnly: authority, now: unixNow())
            guard case .submitSharesSuccess(let answer)? = try client.mineOneStandardShare().answer else {
                throw TestClientError(description: "share not accepted")
            }
            return answer.newSubmitsAcceptedCount
        }.value
        XCTAssertEqual(accepted, 1)
        XCTAssertEqual(pool.stats.accepted, 1)
        await pool.stop()
    }

    func testExpiredAndNotYetValidCertificatesAndAForeignAuthorityAreRefusedByTheClient() async throws {
        func handshakeError(_ configuration: SV2LocalPoolConfiguration, authority: [UInt8]? = nil) async throws -> SV2NoiseError? {
            let pool = try SV2LocalPool(configuration: configuration)
            let port = try await pool.start()
            let key = authority ?? pool.authorityPublicKeyXOnly
            let error = await Task.detached { () -> SV2NoiseError? in
                do {
                    _ = try SV2NoiseTestClient(port: port, authorityKeyXOnly: key, now: unixNow())
                    return nil
                } catch let error as SV2NoiseError {
                    return error
                } catch {
                    XCTFail("unexpected \(error)")
                    return nil
                }
            }.value
            await pool.stop()
            return error
        }
        let expired = try await handshakeError(SV2LocalPoolConfiguration(certificateValidFromOffset: -7200,
                                                                          certificateNotValidAfterOffset: -3600))
        guard case .certificate(.expired)? = expired else { return XCTFail("expected an expired certificate, got \(String(describing: expired))") }
        let early = try await handshakeError(SV2LocalPoolConfiguration(certificateValidFromOffset: 3600,
                                                                        certificateNotValidAfterOffset: 7200))
        guard case .certificate(.notYetValid)? = early else { return XCTFail("expected a not yet valid certificate, got \(String(describing: early))") }
        let otherAuthority = try SV2LocalPool(configuration: SV2LocalPoolConfiguration(
            authoritySecretKey: [UInt8](repeating: 7, count: 32))).authorityPublicKeyXOnly
        XCTAssertNotEqual(otherAuthority, try SV2LocalPool().authorityPublicKeyXOnly)
        let foreign = try await handshakeError(SV2LocalPoolConfiguration(), authority: otherAuthority)
        XCTAssertEqual(foreign, .certificate(.badSignature))
        let valid = try await handshakeError(SV2LocalPoolConfiguration())
        XCTAssertNil(valid)
    }

    func testTamperedFrameFailsTheClientsMACCheck() async throws {
        let pool = try SV2LocalPool(configuration: SV2LocalPoolConfiguration())
        let port = try await pool.start()
        let authority = pool.authorityPublicKeyXOnly
        let error = await Task.detached { () -> (any Error)? in
            do {
                let client = try SV2NoiseTestClient(port: port, authorityKeyXOnly: authority, now: unixNow())
                try client.send(testSetup)
                guard case .setupConnectionSuccess? = try client.receive() else { return TestClientError(description: "no setup") }
                // Queued on the connection's event loop before the answer to what follows.
                pool.tamperWithNextFrame()
                try client.send(OpenStandardMiningChannel(requestID: 1, userIdentity: "t", nominalHashRate: 0, maxTarget: .max))
                _ = try client.receive()
                return nil
            } catch {
                return error
            }
        }.value
        XCTAssertEqual(error as? SV2NoiseError, .decryptionFailed)
        await pool.stop()
    }
}
