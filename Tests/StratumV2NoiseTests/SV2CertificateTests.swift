import XCTest
@testable import StratumV2Noise

/// SIGNATURE_NOISE_MESSAGE and the certificate check (sv2-spec §4.5.2, §4.5.3).
final class SV2CertificateTests: XCTestCase {
    func testEncodingIs74LittleEndianBytesAndRoundTrips() throws {
        let message = SV2SignatureNoiseMessage(version: 0x0102, validFrom: 0x0304_0506, notValidAfter: 0x0708_090A,
                                               signature: (0..<64).map { UInt8($0) })
        let bytes = message.encoded()
        XCTAssertEqual(bytes.count, 74)
        XCTAssertEqual(Array(bytes.prefix(10)), [0x02, 0x01, 0x06, 0x05, 0x04, 0x03, 0x0A, 0x09, 0x08, 0x07])
        XCTAssertEqual(Array(bytes.suffix(64)), (0..<64).map { UInt8($0) })
        XCTAssertEqual(try SV2SignatureNoiseMessage(decoding: bytes), message)
        XCTAssertThrowsError(try SV2SignatureNoiseMessage(decoding: Array(bytes.dropLast())))
    }

    /// m = SHA-256(version ‖ valid_from ‖ not_valid_after ‖ x-only server key), fields little-endian.
    /// Expected: Python hashlib over the same 42 bytes.
    func testSignedHashIsSHA256OfTheSignedFields() {
        let m = SV2SignatureNoiseMessage.signedHash(version: 0, validFrom: 1_700_000_000, notValidAfter: 1_900_000_000,
                                                    serverStaticKeyXOnly: [UInt8](repeating: 0xAB, count: 32))
        XCTAssertEqual(hexString(m), "7ee88eec06bc9ac38312f93e52027a6032eaaf7fef06e71a7260417f57a900d0")
    }

    func testSignedCertificateVerifiesAndChecksItsPeriod() throws {
        let certificate = try Fixture.certificate()
        let server = Fixture.serverStaticKeyXOnly, authority = Fixture.authorityKeyXOnly
        XCTAssertEqual(certificate.signature.count, 64)
        XCTAssertEqual(certificate.verify(serverStaticKeyXOnly: server, authorityKeyXOnly: authority, now: Fixture.now, leeway: 0), .valid)
        XCTAssertEqual(certificate.verify(serverStaticKeyXOnly: server, authorityKeyXOnly: authority, now: Fixture.validFrom, leeway: 0), .valid)
        XCTAssertEqual(certificate.verify(serverStaticKeyXOnly: server, authorityKeyXOnly: authority, now: Fixture.notValidAfter, leeway: 0), .valid)
        XCTAssertEqual(certificate.verify(serverStaticKeyXOnly: server, authorityKeyXOnly: authority, now: Fixture.validFrom - 1, leeway: 0),
                       .notYetValid(validFrom: Fixture.validFrom, now: Fixture.validFrom - 1, leeway: 0))
        XCTAssertEqual(certificate.verify(serverStaticKeyXOnly: server, authorityKeyXOnly: authority, now: Fixture.notValidAfter + 1, leeway: 0),
                       .expired(notValidAfter: Fixture.notValidAfter, now: Fixture.notValidAfter + 1, leeway: 0))
        // Leeway widens both ends, and no further.
        XCTAssertEqual(certificate.verify(serverStaticKeyXOnly: server, authorityKeyXOnly: authority, now: Fixture.validFrom - 10, leeway: 10), .valid)
        XCTAssertEqual(certificate.verify(serverStaticKeyXOnly: server, authorityKeyXOnly: authority, now: Fixture.notValidAfter + 10, leeway: 10), .valid)
        XCTAssertFalse(certificate.verify(serverStaticKeyXOnly: server, authorityKeyXOnly: authority, now: Fixture.validFrom - 11, leeway: 10).isValid)
        XCTAssertFalse(certificate.verify(serverStaticKeyXOnly: server, authorityKeyXOnly: authority, now: Fixture.notValidAfter + 11, leeway: 10).isValid)
        // Extreme values do not overflow (an absurd leeway admits any time).
        XCTAssertEqual(certificate.verify(serverStaticKeyXOnly: server, authorityKeyXOnly: authority, now: .max, leeway: .max), .valid)
        XCTAssertEqual(certificate.verify(serverStaticKeyXOnly: server, authorityKeyXOnly: authority, now: 0, leeway: .max), .valid)
    }

    func testAlteredFieldsOrKeysAreBadSignatures() throws {
        let certificate = try Fixture.certificate()
        let server = Fixture.serverStaticKeyXOnly, authority = Fixture.authorityKeyXOnly
        var later = certificate
        later.notValidAfter += 1
        XCTAssertEqual(later.verify(serverStaticKeyXOnly: server, authorityKeyXOnly: authority, now: Fixture.now, leeway: 0), .badSignature)
        var otherVersion = certificate
        otherVersion.version = 1
        XCTAssertEqual(otherVersion.verify(serverStaticKeyXOnly: server, authorityKeyXOnly: authority, now: Fixture.now, leeway: 0), .badSignature)
        XCTAssertEqual(certificate.verify(serverStaticKeyXOnly: authority, authorityKeyXOnly: authority, now: Fixture.now, leeway: 0), .badSignature)
        XCTAssertEqual(certificate.verify(serverStaticKeyXOnly: server, authorityKeyXOnly: [1, 2, 3], now: Fixture.now, leeway: 0), .badSignature)
        // A forged certificate is reported as such even when its dates are also wrong.
        XCTAssertEqual(later.verify(serverStaticKeyXOnly: server, authorityKeyXOnly: authority, now: 0, leeway: 0), .badSignature)
    }

    func testInvalidAuthoritySecretKeyIsRejected() {
        XCTAssertThrowsError(try Fixture.certificate(authority: [UInt8](repeating: 0, count: 32))) {
            XCTAssertEqual($0 as? SV2NoiseError, .invalidKey)
        }
    }

    func testDescriptionsSayWhatIsWrongInWords() {
        let early = SV2CertificateCheck.notYetValid(validFrom: 951_782_400, now: 951_782_370, leeway: 10).description
        XCTAssertEqual(early, "the pool's certificate is not valid until 2000-02-29 00:00:00 UTC; this machine's clock says "
                       + "2000-02-28 23:59:30 UTC, 30 s earlier (clock leeway 10 s): check the clock")
        let late = SV2CertificateCheck.expired(notValidAfter: 4_102_444_799, now: 4_102_444_799 - 0, leeway: 0).description
        XCTAssertTrue(late.contains("expired at 2099-12-31 23:59:59 UTC"), late)
        XCTAssertTrue(late.contains("(clock leeway 0 s)"), late)
        XCTAssertTrue(SV2CertificateCheck.badSignature.description.contains("authority key"))
        XCTAssertEqual(SV2NoiseError.decryptionFailed.description,
                       "Stratum V2 decryption failed: MAC check failed: the frame was altered or the keys differ")
        XCTAssertTrue(SV2NoiseError.certificate(.badSignature).description.contains("not signed by the configured authority key"))
        XCTAssertTrue(SV2NoiseError.frameTooLarge(length: 2_000_000, maximum: 1_048_576).description.contains("2000000-byte payload"))
    }

    func testUnixTimeFormatting() {
        XCTAssertEqual(UnixTime.format(0), "1970-01-01 00:00:00 UTC")
        XCTAssertEqual(UnixTime.format(1_796_687_999), "2026-12-07 23:59:59 UTC")
        XCTAssertEqual(UnixTime.format(UInt32.max), "2106-02-07 06:28:15 UTC")
    }
}
