import NIOCore
import StratumV2Protocol

/// Stratum V2's encrypted transport as a NIO handler: bytes below, plaintext `SV2Frame`s above.
///
/// It runs the Noise NX handshake first (sv2-spec §4.5) — as initiator it sends act 1 as soon as the
/// channel is active and reads exactly 234 bytes of act 2; as responder it waits for 64 bytes of act 1
/// and answers act 2 — then fires `SV2HandshakeCompleted` as a user inbound event, before any frame.
/// After that every frame is sealed and opened as §4.6 describes. Frames written before the handshake
/// completes wait and go out right after it; bytes that arrive in the same read as the end of the
/// handshake are kept as the start of the frame stream.
///
/// Any failure (a malformed handshake, a MAC, the certificate, an oversized frame) is passed on with
/// `fireErrorCaught(SV2NoiseError)` and the channel is closed; later bytes are ignored.
public final class SV2NoiseHandler: ChannelDuplexHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = SV2Frame
    public typealias OutboundIn = SV2Frame
    public typealias OutboundOut = ByteBuffer

    public enum Role: Sendable {
        /// The client: checks the pool's certificate against the authority's 32-byte x-only key, with
        /// `leeway` seconds of clock difference, at the unix time `now()` returns.
        case initiator(authorityKeyXOnly: [UInt8], leeway: UInt32, now: @Sendable () -> UInt32)
        /// The server: its static secret key and the certificate an authority signed for it.
        case responder(staticSecretKey: [UInt8], certificate: SV2SignatureNoiseMessage)
    }

    private enum Phase: Equatable { case idle, handshaking, established, failed }

    private let role: Role
    private let maximumPayloadLength: Int
    private var phase = Phase.idle
    private var initiator: SV2NoiseInitiator?
    private var responder: SV2NoiseResponder?
    private var handshakeStart: ContinuousClock.Instant?
    /// Handshake bytes received so far (and any that followed them in the same read).
    private var handshakeBuffer: [UInt8] = []
    private var transport: SV2TransportCipher?
    private var decoder: SV2EncryptedFrameDecoder?
    /// Frames written before the handshake completed, in order.
    private var pendingWrites: [(frame: SV2Frame, promise: EventLoopPromise<Void>?)] = []
    private var flushPending = false
    private var tamperNext = false

    /// `maximumPayloadLength` bounds the msg_length the peer may announce.
    public init(role: Role, maximumPayloadLength: Int = SV2FrameDecoder.defaultMaximumPayloadLength) {
        self.role = role
        self.maximumPayloadLength = maximumPayloadLength
    }

    /// For a test responder only (never a real pool or client): flips one bit in the last payload
    /// byte of the next frame sealed (its header when the payload is empty), so the peer's MAC check
    /// fails. Call it on the channel's event loop.
    public func tamperWithNextFrame() {
        tamperNext = true
    }

    // MARK: Channel events

    public func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context: context) }
    }

    public func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        failPendingWrites(ChannelError.ioOnClosedChannel)
        context.fireChannelInactive()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = Self.unwrapInboundIn(data)
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        switch phase {
        case .idle:
            handshakeBuffer += bytes
        case .handshaking:
            if handshakeStart == nil { handshakeStart = ContinuousClock.now }
            handshakeBuffer += bytes
            advanceHandshake(context: context)
        case .established:
            decoder?.append(bytes)
            deliverFrames(context: context)
        case .failed:
            break
        }
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let frame = Self.unwrapOutboundIn(data)
        switch phase {
        case .established:
            send(context: context, frame: frame, promise: promise)
        case .failed:
            promise?.fail(ChannelError.ioOnClosedChannel)
        case .idle, .handshaking:
            pendingWrites.append((frame, promise))
        }
    }

    public func flush(context: ChannelHandlerContext) {
        switch phase {
        case .established: context.flush()
        case .idle, .handshaking: flushPending = true
        case .failed: break
        }
    }

    // MARK: Handshake

    private func start(context: ChannelHandlerContext) {
        guard phase == .idle else { return }
        phase = .handshaking
        switch role {
        case .initiator:
            let initiator = SV2NoiseInitiator()
            self.initiator = initiator
            handshakeStart = ContinuousClock.now
            context.writeAndFlush(Self.wrapOutboundOut(context.channel.allocator.buffer(bytes: initiator.act1)), promise: nil)
        case .responder(let staticSecretKey, let certificate):
            do {
                responder = try SV2NoiseResponder(staticSecretKey: staticSecretKey, certificate: certificate)
            } catch {
                fail(context: context, error: error)
                return
            }
            if !handshakeBuffer.isEmpty { handshakeStart = ContinuousClock.now }
        }
        advanceHandshake(context: context)
    }

    private func advanceHandshake(context: ChannelHandlerContext) {
        switch role {
        case .initiator(let authorityKeyXOnly, let leeway, let now):
            guard handshakeBuffer.count >= SV2HandshakeLayout.act2Length, var initiator else { return }
            let act2 = Array(handshakeBuffer[..<SV2HandshakeLayout.act2Length])
            let rest = Array(handshakeBuffer[SV2HandshakeLayout.act2Length...])
            handshakeBuffer = []
            self.initiator = nil
            do {
                let result = try initiator.receiveAct2(act2, authorityKeyXOnly: authorityKeyXOnly, now: now(), leeway: leeway)
                let event = SV2HandshakeCompleted(serverStaticKeyXOnly: result.serverStaticKeyXOnly,
                                                  certificate: result.certificate, duration: elapsed())
                complete(context: context, transport: result.transport, event: event, leftover: rest)
            } catch {
                fail(context: context, error: error)
            }
        case .responder:
            guard handshakeBuffer.count >= SV2HandshakeLayout.act1Length, let responder else { return }
            let act1 = Array(handshakeBuffer[..<SV2HandshakeLayout.act1Length])
            let rest = Array(handshakeBuffer[SV2HandshakeLayout.act1Length...])
            handshakeBuffer = []
            self.responder = nil
            do {
                let (act2, transport) = try responder.respond(toAct1: act1)
                context.writeAndFlush(Self.wrapOutboundOut(context.channel.allocator.buffer(bytes: act2)), promise: nil)
                let event = SV2HandshakeCompleted(serverStaticKeyXOnly: responder.staticKey.xOnlyPublicKey,
                                                  certificate: responder.certificate, duration: elapsed())
                complete(context: context, transport: transport, event: event, leftover: rest)
            } catch {
                fail(context: context, error: error)
            }
        }
    }

    private func elapsed() -> Duration {
        guard let handshakeStart else { return .zero }
        return handshakeStart.duration(to: ContinuousClock.now)
    }

    /// Switches to frames: first the frames written meanwhile go out (so they precede anything written
    /// in answer to the event), then the event, then the frames in what the peer sent after its last
    /// handshake byte.
    private func complete(context: ChannelHandlerContext, transport: SV2TransportCipher,
                          event: SV2HandshakeCompleted, leftover: [UInt8]) {
        self.transport = transport
        decoder = transport.makeDecoder(maximumPayloadLength: maximumPayloadLength)
        phase = .established
        let writes = pendingWrites
        pendingWrites = []
        for write in writes { send(context: context, frame: write.frame, promise: write.promise) }
        if flushPending || !writes.isEmpty {
            flushPending = false
            context.flush()
        }
        context.fireUserInboundEventTriggered(event)
        if !leftover.isEmpty, phase == .established {
            decoder?.append(leftover)
            deliverFrames(context: context)
        }
    }

    // MARK: Frames

    private func send(context: ChannelHandlerContext, frame: SV2Frame, promise: EventLoopPromise<Void>?) {
        guard frame.payload.count <= SV2FrameDecoder.absoluteMaximumPayloadLength else {
            promise?.fail(SV2NoiseError.frameTooLarge(length: frame.payload.count,
                                                      maximum: SV2FrameDecoder.absoluteMaximumPayloadLength))
            return
        }
        guard var transport else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        var sealed = transport.seal(frame)
        self.transport = transport
        if tamperNext {
            tamperNext = false
            let index = frame.payload.isEmpty ? 0 : sealed.count - SV2EncryptedLayout.macLength - 1
            sealed[index] ^= 0x01
        }
        context.write(Self.wrapOutboundOut(context.channel.allocator.buffer(bytes: sealed)), promise: promise)
    }

    private func deliverFrames(context: ChannelHandlerContext) {
        while phase == .established, var decoder {
            let frame: SV2Frame?
            do {
                frame = try decoder.nextFrame()
            } catch {
                self.decoder = decoder
                fail(context: context, error: error)
                return
            }
            self.decoder = decoder
            guard let frame else { return }
            context.fireChannelRead(Self.wrapInboundOut(frame))
        }
    }

    // MARK: Failure

    private func fail(context: ChannelHandlerContext, error: SV2NoiseError) {
        guard phase != .failed else { return }
        phase = .failed
        handshakeBuffer = []
        initiator = nil
        responder = nil
        failPendingWrites(error)
        context.fireErrorCaught(error)
        context.close(promise: nil)
    }

    private func failPendingWrites(_ error: Error) {
        let writes = pendingWrites
        pendingWrites = []
        for write in writes { write.promise?.fail(error) }
    }
}
