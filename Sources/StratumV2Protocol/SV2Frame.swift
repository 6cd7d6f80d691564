// The plaintext Stratum V2 frame (sv2-spec §3.2 "Framing", §3.2.1 "Routing Frames over Channels").
//
//   extension_type U16 | msg_type U8 | msg_length U24 | payload (msg_length bytes)
//
// The most significant bit of extension_type is the `channel_msg` bit (§3.2.1: "bit 15"); when set,
// the payload's first four bytes are the U32 channel_id (and count in msg_length). The bit is not
// part of the extension identifier (§3.2.1: 0x8ABC is the same extension as 0x0ABC).

/// Sizes of the encrypted transport around a frame (§4 "Protocol Security", "Encrypted stratum message
/// frame layout"). The Noise encryption itself lives elsewhere; these are its layout constants.
public enum SV2EncryptedLayout {
    /// Largest Noise transport message (ciphertext), §4: MAX_CT_LEN.
    public static let maxCiphertextLength = 65_535
    /// ChaCha20-Poly1305 tag, §4: MAC_LEN.
    public static let macLength = 16
    /// Largest plaintext per Noise block, §4: MAX_PT_LEN = MAX_CT_LEN - MAC_LEN.
    public static let maxPlaintextChunk = maxCiphertextLength - macLength
    /// The 6-byte header is sealed alone (`EncryptWithAd([], header)`): 6 + 16 = 22 bytes (§4).
    public static let encryptedHeaderLength = SV2FrameHeader.length + macLength

    /// Bytes on the wire for an encrypted payload whose plaintext is `payloadLength` bytes: the
    /// payload is cut into chunks of at most 65,519 bytes, each followed by its MAC (§4; msg_length
    /// in the header is always the plaintext length). An empty payload has no block.
    public static func encryptedPayloadLength(plaintext payloadLength: Int) -> Int {
        let chunks = (payloadLength + maxPlaintextChunk - 1) / maxPlaintextChunk
        return payloadLength + chunks * macLength
    }
}

/// The 6-byte frame header (§3.2).
public struct SV2FrameHeader: Hashable, Sendable {
    public static let length = 6
    /// The channel_msg bit of extension_type (§3.2.1).
    public static let channelMessageBit: UInt16 = 0x8000

    /// extension_type without the channel_msg bit (0 for every core-protocol message, §3.4.1).
    public var extensionType: UInt16
    /// The channel_msg bit.
    public var isChannelMessage: Bool
    public var messageType: UInt8
    /// msg_length: the payload's length, header excluded (a U24 on the wire).
    public var messageLength: Int

    public init(extensionType: UInt16 = 0, isChannelMessage: Bool, messageType: UInt8, messageLength: Int) {
        self.extensionType = extensionType & ~Self.channelMessageBit
        self.isChannelMessage = isChannelMessage
        self.messageType = messageType
        self.messageLength = messageLength
    }

    /// extension_type as on the wire, with the channel_msg bit.
    public var wireExtensionType: UInt16 { extensionType | (isChannelMessage ? Self.channelMessageBit : 0) }

    public func encode(into writer: inout SV2Writer) throws {
        writer.writeU16(wireExtensionType)
        writer.writeU8(messageType)
        guard messageLength >= 0 else { throw SV2CodecError.lengthOutOfRange(type: "msg_length", length: messageLength, maximum: 0xFF_FFFF) }
        try writer.writeU24(UInt32(clamping: messageLength))
    }

    public init(from reader: inout SV2Reader) throws {
        let ext = try reader.readU16()
        let type = try reader.readU8()
        let length = try reader.readU24()
        self.init(extensionType: ext, isChannelMessage: ext & Self.channelMessageBit != 0, messageType: type,
                  messageLength: Int(length))
    }
}

/// A whole plaintext frame: header and payload.
public struct SV2Frame: Hashable, Sendable {
    public var header: SV2FrameHeader
    public var payload: [UInt8]

    /// msg_length is taken from the payload.
    public init(extensionType: UInt16 = 0, isChannelMessage: Bool, messageType: UInt8, payload: [UInt8]) {
        header = SV2FrameHeader(extensionType: extensionType, isChannelMessage: isChannelMessage,
                                messageType: messageType, messageLength: payload.count)
        self.payload = payload
    }

    /// Header and payload; throws if the payload is over the U24 limit.
    public func encoded() throws -> [UInt8] {
        var w = SV2Writer(capacity: SV2FrameHeader.length + payload.count)
        var h = header
        h.messageLength = payload.count
        try h.encode(into: &w)
        w.writeBytes(payload)
        return w.bytes
    }
}

/// Cuts a byte stream into whole frames (§3.2). Feed it bytes as they arrive; `nextFrame()` returns a
/// frame once all msg_length bytes of its payload are buffered, nil while one is incomplete, and
/// throws `.frameTooLarge` as soon as a header announces a payload over `maximumPayloadLength` (the
/// connection should then be closed: the stream can no longer be trusted). Every frame is returned
/// whatever its msg_type, so a caller skips a message type it does not know by ignoring the frame.
public struct SV2FrameDecoder: Sendable {
    /// The U24 limit of msg_length.
    public static let absoluteMaximumPayloadLength = 0xFF_FFFF
    /// Enough for the largest Mining Protocol message this daemon expects (a NewExtendedMiningJob:
    /// two B0_64K and 255 merkle hashes is about 139 KB) with room to spare.
    public static let defaultMaximumPayloadLength = 1 << 20

    public let maximumPayloadLength: Int
    private var queue = SV2ByteQueue()

    public init(maximumPayloadLength: Int = SV2FrameDecoder.defaultMaximumPayloadLength) {
        self.maximumPayloadLength = Swift.min(Swift.max(0, maximumPayloadLength), Self.absoluteMaximumPayloadLength)
    }

    /// Bytes received and not yet returned in a frame.
    public var bufferedByteCount: Int { queue.count }

    public mutating func append<S: Sequence>(_ bytes: S) where S.Element == UInt8 { queue.append(bytes) }

    public mutating func nextFrame() throws -> SV2Frame? {
        guard queue.count >= SV2FrameHeader.length else { return nil }
        var reader = SV2Reader(queue.peek(SV2FrameHeader.length))
        let header = try SV2FrameHeader(from: &reader)
        guard header.messageLength <= maximumPayloadLength else {
            throw SV2CodecError.frameTooLarge(length: header.messageLength, maximum: maximumPayloadLength)
        }
        guard queue.count >= SV2FrameHeader.length + header.messageLength else { return nil }
        _ = queue.take(SV2FrameHeader.length)
        let payload = queue.take(header.messageLength)
        return SV2Frame(extensionType: header.extensionType, isChannelMessage: header.isChannelMessage,
                        messageType: header.messageType, payload: payload)
    }
}
