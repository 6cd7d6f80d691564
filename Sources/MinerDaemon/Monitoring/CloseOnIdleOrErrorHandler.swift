import NIOCore

/// Closes a monitoring connection (cgminer API, metrics endpoint) when the `IdleStateHandler`
/// just before it reports the connection idle, or when an error reaches it; every other event and
/// all data pass on unchanged.
final class CloseOnIdleOrErrorHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
