import NIOCore
import NIOEmbedded
import XCTest

@testable import MinerDaemon

/// The monitoring servers' connections close when idle or on an error; everything else passes.
final class CloseOnIdleOrErrorHandlerTests: XCTestCase {
    struct SomeError: Error {}

    /// Records what reaches the handler after it.
    final class Recorder: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        var events: [String] = []
        var reads = 0

        func channelRead(context: ChannelHandlerContext, data: NIOAny) { reads += 1 }
        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) { events.append("\(event)") }
        func errorCaught(context: ChannelHandlerContext, error: Error) { events.append("error") }
    }

    func makeChannel() throws -> (EmbeddedChannel, Recorder) {
        let recorder = Recorder()
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(CloseOnIdleOrErrorHandler())
        try channel.pipeline.syncOperations.addHandler(recorder)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return (channel, recorder)
    }

    func testAnIdleConnectionIsClosed() throws {
        let (channel, recorder) = try makeChannel()
        channel.pipeline.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.read)
        XCTAssertFalse(channel.isActive)
        XCTAssertEqual(recorder.events, [], "the idle event stops here")
    }

    func testAnErrorClosesTheConnection() throws {
        let (channel, recorder) = try makeChannel()
        channel.pipeline.fireErrorCaught(SomeError())
        XCTAssertFalse(channel.isActive)
        XCTAssertEqual(recorder.events, [])
    }

    func testDataAndOtherEventsPassOn() throws {
        let (channel, recorder) = try makeChannel()
        try channel.writeInbound(channel.allocator.buffer(string: "summary"))
        channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        XCTAssertTrue(channel.isActive)
        XCTAssertEqual(recorder.reads, 1)
        XCTAssertEqual(recorder.events, ["\(ChannelEvent.inputClosed)"])
        _ = try channel.finish()
    }
}
