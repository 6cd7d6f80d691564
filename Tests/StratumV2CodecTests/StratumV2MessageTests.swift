import StratumV2Protocol
import XCTest

/// Framing with messages, and the Common and Mining Protocol messages against their field tables.
extension StratumV2CodecTests {
    // MARK: framing with messages

    func testFrameDecoderYieldsWholeFramesAcrossArbitrarySplits() throws {
        let a = try SetTarget(channelID: 1, maximumTarget: u256(0)).encodedFrame()
        let b = try SubmitSharesSuccess(channelID: 1, lastSequenceNumber: 2, newSubmitsAcceptedCount: 3, newSharesSum: 4).encodedFrame()
        let empty = try SV2Frame(isChannelMessage: false, messageType: 0x7E, payload: []).encoded()
        let stream = a + empty + b
        for chunk in [1, 2, 5, 6, 7, 40, stream.count] {
            var decoder = SV2FrameDecoder()
            var frames: [SV2Frame] = []
            var i = 0
            while i < stream.count {
                decoder.append(stream[i..<min(i + chunk, stream.count)])
                i += chunk
                while let f = try decoder.nextFrame() { frames.append(f) }
            }
            XCTAssertEqual(frames.map(\.header.messageType), [0x21, 0x7E, 0x1C], "chunk \(chunk)")
            XCTAssertEqual(frames.map(\.payload.count), [36, 0, 20], "chunk \(chunk)")
            XCTAssertEqual(decoder.bufferedByteCount, 0)
        }
    }

    func testUnknownMessageTypesAndExtensionsAreSkippedByLength() throws {
        let known = try SetTarget(channelID: 5, maximumTarget: u256(1)).encodedFrame()
        var decoder = SV2FrameDecoder()
        // msg_type 0x7F (unknown) with 4 payload bytes, then an unknown extension's frame that reuses a
        // known msg_type, then SetTarget.
        decoder.append(hex("0000 7f 040000 21212121") + hex("0240 21 020000 ffff") + known)
        var messages: [SV2AnyMessage] = []
        while let f = try decoder.nextFrame() { messages.append(try SV2AnyMessage(frame: f)) }
        XCTAssertEqual(messages.count, 3)
        guard case .unknown(let u1) = messages[0], case .unknown(let u2) = messages[1] else {
            return XCTFail("expected two unknown frames, got \(messages)")
        }
        XCTAssertEqual(u1.header.messageType, 0x7F)
        XCTAssertEqual(u2.header.extensionType, 0x4002)
        XCTAssertEqual(messages[2], .setTarget(SetTarget(channelID: 5, maximumTarget: u256(1))))
    }

    // MARK: exact layouts from the field tables

    func testSetupConnectionBytes() throws {
        // §3.6.1: protocol U8, min_version U16, max_version U16, flags U32, endpoint_host STR0_255,
        // endpoint_port U16, vendor, hardware_version, firmware, device_id STR0_255. §8: type 0x00, bit 0.
        let m = SetupConnection(flags: MiningSetupFlags.requiresStandardJobs | MiningSetupFlags.requiresVersionRolling,
                                endpointHost: "pool.x", endpointPort: 3336, vendor: "SM", hardwareVersion: "",
                                firmware: "1", deviceID: "")
        let payload = hex("""
            00  0200  0200  05000000
            06 706f6f6c2e78  080d
            02 534d  00  01 31  00
            """)
        XCTAssertEqual(try m.payload(), payload)
        XCTAssertEqual(try m.encodedFrame(), hex("0000 00 190000") + payload)
        XCTAssertEqual(try SetupConnection(payload: payload), m)
    }

    func testSetupConnectionSuccessAndErrorBytes() throws {
        let s = SetupConnectionSuccess(usedVersion: 2, flags: MiningSetupSuccessFlags.requiresExtendedChannels)
        XCTAssertEqual(try s.encodedFrame(), hex("0000 01 060000  0200 02000000"))
        let e = SetupConnectionError(flags: 0, errorCode: "unsupported-protocol")
        XCTAssertEqual(try e.encodedFrame(), hex("0000 02 190000  00000000 14") + Array("unsupported-protocol".utf8))
        XCTAssertEqual(try SetupConnectionError(frame: e.frame()), e)
    }

    func testOpenStandardMiningChannelBytes() throws {
        // §5.3.2: request_id U32, user_identity STR0_255, nominal_hash_rate F32, max_target U256.
        var maxBE = [UInt8](repeating: 0xFF, count: 32)
        maxBE[0...3] = [0, 0, 0, 0]  // 0x00000000ffff…ff
        let m = OpenStandardMiningChannel(requestID: 1, userIdentity: "ab", nominalHashRate: 1.0,
                                          maxTarget: SV2U256(bigEndianBytes: maxBE)!)
        let payload = hex("01000000  02 6162  0000803f") + [UInt8](repeating: 0xFF, count: 28) + [0, 0, 0, 0]
        XCTAssertEqual(try m.payload(), payload)
        XCTAssertEqual(try m.encodedFrame(), hex("0000 10 2b0000") + payload)
        XCTAssertEqual(try OpenStandardMiningChannel(payload: payload), m)
    }

    func testOpenStandardMiningChannelSuccessBytes() throws {
        // §5.3.3: request_id, channel_id U32, target U256, extranonce_prefix B0_32, group_channel_id U32.
        let m = OpenStandardMiningChannelSuccess(requestID: 1, channelID: 0x11223344, target: u256(0),
                                                 extranoncePrefix: [0xE0, 0xE1], groupChannelID: 9)
        let payload = hex("01000000 44332211") + (0..<32).map { UInt8($0) } + hex("02 e0e1 09000000")
        XCTAssertEqual(try m.encodedFrame(), hex("0000 11 2f0000") + payload)
        XCTAssertEqual(try OpenStandardMiningChannelSuccess(payload: payload), m)
    }

    func testNewMiningJobBytes() throws {
        // §5.3.15: channel_id U32, job_id U32, min_ntime OPTION[U32], version U32, merkle_root U256.
        // §8: 0x15 with the channel_msg bit.
        let m = NewMiningJob(channelID: 7, jobID: 9, minNTime: 0x6500_0000, version: 0x2000_0000, merkleRoot: u256(0x40))
        let root = (0..<32).map { UInt8(0x40 + $0) }
        let payload = hex("07000000 09000000 01 00000065 00000020") + root
        XCTAssertEqual(try m.encodedFrame(), hex("0080 15 310000") + payload)
        XCTAssertEqual(try NewMiningJob(payload: payload), m)

        let future = NewMiningJob(channelID: 7, jobID: 10, minNTime: nil, version: 0x2000_0000, merkleRoot: u256(0x40))
        let futurePayload = hex("07000000 0a000000 00 00000020") + root
        XCTAssertEqual(try future.encodedFrame(), hex("0080 15 2d0000") + futurePayload)
        XCTAssertTrue(try NewMiningJob(payload: futurePayload).isFutureJob)
    }

    func testSetNewPrevHashBytes() throws {
        // §5.3.17: channel_id U32, job_id U32, prev_hash U256, min_ntime U32, nbits U32; §8: 0x20, bit 1.
        let m = SetNewPrevHash(channelID: 1, jobID: 2, prevHash: u256(0xA0), minNTime: 0x6553_F100, nbits: 0x1703_A30C)
        let payload = hex("01000000 02000000") + (0..<32).map { UInt8(0xA0 + $0) } + hex("00f15365 0ca30317")
        XCTAssertEqual(try m.encodedFrame(), hex("0080 20 300000") + payload)
        XCTAssertEqual(try SetNewPrevHash(payload: payload), m)
    }

    func testSubmitSharesStandardBytes() throws {
        // §5.3.11: channel_id, sequence_number, job_id, nonce, ntime, version, all U32; §8: 0x1a, bit 1.
        let m = SubmitSharesStandard(channelID: 1, sequenceNumber: 2, jobID: 3, nonce: 0xDEAD_BEEF,
                                     ntime: 0x6553_F101, version: 0x2000_4000)
        let payload = hex("01000000 02000000 03000000 efbeadde 01f15365 00400020")
        XCTAssertEqual(try m.encodedFrame(), hex("0080 1a 180000") + payload)
        XCTAssertEqual(try SubmitSharesStandard(payload: payload), m)
    }

    func testSubmitSharesSuccessBytes() throws {
        // §5.3.13: channel_id, last_sequence_number, new_submits_accepted_count U32, new_shares_sum U64.
        let m = SubmitSharesSuccess(channelID: 1, lastSequenceNumber: 10, newSubmitsAcceptedCount: 3,
                                    newSharesSum: 0x0102_0304_0506_0708)
        let payload = hex("01000000 0a000000 03000000 0807060504030201")
        XCTAssertEqual(try m.encodedFrame(), hex("0080 1c 140000") + payload)
        XCTAssertEqual(try SubmitSharesSuccess(payload: payload), m)
    }

    func testNewExtendedMiningJobBytes() throws {
        // §5.3.16: …, version U32, version_rolling_allowed BOOL, merkle_path SEQ0_255[U256],
        // coinbase_tx_prefix B0_64K, coinbase_tx_suffix B0_64K.
        let m = NewExtendedMiningJob(channelID: 2, jobID: 3, minNTime: nil, version: 0x2000_0000, versionRollingAllowed: true,
                                     merklePath: [u256(0), u256(0x80)], coinbaseTxPrefix: [1, 2, 3], coinbaseTxSuffix: [4])
        let payload = hex("02000000 03000000 00 00000020 01 02") + (0..<32).map { UInt8($0) }
            + (0..<32).map { UInt8(0x80 + $0) } + hex("0300 010203 0100 04")
        XCTAssertEqual(try m.encodedFrame(), hex("0080 1f 570000") + payload)
        XCTAssertEqual(try NewExtendedMiningJob(payload: payload), m)
    }

    func testSmallerMessagesBytes() throws {
        XCTAssertEqual(try SetTarget(channelID: 3, maximumTarget: .max).encodedFrame(),
                       hex("0080 21 240000 03000000") + [UInt8](repeating: 0xFF, count: 32))
        XCTAssertEqual(try SetExtranoncePrefix(channelID: 3, extranoncePrefix: [0xAA, 0xBB]).encodedFrame(),
                       hex("0080 19 070000 03000000 02 aabb"))
        XCTAssertEqual(try SubmitSharesError(channelID: 3, sequenceNumber: 4, errorCode: "stale-share").encodedFrame(),
                       hex("0080 1d 140000 03000000 04000000 0b") + Array("stale-share".utf8))
        XCTAssertEqual(try OpenMiningChannelError(requestID: 5, errorCode: "x").encodedFrame(), hex("0000 12 060000 05000000 01 78"))
        XCTAssertEqual(try Reconnect(newHost: "h", newPort: 3336).encodedFrame(), hex("0000 04 040000 01 68 080d"))
        XCTAssertEqual(try CloseChannel(channelID: 1, reasonCode: "").encodedFrame(), hex("0080 18 050000 01000000 00"))
        XCTAssertEqual(try UpdateChannelError(channelID: 1, errorCode: "e").encodedFrame(), hex("0080 17 060000 01000000 01 65"))
        XCTAssertEqual(try UpdateChannel(channelID: 1, nominalHashRate: 1.0, maximumTarget: .zero).encodedFrame(),
                       hex("0080 16 280000 01000000 0000803f") + [UInt8](repeating: 0, count: 32))
        XCTAssertEqual(try SubmitSharesExtended(channelID: 1, sequenceNumber: 2, jobID: 3, nonce: 4, ntime: 5, version: 6,
                                                extranonce: [7, 8]).encodedFrame(),
                       hex("0080 1b 1b0000 01000000 02000000 03000000 04000000 05000000 06000000 02 0708"))
        XCTAssertEqual(try OpenExtendedMiningChannel(requestID: 1, userIdentity: "", nominalHashRate: 0, maxTarget: .zero,
                                                     minExtranonceSize: 8).encodedFrame(),
                       hex("0000 13 2b0000 01000000 00 00000000") + [UInt8](repeating: 0, count: 32) + hex("0800"))
        XCTAssertEqual(try OpenExtendedMiningChannelSuccess(requestID: 1, channelID: 2, target: .zero, extranonceSize: 16,
                                                            extranoncePrefix: [9], groupChannelID: 0).encodedFrame(),
                       hex("0000 14 300000 01000000 02000000") + [UInt8](repeating: 0, count: 32) + hex("1000 01 09 00000000"))
    }

    // MARK: every message: §8 type and channel_msg bit, round trip, truncation

    func allMessages() throws -> [any SV2Message] {
        [
            SetupConnection(flags: 7, endpointHost: "h", endpointPort: 1, vendor: "v", hardwareVersion: "hw", firmware: "f",
                            deviceID: "d"),
            SetupConnectionSuccess(usedVersion: 2, flags: 1),
            SetupConnectionError(flags: 4, errorCode: "unsupported-feature-flags"),
            Reconnect(newHost: "pool2.example", newPort: 3336),
            OpenStandardMiningChannel(requestID: 1, userIdentity: "w.1", nominalHashRate: 2.5e9, maxTarget: u256(3)),
            OpenStandardMiningChannelSuccess(requestID: 1, channelID: 2, target: u256(4), extranoncePrefix: [1, 2, 3, 4],
                                             groupChannelID: 5),
            OpenMiningChannelError(requestID: 1, errorCode: "max-target-out-of-range"),
            OpenExtendedMiningChannel(requestID: 2, userIdentity: "w.2", nominalHashRate: 1e6, maxTarget: u256(5),
                                      minExtranonceSize: 4),
            OpenExtendedMiningChannelSuccess(requestID: 2, channelID: 3, target: u256(6), extranonceSize: 8,
                                             extranoncePrefix: [UInt8](repeating: 7, count: 32), groupChannelID: 1),
            NewMiningJob(channelID: 2, jobID: 1, minNTime: 100, version: 0x2000_0000, merkleRoot: u256(7)),
            NewExtendedMiningJob(channelID: 3, jobID: 2, minNTime: 5, version: 0x2000_0000, versionRollingAllowed: false,
                                 merklePath: [u256(8)], coinbaseTxPrefix: [UInt8](repeating: 1, count: 300),
                                 coinbaseTxSuffix: [2]),
            SetNewPrevHash(channelID: 2, jobID: 1, prevHash: u256(9), minNTime: 100, nbits: 0x1D00_FFFF),
            SetTarget(channelID: 2, maximumTarget: u256(10)),
            SetExtranoncePrefix(channelID: 3, extranoncePrefix: [9, 9]),
            SubmitSharesStandard(channelID: 2, sequenceNumber: 1, jobID: 1, nonce: 2, ntime: 3, version: 4),
            SubmitSharesExtended(channelID: 3, sequenceNumber: 1, jobID: 2, nonce: 3, ntime: 4, version: 5, extranonce: [1]),
            SubmitSharesSuccess(channelID: 2, lastSequenceNumber: 9, newSubmitsAcceptedCount: 9, newSharesSum: 9000),
            SubmitSharesError(channelID: 2, sequenceNumber: 10, errorCode: "difficulty-too-low"),
            UpdateChannel(channelID: 2, nominalHashRate: 3e9, maximumTarget: u256(11)),
            UpdateChannelError(channelID: 2, errorCode: "invalid-channel-id"),
            CloseChannel(channelID: 2, reasonCode: "bye"),
        ]
    }

    func testMessageTypesAndChannelBitsMatchSection8() throws {
        // §8, written out: (msg_type, channel_msg bit) in allMessages() order, and for channel
        // messages the channel_id allMessages() gives them.
        let expected: [(UInt8, Bool, UInt8)] = [
            (0x00, false, 0), (0x01, false, 0), (0x02, false, 0), (0x04, false, 0),
            (0x10, false, 0), (0x11, false, 0), (0x12, false, 0), (0x13, false, 0), (0x14, false, 0),
            (0x15, true, 2), (0x1F, true, 3), (0x20, true, 2), (0x21, true, 2), (0x19, true, 3), (0x1A, true, 2),
            (0x1B, true, 3), (0x1C, true, 2), (0x1D, true, 2), (0x16, true, 2), (0x17, true, 2), (0x18, true, 2),
        ]
        let messages = try allMessages()
        XCTAssertEqual(messages.count, expected.count)
        for (m, (type, channel, channelID)) in zip(messages, expected) {
            let bytes = try m.encodedFrame()
            XCTAssertEqual(bytes[0], 0, "\(m)")
            XCTAssertEqual(bytes[1], channel ? 0x80 : 0x00, "channel_msg bit of \(type)")
            XCTAssertEqual(bytes[2], type, "\(m)")
            XCTAssertEqual(Int(bytes[3]) | Int(bytes[4]) << 8 | Int(bytes[5]) << 16, bytes.count - 6, "msg_length of \(type)")
            if channel {
                // §3.2.1: a channel message's payload starts with its channel_id.
                XCTAssertEqual(Array(bytes[6...9]), [channelID, 0, 0, 0], "channel_id of \(type)")
            }
        }
    }

    func testEveryMessageRoundTripsThroughTheFrameDecoder() throws {
        let messages = try allMessages()
        var decoder = SV2FrameDecoder()
        for m in messages { decoder.append(try m.encodedFrame()) }
        var decoded: [SV2AnyMessage] = []
        while let f = try decoder.nextFrame() { decoded.append(try SV2AnyMessage(frame: f)) }
        XCTAssertEqual(decoded.count, messages.count)
        for (m, d) in zip(messages, decoded) {
            if case .unknown = d { XCTFail("\(m) decoded as unknown") }
            // Re-encode the decoded value: the same bytes.
            XCTAssertEqual(try anyPayload(d), try m.payload(), "\(m)")
        }
    }

    func anyPayload(_ m: SV2AnyMessage) throws -> [UInt8] {
        switch m {
        case .setupConnection(let x): return try x.payload()
        case .setupConnectionSuccess(let x): return try x.payload()
        case .setupConnectionError(let x): return try x.payload()
        case .reconnect(let x): return try x.payload()
        case .openStandardMiningChannel(let x): return try x.payload()
        case .openStandardMiningChannelSuccess(let x): return try x.payload()
        case .openMiningChannelError(let x): return try x.payload()
        case .openExtendedMiningChannel(let x): return try x.payload()
        case .openExtendedMiningChannelSuccess(let x): return try x.payload()
        case .newMiningJob(let x): return try x.payload()
        case .newExtendedMiningJob(let x): return try x.payload()
        case .setNewPrevHash(let x): return try x.payload()
        case .setTarget(let x): return try x.payload()
        case .setExtranoncePrefix(let x): return try x.payload()
        case .submitSharesStandard(let x): return try x.payload()
        case .submitSharesExtended(let x): return try x.payload()
        case .submitSharesSuccess(let x): return try x.payload()
        case .submitSharesError(let x): return try x.payload()
        case .updateChannel(let x): return try x.payload()
        case .updateChannelError(let x): return try x.payload()
        case .closeChannel(let x): return try x.payload()
        case .unknown(let f): return f.payload
        }
    }

    func testEveryTruncatedPayloadThrowsTruncated() throws {
        for m in try allMessages() {
            let payload = try m.payload()
            for cut in 0..<payload.count {
                let frame = SV2Frame(isChannelMessage: type(of: m).isChannelMessage, messageType: type(of: m).messageType,
                                     payload: Array(payload[..<cut]))
                XCTAssertThrowsError(try SV2AnyMessage(frame: frame), "\(type(of: m)) cut at \(cut)") { error in
                    guard case .truncated = error as? SV2CodecError else {
                        return XCTFail("\(type(of: m)) cut at \(cut): \(error)")
                    }
                }
            }
        }
    }

    func testMalformedFieldsInMessagesThrow() throws {
        // OpenStandardMiningChannel.Success with extranonce_prefix length 33 (B0_32 allows 32).
        let bad = hex("01000000 02000000") + [UInt8](repeating: 0, count: 32) + [33] + [UInt8](repeating: 0, count: 37)
        assertThrows(try OpenStandardMiningChannelSuccess(payload: bad), .lengthOutOfRange(type: "B0_32", length: 33, maximum: 32))
        // NewMiningJob with an OPTION count of 2.
        let badOption = hex("01000000 02000000 02 00000000 00000000 00000020") + [UInt8](repeating: 0, count: 32)
        assertThrows(try NewMiningJob(payload: badOption), .lengthOutOfRange(type: "OPTION", length: 2, maximum: 1))
        // A frame of another msg_type given to a specific message's decoder.
        let other = SV2Frame(isChannelMessage: true, messageType: 0x21, payload: [])
        assertThrows(try SetNewPrevHash(frame: other), .unexpectedMessageType(extensionType: 0, messageType: 0x21))
    }

    func testTrailingBytesAfterTheLastFieldAreIgnored() throws {
        // §3.4.3: negotiated TLV fields follow a message's fields; a decoder that does not know them
        // reads the fields it knows.
        let m = SubmitSharesSuccess(channelID: 1, lastSequenceNumber: 2, newSubmitsAcceptedCount: 1, newSharesSum: 5)
        XCTAssertEqual(try SubmitSharesSuccess(payload: try m.payload() + [0x02, 0x00, 0x01, 0x00, 0x00]), m)
    }
}
