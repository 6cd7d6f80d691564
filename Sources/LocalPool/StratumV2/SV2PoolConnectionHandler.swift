import NIOCore
import StratumV2Protocol

/// One client connection of an `SV2LocalPool`, above the transport (Noise or plaintext): hands every
/// frame to the pool and tells it when the connection opens and closes. Frames the pool sends are
/// written on the channel and pass down through the transport, which encodes them.
final class SV2PoolConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = SV2Frame

    private let pool: SV2LocalPool
    private var session: SV2PoolSessionID?

    init(pool: SV2LocalPool) {
        self.pool = pool
    }

    func channelActive(context: ChannelHandlerContext) {
        session = pool.sessionOpened(channel: context.channel)
        if session == nil { context.close(promise: nil) }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let session else { return }
        pool.received(unwrapInboundIn(data), session: session)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let session { pool.sessionClosed(session) }
        session = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        pool.log("closing connection: \(error)", session: session)
        context.close(promise: nil)
    }
}
