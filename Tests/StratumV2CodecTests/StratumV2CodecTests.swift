import StratumV2Protocol
import XCTest

/// The Stratum V2 codec against byte layouts written out by hand from the sv2-spec tables (§3.1 data
/// types, §3.2 framing, §3.6 and §5.3 field tables, §8 message types and channel_msg bits).
final class StratumV2CodecTests: XCTestCase {
    /// Hex with spaces allowed; test input only.
    func hex(_ s: String) -> [UInt8] {
        let digits = Array(s.filter { !$0.isWhitespace })
        precondition(digits.count % 2 == 0)
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
    }

    func u256(_ first: UInt8) -> SV2U256 {
        SV2U256(littleEndianBytes: (0..<32).map { first &+ UInt8($0) })!
    }

    func assertThrows<T>(_ body: @autoclosure () throws -> T, _ expected: SV2CodecError,
                                 file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertEqual(error as? SV2CodecError, expected, file: file, line: line)
        }
    }

    // MARK: §3.1 data types

    func testIntegersAreLittleEndian() throws {
        var w = SV2Writer()
        w.writeU8(0xAB)
        w.writeU16(0x0102)
        try w.writeU24(0x030201)
        w.writeU32(0x0403_0201)
        w.writeU64(0x0807_0605_0403_0201)
        XCTAssertEqual(w.bytes, hex("ab 0201 010203 01020304 0102030405060708"))
        var r = SV2Reader(w.bytes)
        XCTAssertEqual(try r.readU8(), 0xAB)
        XCTAssertEqual(try r.readU16(), 0x0102)
        XCTAssertEqual(try r.readU24(), 0x030201)
        XCTAssertEqual(try r.readU32(), 0x0403_0201)
        XCTAssertEqual(try r.readU64(), 0x0807_0605_0403_0201)
        XCTAssertTrue(r.isAtEnd)
        var too = SV2Writer()
        assertThrows(try too.writeU24(0x100_0000), .lengthOutOfRange(type: "U24", length: 0x100_0000, maximum: 0xFF_FFFF))
    }

    func testU256IsLittleEndianOnTheWire() throws {
        // The target 0x00000000ffff0000…00 (big-endian, as written) goes least significant byte first.
        var be = [UInt8](repeating: 0, count: 32)
        be[4] = 0xFF
        be[5] = 0xFF
        let target = try XCTUnwrap(SV2U256(bigEndianBytes: be))
        var w = SV2Writer()
        w.writeU256(target)
        XCTAssertEqual(w.bytes, [UInt8](repeating: 0, count: 26) + [0xFF, 0xFF] + [0, 0, 0, 0])
        XCTAssertEqual(target.description, "00000000ffff" + String(repeating: "0", count: 52))
        var r = SV2Reader(w.bytes)
        XCTAssertEqual(try r.readU256(), target)
        XCTAssertNil(SV2U256(littleEndianBytes: [1, 2, 3]))
        XCTAssertNil(SV2U256(bigEndianBytes: [UInt8](repeating: 0, count: 33)))
    }

    func testF32IsIEEE754LittleEndian() throws {
        var w = SV2Writer()
        w.writeF32(1.0)          // 0x3F800000
        w.writeF32(1.0e12)       // 0x5368D4A5
        XCTAssertEqual(w.bytes, hex("0000803f a5d46853"))
        var r = SV2Reader(w.bytes)
        XCTAssertEqual(try r.readF32(), 1.0)
        XCTAssertEqual(try r.readF32(), 1.0e12)
    }

    func testBoolReadsOnlyTheLeastSignificantBit() throws {
        // §3.1: "Recipients MUST NOT interpret bits outside of the least significant bit", so 0xFE is
        // false and 0x03 true, not errors.
        var r = SV2Reader([0x00, 0x01, 0xFE, 0x03, 0x80])
        XCTAssertEqual(try r.readBool(), false)
        XCTAssertEqual(try r.readBool(), true)
        XCTAssertEqual(try r.readBool(), false)
        XCTAssertEqual(try r.readBool(), true)
        XCTAssertEqual(try r.readBool(), false)
        assertThrows(try r.readBool(), .truncated(offset: 5, needed: 1, available: 0))
        var w = SV2Writer()
        w.writeBool(true)
        w.writeBool(false)
        XCTAssertEqual(w.bytes, [1, 0])
    }

    func testLengthPrefixedBytesAndStrings() throws {
        var w = SV2Writer()
        w.writeSTR0_255("abc")
        try w.writeB0_32([0xAA])
        try w.writeB0_255([])
        try w.writeB0_64K([0xBB, 0xCC])
        try w.writeB0_16M([0xDD])
        XCTAssertEqual(w.bytes, hex("03 616263  01 aa  00  0200 bbcc  010000 dd"))
        var r = SV2Reader(w.bytes)
        XCTAssertEqual(try r.readSTR0_255().text, "abc")
        XCTAssertEqual(try r.readB0_32(), [0xAA])
        XCTAssertEqual(try r.readB0_255(), [])
        XCTAssertEqual(try r.readB0_64K(), [0xBB, 0xCC])
        XCTAssertEqual(try r.readB0_16M(), [0xDD])
        XCTAssertTrue(r.isAtEnd)
    }

    func testLengthLimitsOnWriting() throws {
        var w = SV2Writer()
        assertThrows(try w.writeB0_32([UInt8](repeating: 0, count: 33)), .lengthOutOfRange(type: "B0_32", length: 33, maximum: 32))
        assertThrows(try w.writeB0_255([UInt8](repeating: 0, count: 256)), .lengthOutOfRange(type: "B0_255", length: 256, maximum: 255))
        assertThrows(try w.writeB0_64K([UInt8](repeating: 0, count: 65_536)),
                     .lengthOutOfRange(type: "B0_64K", length: 65_536, maximum: 65_535))
        assertThrows(try SV2String(String(repeating: "x", count: 256)), .lengthOutOfRange(type: "STR0_255", length: 256, maximum: 255))
        XCTAssertEqual(try SV2String(String(repeating: "x", count: 255)).bytes.count, 255)
        assertThrows(try w.writeSEQ0_255([UInt8](repeating: 0, count: 256)) { $0.writeU8($1) },
                     .lengthOutOfRange(type: "SEQ0_255", length: 256, maximum: 255))
        assertThrows(try w.writePubkey([1]), .wrongFixedSize(type: "PUBKEY", length: 1, expected: 32))
        assertThrows(try w.writeSignature([UInt8](repeating: 0, count: 32)), .wrongFixedSize(type: "SIGNATURE", length: 32, expected: 64))
        XCTAssertEqual(w.bytes, [], "a refused value writes nothing")
    }

    func testB0_32LengthOver32Throws() {
        var r = SV2Reader([33] + [UInt8](repeating: 0, count: 33))
        assertThrows(try r.readB0_32(), .lengthOutOfRange(type: "B0_32", length: 33, maximum: 32))
        XCTAssertEqual(r.offset, 0)
    }

    func testTruncatedPrefixedValuesThrow() {
        var r = SV2Reader([5, 0x61, 0x62])
        assertThrows(try r.readSTR0_255(), .truncated(offset: 1, needed: 5, available: 2))
        var r2 = SV2Reader([0xFF, 0xFF, 1])
        assertThrows(try r2.readB0_64K(), .truncated(offset: 2, needed: 65_535, available: 1))
        var r3 = SV2Reader([0xFF, 0xFF, 0xFF])
        assertThrows(try r3.readB0_16M(), .truncated(offset: 3, needed: 0xFF_FFFF, available: 0))
        var r4 = SV2Reader([1, 2, 3])
        assertThrows(try r4.readU32(), .truncated(offset: 0, needed: 4, available: 3))
        var r5 = SV2Reader([UInt8](repeating: 0, count: 31))
        assertThrows(try r5.readU256(), .truncated(offset: 0, needed: 32, available: 31))
        var r6 = SV2Reader([UInt8](repeating: 0, count: 63))
        assertThrows(try r6.readSignature(), .truncated(offset: 0, needed: 64, available: 63))
    }

    func testStringBytesAreKeptAsReceived() throws {
        // The spec does not require UTF-8 in STR0_255 (user_identity is "unconstrained bytes"), so
        // invalid UTF-8 decodes to its bytes, and `text` shows a replacement character.
        var r = SV2Reader([2, 0xC3, 0x28])
        let s = try r.readSTR0_255()
        XCTAssertEqual(s.bytes, [0xC3, 0x28])
        XCTAssertEqual(s.text, "\u{FFFD}(")
    }

    func testSequencesAndOption() throws {
        var w = SV2Writer()
        try w.writeSEQ0_255([UInt16(1), 2]) { $0.writeU16($1) }
        try w.writeSEQ0_64K([UInt32(0x0A0B0C0D)]) { $0.writeU32($1) }
        w.writeOption(UInt32?.none) { $0.writeU32($1) }
        w.writeOption(UInt32?.some(7)) { $0.writeU32($1) }
        XCTAssertEqual(w.bytes, hex("02 0100 0200  0100 0d0c0b0a  00  01 07000000"))
        var r = SV2Reader(w.bytes)
        XCTAssertEqual(try r.readSEQ0_255 { try $0.readU16() }, [1, 2])
        XCTAssertEqual(try r.readSEQ0_64K { try $0.readU32() }, [0x0A0B0C0D])
        XCTAssertNil(try r.readOption { try $0.readU32() })
        XCTAssertEqual(try r.readOption { try $0.readU32() }, 7)
        XCTAssertTrue(r.isAtEnd)
    }

    func testMalformedSequencesAndOptionThrow() {
        var r = SV2Reader([2, 0])
        assertThrows(try r.readOption { try $0.readU8() }, .lengthOutOfRange(type: "OPTION", length: 2, maximum: 1))
        // A count of 65,535 U32s with four bytes behind it: truncated, and no huge allocation.
        var r2 = SV2Reader([0xFF, 0xFF, 1, 2, 3, 4])
        assertThrows(try r2.readSEQ0_64K { try $0.readU32() }, .truncated(offset: 6, needed: 4, available: 0))
        var r3 = SV2Reader([1])
        assertThrows(try r3.readOption { try $0.readU32() }, .truncated(offset: 1, needed: 4, available: 0))
    }

    // MARK: §3.2 framing

    func testFrameHeaderLayoutAndChannelBit() throws {
        let frame = SV2Frame(extensionType: 0x0ABC, isChannelMessage: true, messageType: 0x42, payload: [9, 8, 7])
        XCTAssertEqual(try frame.encoded(), hex("bc8a 42 030000 090807"))
        var decoder = SV2FrameDecoder()
        decoder.append(hex("bc8a 42 030000 090807"))
        let back = try XCTUnwrap(try decoder.nextFrame())
        XCTAssertEqual(back.header.extensionType, 0x0ABC, "the channel_msg bit is not part of the extension (§3.2.1)")
        XCTAssertTrue(back.header.isChannelMessage)
        XCTAssertEqual(back.header.wireExtensionType, 0x8ABC)
        XCTAssertEqual(back, frame)
    }


    func testFrameDecoderRefusesOversizedLengthFromTheHeaderAlone() throws {
        var decoder = SV2FrameDecoder(maximumPayloadLength: 1000)
        decoder.append(hex("0000 15 e90300"))  // msg_length 1001, no payload yet
        assertThrows(try decoder.nextFrame(), .frameTooLarge(length: 1001, maximum: 1000))
        var ok = SV2FrameDecoder(maximumPayloadLength: 1000)
        ok.append(hex("0000 15 e80300"))  // 1000: waits for the payload
        XCTAssertNil(try ok.nextFrame())
        var big = SV2FrameDecoder()
        big.append(hex("0080 1f ffffff"))
        assertThrows(try big.nextFrame(), .frameTooLarge(length: 0xFF_FFFF, maximum: SV2FrameDecoder.defaultMaximumPayloadLength))
    }


    func testEncryptedLayoutConstantsFromSection4() {
        XCTAssertEqual(SV2EncryptedLayout.maxCiphertextLength, 65_535)
        XCTAssertEqual(SV2EncryptedLayout.macLength, 16)
        XCTAssertEqual(SV2EncryptedLayout.maxPlaintextChunk, 65_519)
        XCTAssertEqual(SV2EncryptedLayout.encryptedHeaderLength, 22)
        XCTAssertEqual(SV2EncryptedLayout.encryptedPayloadLength(plaintext: 0), 0)
        XCTAssertEqual(SV2EncryptedLayout.encryptedPayloadLength(plaintext: 1), 17)
        XCTAssertEqual(SV2EncryptedLayout.encryptedPayloadLength(plaintext: 65_519), 65_535)
        XCTAssertEqual(SV2EncryptedLayout.encryptedPayloadLength(plaintext: 65_520), 65_520 + 32)
        XCTAssertEqual(SV2EncryptedLayout.encryptedPayloadLength(plaintext: 2 * 65_519 + 5), 2 * 65_535 + 5 + 16)
    }
}
