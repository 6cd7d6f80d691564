import NIOCore
import StratumV2Protocol

/// Stratum V2 frames without encryption: bytes below, `SV2Frame`s above (sv2-spec §3.2 framing only).
///
/// The same shape as `SV2NoiseHandler` (inbound `ByteBuffer` → `SV2Frame`, outbound `SV2Frame` →
/// `ByteBuffer`), so an `SV2LocalPool` can serve plaintext frames to a test client that speaks no
/// Noise. A header announcing a payload over the limit (or a frame the encoder cannot write) is
/// passed on as an error and closes the connection.
final class SV2PlaintextFrameHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = SV2Frame
    typealias OutboundIn = SV2Frame
    typealias OutboundOut = ByteBuffer

    private var decoder: SV2FrameDecoder
    private var failed = false

    init(maximumPayloadLength: Int) {
        decoder = SV2FrameDecoder(maximumPayloadLength: maximumPayloadLength)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !failed else { return }
        let buffer = unwrapInboundIn(data)
        decoder.append(buffer.readableBytesView)
        do {
            while let frame = try decoder.nextFrame() {
                context.fireChannelRead(wrapInboundOut(frame))
            }
        } catch {
            failed = true
            context.fireErrorCaught(error)
            context.close(promise: nil)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let frame = unwrapOutboundIn(data)
        do {
            let bytes = try frame.encoded()
            var buffer = context.channel.allocator.buffer(capacity: bytes.count)
            buffer.writeBytes(bytes)
            context.write(wrapOutboundOut(buffer), promise: promise)
        } catch {
            promise?.fail(error)
            context.fireErrorCaught(error)
        }
    }
}
