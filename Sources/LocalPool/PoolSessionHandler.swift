import NIOCore

/// A test pool as its connections see it (`LocalPool` for Stratum v1 lines, `SV2LocalPool` for
/// Stratum V2 frames): told when a connection opens and closes, handed what arrives, told why a
/// connection failed.
protocol PoolSessionOwner: AnyObject, Sendable {
    /// What the pipeline delivers: a line (`ByteBuffer`) or a frame (`SV2Frame`).
    associatedtype Message
    associatedtype SessionID: Sendable

    /// The new connection's session; nil refuses it (the pool is stopping).
    func sessionOpened(channel: any Channel) -> SessionID?
    /// Takes what arrived; an error closes the connection (a line over the limit, say).
    func received(_ message: Message, session: SessionID) -> (any Error)?
    func sessionClosed(_ session: SessionID)
    /// Logs why the connection is being closed.
    func connectionFailed(_ error: any Error, session: SessionID?)
}

/// One client connection of a test pool, the last handler of its pipeline: hands everything to
/// the pool and closes the connection on an error.
final class PoolSessionHandler<Owner: PoolSessionOwner>: ChannelInboundHandler {
    typealias InboundIn = Owner.Message

    private let pool: Owner
    private var session: Owner.SessionID?

    init(pool: Owner) {
        self.pool = pool
    }

    func channelActive(context: ChannelHandlerContext) {
        session = pool.sessionOpened(channel: context.channel)
        if session == nil { context.close(promise: nil) }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let session else { return }
        if let error = pool.received(unwrapInboundIn(data), session: session) { errorCaught(context: context, error: error) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let session { pool.sessionClosed(session) }
        session = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        pool.connectionFailed(error, session: session)
        context.close(promise: nil)
    }
}
