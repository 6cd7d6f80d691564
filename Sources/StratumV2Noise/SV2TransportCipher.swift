import StratumV2Protocol

/// The two cipher states of an established Stratum V2 encrypted connection (sv2-spec §4.5.2 Split,
/// §4.6): `sending` encrypts what this side writes, `receiving` decrypts what it reads. For the
/// initiator these are (c1, c2), for the responder (c2, c1), where c1 carries initiator → responder
/// traffic and c2 responder → initiator traffic.
public struct SV2TransportCipher: Sendable {
    public var sending: NoiseCipherState
    public var receiving: NoiseCipherState

    public init(sending: NoiseCipherState, receiving: NoiseCipherState) {
        self.sending = sending
        self.receiving = receiving
    }

    /// A frame as it goes on the wire (§4.6 "Encrypting stratum message"): the 6-byte header sealed
    /// alone (22 bytes), then the payload in chunks of at most 65,519 bytes, each sealed with its
    /// 16-byte MAC; an empty payload adds nothing. msg_length is the plaintext length. The payload
    /// must fit msg_length's U24 (a caller's frame, not peer data: checked with a precondition).
    public mutating func seal(_ frame: SV2Frame) -> [UInt8] {
        let payload = frame.payload
        precondition(payload.count <= SV2FrameDecoder.absoluteMaximumPayloadLength,
                     "a Stratum V2 payload is at most 2^24 - 1 bytes")
        let length = UInt32(payload.count)
        let wireType = frame.header.wireExtensionType
        let header: [UInt8] = [
            UInt8(truncatingIfNeeded: wireType), UInt8(truncatingIfNeeded: wireType >> 8), frame.header.messageType,
            UInt8(truncatingIfNeeded: length), UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length >> 16),
        ]
        var out = sending.encryptWithAd([], header)
        out.reserveCapacity(SV2EncryptedLayout.encryptedHeaderLength
                            + SV2EncryptedLayout.encryptedPayloadLength(plaintext: payload.count))
        var offset = 0
        while offset < payload.count {
            let end = min(offset + SV2EncryptedLayout.maxPlaintextChunk, payload.count)
            out += sending.encryptWithAd([], Array(payload[offset..<end]))
            offset = end
        }
        return out
    }

    /// An incremental decoder of what the peer sends, taking over the receiving cipher state (this
    /// value's `receiving` must not be used after).
    public func makeDecoder(maximumPayloadLength: Int = SV2FrameDecoder.defaultMaximumPayloadLength) -> SV2EncryptedFrameDecoder {
        SV2EncryptedFrameDecoder(receiving: receiving, maximumPayloadLength: maximumPayloadLength)
    }
}
