import StratumV2Protocol

/// Cuts an encrypted byte stream into plaintext frames (sv2-spec §4.6 "Decrypting stratum message").
/// Feed it bytes as they arrive; `nextFrame()` decrypts a header as soon as its 22 bytes are buffered,
/// so an oversized msg_length is rejected before any of the payload is waited for, then returns the
/// frame once all its payload blocks are buffered, nil while incomplete. After it throws, the stream
/// can no longer be trusted: every later call throws the same error.
public struct SV2EncryptedFrameDecoder: Sendable {
    public let maximumPayloadLength: Int
    private var cipher: NoiseCipherState
    private var queue = SV2ByteQueue()
    /// The header already decrypted whose payload is still arriving.
    private var pendingHeader: SV2FrameHeader?
    private var failure: SV2NoiseError?

    /// `receiving` is the cipher for the peer's direction (c2 for the initiator, c1 for the responder).
    public init(receiving: NoiseCipherState, maximumPayloadLength: Int = SV2FrameDecoder.defaultMaximumPayloadLength) {
        cipher = receiving
        self.maximumPayloadLength = Swift.min(Swift.max(0, maximumPayloadLength), SV2FrameDecoder.absoluteMaximumPayloadLength)
    }

    /// Bytes received and not yet consumed (a decrypted header's 22 bytes count as consumed).
    public var bufferedByteCount: Int { queue.count }

    public mutating func append<S: Sequence>(_ bytes: S) where S.Element == UInt8 { queue.append(bytes) }

    public mutating func nextFrame() throws(SV2NoiseError) -> SV2Frame? {
        if let failure { throw failure }
        do {
            return try decodeNext()
        } catch {
            failure = error
            throw error
        }
    }

    private mutating func decodeNext() throws(SV2NoiseError) -> SV2Frame? {
        if pendingHeader == nil {
            guard bufferedByteCount >= SV2EncryptedLayout.encryptedHeaderLength else { return nil }
            let plain = try cipher.decryptWithAd([], queue.take(SV2EncryptedLayout.encryptedHeaderLength))
            var reader = SV2Reader(plain)
            guard let header = try? SV2FrameHeader(from: &reader) else { throw .decryptionFailed }
            guard header.messageLength <= maximumPayloadLength else {
                throw .frameTooLarge(length: header.messageLength, maximum: maximumPayloadLength)
            }
            pendingHeader = header
        }
        guard let header = pendingHeader else { return nil }
        let wireLength = SV2EncryptedLayout.encryptedPayloadLength(plaintext: header.messageLength)
        guard bufferedByteCount >= wireLength else { return nil }
        var payload: [UInt8] = []
        payload.reserveCapacity(header.messageLength)
        var remaining = header.messageLength
        while remaining > 0 {
            let chunk = min(remaining, SV2EncryptedLayout.maxPlaintextChunk)
            payload += try cipher.decryptWithAd([], queue.take(chunk + SV2EncryptedLayout.macLength))
            remaining -= chunk
        }
        pendingHeader = nil
        return SV2Frame(extensionType: header.extensionType, isChannelMessage: header.isChannelMessage,
                        messageType: header.messageType, payload: payload)
    }
}
