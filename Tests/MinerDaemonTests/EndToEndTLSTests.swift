import Foundation
import LocalPool
import MinerDaemon
import NIOSSL
import PoolSettings
import StratumClient
import XCTest

/// Stratum over TLS (`stratum+ssl://`) against LocalPool serving the self-signed fixture
/// certificate: accepted only when the miner is told to trust it (self-signed allowed, or its
/// fingerprint pinned); refused with a wrong pin or by default verification.
final class EndToEndTLSTests: XCTestCase {
    static func tlsPool() throws -> LocalPoolConfiguration {
        var configuration = EndToEndDaemonTests.poolConfiguration()
        configuration.tls = try Fixtures.tls()
        return configuration
    }

    func testFixtureFingerprintMatchesTheCertificate() throws {
        let certificate = try XCTUnwrap(try NIOSSLCertificate.fromPEMFile(Fixtures.certificateFile).first)
        XCTAssertEqual(CertificateFingerprint.sha256Hex(try certificate.toDERBytes()),
                       CertificateFingerprint.normalized(Fixtures.fingerprint))
    }

    /// Mines over TLS with `pool`; returns the run after shutdown.
    private func mine(_ pool: @escaping (Int) -> PoolConfiguration, expectShares: Bool) async throws -> EndToEndRun {
        let run = try await EndToEndRun(pool: try Self.tlsPool()) { [pool($0)] }
        if expectShares {
            await run.expect(.seconds(4), "shares over TLS: \(run.pool.stats.accepted)") { run.pool.stats.accepted >= 3 }
        } else {
            await run.expect(.seconds(4), "the miner tried to connect") { !run.pool.stats.sessions.isEmpty }
            try await Task.sleep(for: .milliseconds(1500))
        }
        try await run.stop()
        return run
    }

    func testSelfSignedAllowedMinesOverTLS() async throws {
        let run = try await mine({ PoolConfiguration(url: "stratum+ssl://127.0.0.1:\($0)", allowSelfSigned: true, difficultySuggestion: .off) },
                                 expectShares: true)
        let stats = run.pool.stats
        XCTAssertEqual(stats.rejected, 0)
        XCTAssertEqual(stats.sessions.count, 1)
        XCTAssertEqual(stats.sessions.first?.subscribed, true)
        run.assertConsistent()
    }

    func testPinnedFingerprintMinesOverTLS() async throws {
        let run = try await mine({ PoolConfiguration(url: "stratum+tls://localhost:\($0)", tlsFingerprintSHA256: Fixtures.fingerprint, difficultySuggestion: .off) },
                                 expectShares: true)
        XCTAssertEqual(run.pool.stats.rejected, 0)
        XCTAssertEqual(run.pool.stats.sessions.count, 1)
        run.assertConsistent()
    }

    func testWrongFingerprintIsRefusedAndNoShareIsSent() async throws {
        let wrong = String(repeating: "ab", count: 32)
        let run = try await mine({ PoolConfiguration(url: "stratum+ssl://127.0.0.1:\($0)", tlsFingerprintSHA256: wrong) },
                                 expectShares: false)
        let stats = run.pool.stats
        XCTAssertFalse(stats.sessions.isEmpty)
        XCTAssertTrue(stats.sessions.allSatisfy { !$0.subscribed }, "the Stratum conversation never started")
        XCTAssertEqual(stats.accepted + stats.rejected, 0)
        XCTAssertEqual(run.counters.found, 0)
        XCTAssertLessThanOrEqual(stats.sessions.count, 3, "retries back off")
    }

    func testDefaultVerificationRejectsTheSelfSignedCertificate() async throws {
        let run = try await mine({ PoolConfiguration(url: "stratum+ssl://localhost:\($0)") }, expectShares: false)
        let stats = run.pool.stats
        XCTAssertFalse(stats.sessions.isEmpty)
        XCTAssertTrue(stats.sessions.allSatisfy { !$0.subscribed })
        XCTAssertEqual(stats.accepted + stats.rejected, 0)
        XCTAssertEqual(run.counters.found, 0)
    }

    /// The refusal says what failed and the two pool settings that would accept the certificate,
    /// in one line per attempt (the worker's), and names no path of the machine that built the miner.
    func testRefusedCertificateIsExplainedWithTheSettingsThatAcceptIt() async throws {
        let run = try await mine({ PoolConfiguration(url: "stratum+ssl://localhost:\($0)") }, expectShares: false)
        let messages = run.logs.records.map(\.message)
        let refusals = run.logs.lines(containing: "its certificate was not accepted (CERTIFICATE_VERIFY_FAILED)")
        XCTAssertFalse(refusals.isEmpty, "\(messages)")
        for line in refusals {
            XCTAssertTrue(line.hasPrefix("disconnected from stratum+ssl://localhost:\(run.port): connection lost: TLS with the pool failed"),
                          line)
            XCTAssertTrue(line.contains(#"tls_fingerprint_sha256 = ""#), line)
            XCTAssertTrue(line.contains("allow_self_signed = true"), line)
        }
        XCTAssertEqual(run.logs.printed(containing: "CERTIFICATE_VERIFY_FAILED").count, refusals.count,
                       "no other line repeats the error: \(messages)")
        for fragment in [".build", "checkouts", ".cc:", "BoringSSL"] {
            XCTAssertEqual(run.logs.printed(containing: fragment), [], "no build path or raw error text in the log")
        }
    }

    /// A plain-TCP miner talking to the TLS pool gets nowhere either (and does not crash it).
    func testPlainClientAgainstTLSPoolGetsNoSession() async throws {
        let run = try await mine({ PoolConfiguration(url: "stratum+tcp://127.0.0.1:\($0)") }, expectShares: false)
        XCTAssertTrue(run.pool.stats.sessions.allSatisfy { !$0.subscribed })
        XCTAssertEqual(run.counters.found, 0)
    }
}
