import StratumV2Protocol
import XCTest
@testable import StratumV2Noise

/// The NX handshake between `SV2NoiseInitiator` and `SV2NoiseResponder` (sv2-spec §4.5).
final class SV2HandshakeTests: XCTestCase {
    func testActLengthsAre64And234() throws {
        let initiator = Fixture.initiator()
        XCTAssertEqual(initiator.act1.count, 64)
        let (act2, _) = try Fixture.responder().respond(toAct1: initiator.act1)
        XCTAssertEqual(act2.count, 234)
        XCTAssertEqual(SV2HandshakeLayout.act2Length, 234)
    }

    func testBothSidesDeriveTheSameTransportKeys() throws {
        var initiator = Fixture.initiator()
        var generator = SeededGenerator(seed: 3)
        let (act2, responderTransport) = try Fixture.responder().respond(toAct1: initiator.act1, using: &generator)
        let result = try initiator.receiveAct2(act2, authorityKeyXOnly: Fixture.authorityKeyXOnly, now: Fixture.now, leeway: 0)
        XCTAssertEqual(result.transport.sending.key, responderTransport.receiving.key)
        XCTAssertEqual(result.transport.receiving.key, responderTransport.sending.key)
        XCTAssertNotEqual(result.transport.sending.key, result.transport.receiving.key)
        XCTAssertNotNil(result.transport.sending.key)
        XCTAssertEqual(result.serverStaticKeyXOnly, Fixture.serverStaticKeyXOnly)
        XCTAssertEqual(result.serverStaticKey.count, 64)
        XCTAssertEqual(try Fixture.certificate(), result.certificate)
    }

    func testFramesSealedOnOneSideOpenOnTheOtherBothWays() throws {
        var (initiator, responder) = try Fixture.handshake()
        var atResponder = responder.makeDecoder(), atInitiator = initiator.makeDecoder()
        let up = SV2Frame(isChannelMessage: false, messageType: 0x00, payload: Array("SetupConnection".utf8))
        let down = SV2Frame(extensionType: 0x1234, isChannelMessage: true, messageType: 0x1f, payload: [1, 2, 3, 4, 5])
        atResponder.append(initiator.seal(up))
        XCTAssertEqual(try atResponder.nextFrame(), up)
        atInitiator.append(responder.seal(down))
        XCTAssertEqual(try atInitiator.nextFrame(), down)
        // A second frame each way uses the next nonce on both sides.
        atResponder.append(initiator.seal(down))
        XCTAssertEqual(try atResponder.nextFrame(), down)
        atInitiator.append(responder.seal(up))
        XCTAssertEqual(try atInitiator.nextFrame(), up)
    }

    func testFreshEphemeralKeysGiveDifferentSessions() throws {
        let responder = try Fixture.responder()
        let one = Fixture.initiator(seed: 10), two = Fixture.initiator(seed: 11)
        XCTAssertNotEqual(one.act1, two.act1)
        XCTAssertNotEqual(try responder.respond(toAct1: one.act1).act2, try responder.respond(toAct1: one.act1).act2)
    }

    func testEveryTamperedAct2ByteFailsTheHandshake() throws {
        let responder = try Fixture.responder()
        for index in [0, 63, 64, 100, 143, 144, 200, 233] {
            var initiator = Fixture.initiator()
            var (act2, _) = try responder.respond(toAct1: initiator.act1)
            act2[index] ^= 0x01
            XCTAssertThrowsError(try initiator.receiveAct2(act2, authorityKeyXOnly: Fixture.authorityKeyXOnly,
                                                           now: Fixture.now, leeway: 0), "byte \(index)") {
                XCTAssertEqual($0 as? SV2NoiseError, .decryptionFailed, "byte \(index)")
            }
        }
    }

    func testWrongLengthAct2IsMalformed() throws {
        var initiator = Fixture.initiator()
        let (act2, _) = try Fixture.responder().respond(toAct1: initiator.act1)
        XCTAssertThrowsError(try initiator.receiveAct2(Array(act2.prefix(170)), authorityKeyXOnly: Fixture.authorityKeyXOnly,
                                                       now: Fixture.now, leeway: 0)) { error in
            guard case .malformedHandshake(let why)? = error as? SV2NoiseError else { return XCTFail("\(error)") }
            XCTAssertTrue(why.contains("170"), why)
        }
        XCTAssertThrowsError(try Fixture.responder().respond(toAct1: [UInt8](repeating: 1, count: 63)))
    }

    func testWrongAuthorityKeyIsABadSignature() throws {
        var initiator = Fixture.initiator()
        let (act2, _) = try Fixture.responder().respond(toAct1: initiator.act1)
        let other = NoiseTestKeys.xOnly(Fixture.otherAuthoritySecretKey)
        XCTAssertThrowsError(try initiator.receiveAct2(act2, authorityKeyXOnly: other, now: Fixture.now, leeway: 0)) {
            XCTAssertEqual($0 as? SV2NoiseError, .certificate(.badSignature))
        }
    }

    func testACertificateForAnotherServerKeyIsABadSignature() throws {
        let forOtherKey = try SV2SignatureNoiseMessage.signed(
            serverStaticKeyXOnly: NoiseTestKeys.xOnly([UInt8](repeating: 0x22, count: 32)),
            authoritySecretKey: Fixture.authoritySecretKey, validFrom: Fixture.validFrom, notValidAfter: Fixture.notValidAfter)
        var initiator = Fixture.initiator()
        let (act2, _) = try Fixture.responder(certificate: forOtherKey).respond(toAct1: initiator.act1)
        XCTAssertThrowsError(try initiator.receiveAct2(act2, authorityKeyXOnly: Fixture.authorityKeyXOnly, now: Fixture.now, leeway: 0)) {
            XCTAssertEqual($0 as? SV2NoiseError, .certificate(.badSignature))
        }
    }

    func testNotYetValidAndExpiredCertificatesFailTheHandshake() throws {
        for (now, expected) in [
            (Fixture.validFrom - 100, SV2CertificateCheck.notYetValid(validFrom: Fixture.validFrom, now: Fixture.validFrom - 100, leeway: 10)),
            (Fixture.notValidAfter + 100, .expired(notValidAfter: Fixture.notValidAfter, now: Fixture.notValidAfter + 100, leeway: 10)),
        ] {
            var initiator = Fixture.initiator()
            let (act2, _) = try Fixture.responder().respond(toAct1: initiator.act1)
            XCTAssertThrowsError(try initiator.receiveAct2(act2, authorityKeyXOnly: Fixture.authorityKeyXOnly, now: now, leeway: 10)) {
                XCTAssertEqual($0 as? SV2NoiseError, .certificate(expected))
            }
        }
    }

    /// A pool that just issued its certificate, and a client whose clock is 5 s behind.
    func testLeewayAdmitsAClientClockAFewSecondsBehind() throws {
        let certificate = try Fixture.certificate(validFrom: Fixture.now, notValidAfter: Fixture.now + 3600)
        var initiator = Fixture.initiator()
        let (act2, _) = try Fixture.responder(certificate: certificate).respond(toAct1: initiator.act1)
        var strict = initiator
        XCTAssertThrowsError(try strict.receiveAct2(act2, authorityKeyXOnly: Fixture.authorityKeyXOnly, now: Fixture.now - 5, leeway: 0))
        let result = try initiator.receiveAct2(act2, authorityKeyXOnly: Fixture.authorityKeyXOnly, now: Fixture.now - 5, leeway: 10)
        XCTAssertEqual(result.certificate, certificate)
    }

    func testAct2CanOnlyBeReceivedOnce() throws {
        var initiator = Fixture.initiator()
        let (act2, _) = try Fixture.responder().respond(toAct1: initiator.act1)
        _ = try initiator.receiveAct2(act2, authorityKeyXOnly: Fixture.authorityKeyXOnly, now: Fixture.now, leeway: 0)
        XCTAssertThrowsError(try initiator.receiveAct2(act2, authorityKeyXOnly: Fixture.authorityKeyXOnly, now: Fixture.now, leeway: 0)) {
            guard case .malformedHandshake? = $0 as? SV2NoiseError else { return XCTFail("\($0)") }
        }
    }

    func testInvalidStaticKeyIsRejected() throws {
        XCTAssertThrowsError(try SV2NoiseResponder(staticSecretKey: [UInt8](repeating: 0, count: 32), certificate: Fixture.certificate())) {
            XCTAssertEqual($0 as? SV2NoiseError, .invalidKey)
        }
        XCTAssertThrowsError(try SV2NoiseResponder(staticSecretKey: [UInt8](repeating: 0xFF, count: 32), certificate: Fixture.certificate())) {
            XCTAssertEqual($0 as? SV2NoiseError, .invalidKey)
        }
    }

    /// One whole handshake, after a first one to warm up: act 1, act 2 with its ECDHs, the certificate
    /// check, the split (about 0.09–0.11 s in a debug build on the 2-core development machine).
    func testOneHandshakeTakesUnderASecond() throws {
        let responder = try Fixture.responder()
        let clock = ContinuousClock()
        _ = try clock.measure {
            var initiator = SV2NoiseInitiator()
            let (act2, _) = try responder.respond(toAct1: initiator.act1)
            _ = try initiator.receiveAct2(act2, authorityKeyXOnly: Fixture.authorityKeyXOnly, now: Fixture.now, leeway: 0)
        }
        let elapsed = try clock.measure {
            var initiator = SV2NoiseInitiator()
            let (act2, _) = try responder.respond(toAct1: initiator.act1)
            _ = try initiator.receiveAct2(act2, authorityKeyXOnly: Fixture.authorityKeyXOnly, now: Fixture.now, leeway: 0)
        }
        XCTAssertLessThan(elapsed, .seconds(1))
    }
}
