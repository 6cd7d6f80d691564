import StratumV2Protocol
import XCTest
@testable import StratumV2Noise

/// Sealing frames and decoding them incrementally (sv2-spec §4.6).
final class SV2EncryptedFramingTests: XCTestCase {
    private func payload(_ count: Int) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) } }

    func testPayloadSizesRoundTripWithThePredictedWireLength() throws {
        var (initiator, _) = try Fixture.handshake()
        var responderSide = try Fixture.handshake().responder.makeDecoder()
        for size in [0, 1, 65_519, 65_520, 140_000] {
            let frame = SV2Frame(isChannelMessage: size % 2 == 0, messageType: 0x1e, payload: payload(size))
            let sealed = initiator.seal(frame)
            XCTAssertEqual(sealed.count, SV2EncryptedLayout.encryptedHeaderLength
                           + SV2EncryptedLayout.encryptedPayloadLength(plaintext: size), "size \(size)")
            responderSide.append(sealed)
            XCTAssertEqual(try responderSide.nextFrame(), frame, "size \(size)")
            XCTAssertEqual(responderSide.bufferedByteCount, 0)
        }
        // The layout's own numbers: 22-byte header; one MAC per 65,519-byte chunk.
        XCTAssertEqual(SV2EncryptedLayout.encryptedPayloadLength(plaintext: 65_519), 65_535)
        XCTAssertEqual(SV2EncryptedLayout.encryptedPayloadLength(plaintext: 65_520), 65_535 + 17)
        XCTAssertEqual(SV2EncryptedLayout.encryptedPayloadLength(plaintext: 140_000), 140_000 + 3 * 16)
    }

    func testDecoderFedOneByteAtATime() throws {
        var (initiator, responder) = try Fixture.handshake()
        var decoder = responder.makeDecoder()
        let frames = [SV2Frame(isChannelMessage: false, messageType: 1, payload: payload(300)),
                      SV2Frame(isChannelMessage: true, messageType: 2, payload: []),
                      SV2Frame(extensionType: 5, isChannelMessage: false, messageType: 3, payload: payload(70_000))]
        let wire = frames.flatMap { initiator.seal($0) }
        var received: [SV2Frame] = []
        for byte in wire {
            decoder.append(CollectionOfOne(byte))
            while let frame = try decoder.nextFrame() { received.append(frame) }
        }
        XCTAssertEqual(received, frames)
    }

    func testOversizedLengthIsRejectedFromTheHeaderAlone() throws {
        var (initiator, responder) = try Fixture.handshake()
        var decoder = responder.makeDecoder(maximumPayloadLength: 100)
        let sealed = initiator.seal(SV2Frame(isChannelMessage: false, messageType: 1, payload: payload(101)))
        decoder.append(sealed.prefix(21))
        XCTAssertNil(try decoder.nextFrame())
        decoder.append(sealed[21..<22])
        XCTAssertThrowsError(try decoder.nextFrame()) {
            XCTAssertEqual($0 as? SV2NoiseError, .frameTooLarge(length: 101, maximum: 100))
        }
        // The stream stays failed.
        decoder.append(sealed[22...])
        XCTAssertThrowsError(try decoder.nextFrame())
    }

    func testTamperedFrameFailsItsMACCheck() throws {
        for index in [0, 21, 22, 60] {
            var (initiator, responder) = try Fixture.handshake()
            var decoder = responder.makeDecoder()
            var sealed = initiator.seal(SV2Frame(isChannelMessage: false, messageType: 1, payload: payload(30)))
            sealed[index] ^= 0x40
            decoder.append(sealed)
            XCTAssertThrowsError(try decoder.nextFrame(), "byte \(index)") {
                XCTAssertEqual($0 as? SV2NoiseError, .decryptionFailed, "byte \(index)")
            }
        }
    }

    func testFramesFromTheWrongDirectionDoNotDecrypt() throws {
        var (initiator, _) = try Fixture.handshake()
        var ownDecoder = initiator.makeDecoder()
        ownDecoder.append(initiator.seal(SV2Frame(isChannelMessage: false, messageType: 1, payload: [1])))
        XCTAssertThrowsError(try ownDecoder.nextFrame()) { XCTAssertEqual($0 as? SV2NoiseError, .decryptionFailed) }
    }
}
