import XCTest
@testable import StratumV2Noise

/// HMAC, HKDF and ChaCha20-Poly1305 as the spec's CipherState and SymmetricState use them (§4.4).
final class NoisePrimitivesTests: XCTestCase {
    func testHMACMatchesRFC4231TestCases1And2() {
        XCTAssertEqual(hexString(NoiseSymmetricState.hmacHash(key: [UInt8](repeating: 0x0b, count: 20), data: Array("Hi There".utf8))),
                       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        XCTAssertEqual(hexString(NoiseSymmetricState.hmacHash(key: Array("Jefe".utf8), data: Array("what do ya want for nothing?".utf8))),
                       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    /// RFC 5869 test case 3 (test case 1 has a non-empty info, which Noise never uses): IKM = 22 × 0x0b,
    /// no salt (an empty chaining key, which HMAC pads to the same zero block), no info.
    func testHKDFMatchesRFC5869TestCase3() {
        let (out1, out2) = NoiseSymmetricState.hkdf(chainingKey: [], inputKeyMaterial: [UInt8](repeating: 0x0b, count: 22))
        XCTAssertEqual(hexString(Array((out1 + out2).prefix(42))),
                       "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8")
    }

    /// The spec's own three-line HKDF (§4.4.2) over HMAC-HASH gives the same two outputs.
    func testHKDFIsTheSpecsHMACConstruction() {
        let ck = [UInt8](repeating: 0xA5, count: 32), ikm = Array("input key material".utf8)
        let temp = NoiseSymmetricState.hmacHash(key: ck, data: ikm)
        let expected1 = NoiseSymmetricState.hmacHash(key: temp, data: [1])
        let expected2 = NoiseSymmetricState.hmacHash(key: temp, data: expected1 + [2])
        let (out1, out2) = NoiseSymmetricState.hkdf(chainingKey: ck, inputKeyMaterial: ikm)
        XCTAssertEqual(out1, expected1)
        XCTAssertEqual(out2, expected2)
    }

    func testNonceIsFourZeroBytesThenLittleEndianCounter() {
        XCTAssertEqual(NoiseCipherState.nonceBytes(0), [UInt8](repeating: 0, count: 12))
        XCTAssertEqual(NoiseCipherState.nonceBytes(0x0102_0304_0506_0708),
                       [0, 0, 0, 0, 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01])
    }

    /// RFC 8439 §2.8.2's key, AAD and plaintext, but the nonce of counter n = 1 (00000000 01000000
    /// 00000000: the RFC's own nonce does not start with four zero bytes, so no counter reproduces
    /// it). Expected bytes from an independent ChaCha20-Poly1305 (Python `cryptography` 48.0.0, which
    /// reproduces the RFC's tag 1ae10b59… for the RFC's nonce).
    func testEncryptWithAdAtCounterOneMatchesAnIndependentImplementation() {
        let key = (0x80...0x9f).map { UInt8($0) }
        let ad = hex("50515253c0c1c2c3c4c5c6c7")
        let plaintext = Array("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.".utf8)
        var cipher = NoiseCipherState(key: key)
        _ = cipher.encryptWithAd([], [])
        XCTAssertEqual(cipher.nonce, 1)
        XCTAssertEqual(hexString(cipher.encryptWithAd(ad, plaintext)),
                       "af7010641b0c07870c61fa51ef1af2867c2249b03f466826b4fc74ef71d8eebc3d7d03d408fbc5a69c28a1f237a6be63"
                       + "87273db104002a892278305905a3c55845adcffe878ddbe19d2115ab93a373ac405212f8baf098ce405cb46395c5"
                       + "9b5213cd6afa4dea5ed377ecb2bfa4cfdce9716109473dbdcf154e6e253e747918368410")
        XCTAssertEqual(cipher.nonce, 2)
    }

    func testDecryptRoundTripsAndAFailureKeepsTheCounter() throws {
        let key = [UInt8](repeating: 0x42, count: 32)
        var sender = NoiseCipherState(key: key), receiver = NoiseCipherState(key: key)
        let first = sender.encryptWithAd([9], [1, 2, 3])
        XCTAssertEqual(first.count, 3 + 16)
        var altered = first
        altered[0] ^= 0x80
        XCTAssertThrowsError(try receiver.decryptWithAd([9], altered)) { XCTAssertEqual($0 as? SV2NoiseError, .decryptionFailed) }
        XCTAssertThrowsError(try receiver.decryptWithAd([8], first)) { XCTAssertEqual($0 as? SV2NoiseError, .decryptionFailed) }
        XCTAssertThrowsError(try receiver.decryptWithAd([], [1, 2])) { XCTAssertEqual($0 as? SV2NoiseError, .decryptionFailed) }
        XCTAssertEqual(receiver.nonce, 0)
        XCTAssertEqual(try receiver.decryptWithAd([9], first), [1, 2, 3])
        XCTAssertEqual(receiver.nonce, 1)
        // The same ciphertext again is under the wrong nonce now.
        XCTAssertThrowsError(try receiver.decryptWithAd([9], first))
    }

    func testEmptyCipherStatePassesBytesThrough() throws {
        var cipher = NoiseCipherState()
        XCTAssertEqual(cipher.encryptWithAd([1], [5, 6]), [5, 6])
        XCTAssertEqual(try cipher.decryptWithAd([1], [5, 6]), [5, 6])
        XCTAssertEqual(cipher.nonce, 0)
    }

    /// §4.5.1: h = SHA-256(name) (the name is 46 bytes), ck = h, h = SHA-256(h).
    func testSymmetricStateStartsFromTheHashedProtocolName() {
        let state = NoiseSymmetricState()
        // Python hashlib.sha256(b"Noise_NX_Secp256k1+EllSwift_ChaChaPoly_SHA256"), and its hash.
        XCTAssertEqual(hexString(state.ck), "2eb47881208e9eee1f669f67c66ee70ea9ea88090d503fe830dc4bc83e29bf10")
        XCTAssertEqual(hexString(state.h), "922fa32e4f487c0d59caa3bed7899ce3d98db7e13dbd3b7cf2d23dd433dc6104")
        XCTAssertFalse(state.cipher.hasKey)
    }
}
