import NIOCore

/// A simulated miner's channel handler: splits what is read into lines and hands each one to the
/// miner with the instant its read began (taken before any parsing, so the stamp is as close to
/// the socket as the event loop allows).
final class SimulatedMinerHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let miner: SimulatedMiner
    private var partial: ByteBuffer?
    /// A line longer than this closes the connection (a server that never sends a newline).
    static let maximumLineLength = 64 * 1024

    init(miner: SimulatedMiner) {
        self.miner = miner
    }

    func channelActive(context: ChannelHandlerContext) {
        miner.connected(context.channel)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let time = SimulatedMiner.now()
        var incoming = unwrapInboundIn(data)
        if var partial = self.partial {
            partial.writeBuffer(&incoming)
            incoming = partial
            self.partial = nil
        }
        while let newline = incoming.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
            let length = newline - incoming.readerIndex
            if let line = incoming.readSlice(length: length), line.readableBytes > 0 {
                miner.received(line.readableBytesView, at: time)
            }
            incoming.moveReaderIndex(forwardBy: 1)
        }
        guard incoming.readableBytes <= Self.maximumLineLength else {
            context.close(promise: nil)
            return
        }
        if incoming.readableBytes > 0 { partial = incoming }
    }

    func channelInactive(context: ChannelHandlerContext) {
        miner.disconnected()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
