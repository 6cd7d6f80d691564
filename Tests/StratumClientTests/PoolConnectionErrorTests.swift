@testable import StratumClient
import TLSDiagnostics
import XCTest

/// What the log says about an error that ended a pool connection.
final class PoolConnectionErrorTests: XCTestCase {
    /// NIOSSL's text for a self-signed certificate refused by default verification, as it was logged.
    static let refusedCertificate = "handshakeFailed(NIOSSL.BoringSSLError.sslError([Error: 268435581 "
        + "error:1000007d:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED at "
        + "/home/builder/swiftminer/.build/checkouts/swift-nio-ssl/Sources/CNIOBoringSSL/ssl/handshake.cc:320]))"

    func testARefusedCertificateNamesTheTwoSettingsThatAcceptIt() {
        let failure = TLSFailure(text: Self.refusedCertificate)
        XCTAssertTrue(failure.isCertificateRejected)
        XCTAssertEqual(failure.reasons, ["CERTIFICATE_VERIFY_FAILED"])
        XCTAssertEqual(PoolConnectionError.description(of: failure),
                       "TLS with the pool failed: its certificate was not accepted (CERTIFICATE_VERIFY_FAILED); "
                       + #"a self-signed certificate needs tls_fingerprint_sha256 = "<SHA-256 of the certificate>" (pinned) "#
                       + "or allow_self_signed = true in the pool entry")
    }

    func testOtherTLSFailuresSayTheirReasonsWithoutSourceLocations() {
        let text = "handshakeFailed(NIOSSL.BoringSSLError.sslError([Error: 268435703 error:100000f7:SSL routines:"
            + "OPENSSL_internal:WRONG_VERSION_NUMBER at /b/.build/checkouts/swift-nio-ssl/Sources/CNIOBoringSSL/ssl/tls_record.cc:231, "
            + "Error: 1 error:0000000e:SSL routines:OPENSSL_internal:OTHER at /b/x.cc:12]))"
        let failure = TLSFailure(text: text)
        XCTAssertFalse(failure.isCertificateRejected)
        XCTAssertEqual(PoolConnectionError.description(of: failure), "TLS with the pool failed: WRONG_VERSION_NUMBER, OTHER")
        XCTAssertFalse(failure.text.contains(".build"), failure.text)
        XCTAssertFalse(failure.text.contains(".cc:"), failure.text)
    }

    func testAnErrorWithoutReasonCodesKeepsItsTextLessTheSourceLocation() {
        let failure = TLSFailure(text: "uncleanShutdown at /b/.build/checkouts/swift-nio-ssl/Sources/NIOSSL/SSLConnection.swift:88")
        XCTAssertEqual(failure.description, "uncleanShutdown")
    }

    func testAnOverlongLineIsAProtocolError() {
        XCTAssertEqual(PoolConnectionError.description(of: LineFrameDecoder.LineTooLongError(length: 70_000, limit: 65_536)),
                       "protocol error: line of at least 70000 bytes exceeds the limit of 65536")
    }
}
