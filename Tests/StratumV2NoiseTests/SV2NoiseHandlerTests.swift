import NIOCore
import NIOEmbedded
import StratumV2Protocol
import XCTest
@testable import StratumV2Noise

/// Records the handshake event and the order of events and frames, passing everything on.
private final class EventRecorder: ChannelInboundHandler {
    typealias InboundIn = SV2Frame
    var log: [String] = []
    var completed: [SV2HandshakeCompleted] = []

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? SV2HandshakeCompleted {
            completed.append(event)
            log.append("handshake")
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        log.append("frame")
        context.fireChannelRead(data)
    }
}

/// A flag set from a future's callback; EmbeddedEventLoop runs callbacks on the test's own thread.
private final class Flag: @unchecked Sendable {
    var value = false
}

/// Writes a frame as soon as the handshake completes (as a client sends SetupConnection).
private final class WriteOnHandshake: ChannelInboundHandler {
    typealias InboundIn = SV2Frame
    typealias OutboundOut = SV2Frame
    let frame: SV2Frame
    init(frame: SV2Frame) { self.frame = frame }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is SV2HandshakeCompleted { context.writeAndFlush(Self.wrapOutboundOut(frame), promise: nil) }
        context.fireUserInboundEventTriggered(event)
    }
}

/// `SV2NoiseHandler` on two EmbeddedChannels wired back to back.
final class SV2NoiseHandlerTests: XCTestCase {
    private struct Side {
        let channel: EmbeddedChannel
        let handler: SV2NoiseHandler
        let recorder: EventRecorder
    }

    private let address = try! SocketAddress(ipAddress: "127.0.0.1", port: 3333)

    /// The initiator gets its handler before it connects (act 1 on channelActive).
    private func makeInitiator(authority: [UInt8] = Fixture.authorityKeyXOnly, now: UInt32 = Fixture.now) throws -> Side {
        let channel = EmbeddedChannel()
        let handler = SV2NoiseHandler(role: .initiator(authorityKeyXOnly: authority, leeway: 10, now: { now }))
        let recorder = EventRecorder()
        try channel.pipeline.syncOperations.addHandlers([handler, recorder])
        try channel.connect(to: address).wait()
        return Side(channel: channel, handler: handler, recorder: recorder)
    }

    /// The responder gets its handler once already active.
    private func makeResponder() throws -> Side {
        let channel = EmbeddedChannel()
        try channel.connect(to: address).wait()
        let handler = SV2NoiseHandler(role: .responder(staticSecretKey: Fixture.serverStaticSecretKey,
                                                       certificate: try Fixture.certificate()))
        let recorder = EventRecorder()
        try channel.pipeline.syncOperations.addHandlers([handler, recorder])
        return Side(channel: channel, handler: handler, recorder: recorder)
    }

    /// Moves bytes both ways until neither side has anything left to send.
    private func pump(_ a: EmbeddedChannel, _ b: EmbeddedChannel) throws {
        var moved = true
        while moved {
            moved = false
            while let bytes = try a.readOutbound(as: ByteBuffer.self) { try b.writeInbound(bytes); moved = true }
            while let bytes = try b.readOutbound(as: ByteBuffer.self) { try a.writeInbound(bytes); moved = true }
        }
    }

    func testHandshakeCompletesAndFramesPassBothWays() throws {
        let initiator = try makeInitiator(), responder = try makeResponder()
        try pump(initiator.channel, responder.channel)
        XCTAssertEqual(initiator.recorder.completed.count, 1)
        XCTAssertEqual(responder.recorder.completed.count, 1)
        let event = try XCTUnwrap(initiator.recorder.completed.first)
        XCTAssertEqual(event.serverStaticKeyXOnly, Fixture.serverStaticKeyXOnly)
        XCTAssertEqual(event.certificate, try Fixture.certificate())
        XCTAssertLessThan(event.duration, .seconds(5))
        XCTAssertGreaterThan(event.duration, .zero)

        let up = SV2Frame(isChannelMessage: false, messageType: 0x00, payload: Array("hello pool".utf8))
        let down = SV2Frame(isChannelMessage: true, messageType: 0x15, payload: (0..<70_000).map { UInt8(truncatingIfNeeded: $0) })
        try initiator.channel.writeOutbound(up)
        try responder.channel.writeOutbound(down)
        try pump(initiator.channel, responder.channel)
        XCTAssertEqual(try responder.channel.readInbound(as: SV2Frame.self), up)
        XCTAssertEqual(try initiator.channel.readInbound(as: SV2Frame.self), down)
        XCTAssertEqual(initiator.recorder.log, ["handshake", "frame"])
        XCTAssertEqual(responder.recorder.log, ["handshake", "frame"])
    }

    func testAnOutboundFrameWrittenBeforeTheHandshakeWaitsForIt() throws {
        let initiator = try makeInitiator(), responder = try makeResponder()
        let early = SV2Frame(isChannelMessage: false, messageType: 0x00, payload: [1, 2, 3])
        // Not writeOutbound: it waits for the write's promise, which completes only after the handshake.
        let written = initiator.channel.writeAndFlush(early)
        let writeSucceeded = Flag()
        written.whenSuccess { writeSucceeded.value = true }
        // Only act 1 is on the wire so far; hand it over, then let the handshake finish.
        let act1 = try XCTUnwrap(try initiator.channel.readOutbound(as: ByteBuffer.self))
        XCTAssertEqual(act1.readableBytes, 64)
        XCTAssertNil(try initiator.channel.readOutbound(as: ByteBuffer.self))
        XCTAssertFalse(writeSucceeded.value)
        try responder.channel.writeInbound(act1)
        XCTAssertNil(try responder.channel.readInbound(as: SV2Frame.self))
        try pump(initiator.channel, responder.channel)
        XCTAssertEqual(try responder.channel.readInbound(as: SV2Frame.self), early)
        XCTAssertEqual(responder.recorder.log, ["handshake", "frame"])
        XCTAssertEqual(initiator.recorder.log, ["handshake"])
        XCTAssertTrue(writeSucceeded.value)
    }

    func testFramesWrittenBeforeTheHandshakeGoOutBeforeThoseWrittenOnItsEvent() throws {
        let initiator = try makeInitiator(), responder = try makeResponder()
        let early = SV2Frame(isChannelMessage: false, messageType: 0x01, payload: [1])
        let onEvent = SV2Frame(isChannelMessage: false, messageType: 0x02, payload: [2])
        try initiator.channel.pipeline.syncOperations.addHandler(WriteOnHandshake(frame: onEvent))
        initiator.channel.writeAndFlush(early, promise: nil)
        try pump(initiator.channel, responder.channel)
        XCTAssertEqual(try responder.channel.readInbound(as: SV2Frame.self), early)
        XCTAssertEqual(try responder.channel.readInbound(as: SV2Frame.self), onEvent)
    }

    func testATamperedFrameIsADecryptionFailureAndClosesThePeer() throws {
        let initiator = try makeInitiator(), responder = try makeResponder()
        try pump(initiator.channel, responder.channel)
        responder.handler.tamperWithNextFrame()
        try responder.channel.writeOutbound(SV2Frame(isChannelMessage: false, messageType: 0x01, payload: [9, 9, 9]))
        let bytes = try XCTUnwrap(try responder.channel.readOutbound(as: ByteBuffer.self))
        XCTAssertThrowsError(try initiator.channel.writeInbound(bytes)) {
            XCTAssertEqual($0 as? SV2NoiseError, .decryptionFailed)
        }
        XCTAssertFalse(initiator.channel.isActive)
        XCTAssertNil(try initiator.channel.readInbound(as: SV2Frame.self))
    }

    func testOnlyTheNextFrameIsTampered() throws {
        let initiator = try makeInitiator(), responder = try makeResponder()
        try pump(initiator.channel, responder.channel)
        let frame = SV2Frame(isChannelMessage: false, messageType: 0x01, payload: [])
        responder.handler.tamperWithNextFrame()
        try responder.channel.writeOutbound(frame)
        let tampered = try XCTUnwrap(try responder.channel.readOutbound(as: ByteBuffer.self))
        try responder.channel.writeOutbound(frame)
        let clean = try XCTUnwrap(try responder.channel.readOutbound(as: ByteBuffer.self))
        XCTAssertEqual(tampered.readableBytes, clean.readableBytes)
        XCTAssertNotEqual(tampered, clean)
    }

    func testAWrongAuthorityKeyFailsTheHandshakeAndCloses() throws {
        let initiator = try makeInitiator(authority: NoiseTestKeys.xOnly(Fixture.otherAuthoritySecretKey))
        let responder = try makeResponder()
        XCTAssertThrowsError(try pump(initiator.channel, responder.channel)) {
            XCTAssertEqual($0 as? SV2NoiseError, .certificate(.badSignature))
        }
        XCTAssertFalse(initiator.channel.isActive)
        XCTAssertTrue(initiator.recorder.completed.isEmpty)
    }

    func testAnExpiredCertificateFailsTheHandshake() throws {
        let initiator = try makeInitiator(now: Fixture.notValidAfter + 3600)
        let responder = try makeResponder()
        XCTAssertThrowsError(try pump(initiator.channel, responder.channel)) {
            XCTAssertEqual($0 as? SV2NoiseError, .certificate(.expired(notValidAfter: Fixture.notValidAfter,
                                                                        now: Fixture.notValidAfter + 3600, leeway: 10)))
        }
        XCTAssertFalse(initiator.channel.isActive)
    }

    func testGarbageAct2IsAnErrorNotACrash() throws {
        let initiator = try makeInitiator()
        _ = try initiator.channel.readOutbound(as: ByteBuffer.self)
        XCTAssertThrowsError(try initiator.channel.writeInbound(ByteBuffer(repeating: 0, count: 300))) {
            XCTAssertEqual($0 as? SV2NoiseError, .decryptionFailed)
        }
        XCTAssertFalse(initiator.channel.isActive)
        // Later bytes are ignored.
        XCTAssertNoThrow(try initiator.channel.writeInbound(ByteBuffer(repeating: 1, count: 10)))
    }

    /// Act 2 and the first frame in one read: the frame is not lost. The initiator's handler is added
    /// to an already active channel here.
    func testBytesAfterAct2InTheSameReadAreKept() throws {
        let channel = EmbeddedChannel()
        try channel.connect(to: address).wait()
        let recorder = EventRecorder()
        try channel.pipeline.syncOperations.addHandlers([
            SV2NoiseHandler(role: .initiator(authorityKeyXOnly: Fixture.authorityKeyXOnly, leeway: 0, now: { Fixture.now })),
            recorder,
        ])
        var act1Buffer = try XCTUnwrap(try channel.readOutbound(as: ByteBuffer.self))
        let act1 = try XCTUnwrap(act1Buffer.readBytes(length: act1Buffer.readableBytes))
        let answer = try Fixture.responder().respond(toAct1: act1)
        var transport = answer.transport
        let first = SV2Frame(isChannelMessage: false, messageType: 0x01, payload: [4, 5, 6])
        let second = SV2Frame(isChannelMessage: false, messageType: 0x02, payload: [])
        try channel.writeInbound(ByteBuffer(bytes: answer.act2 + transport.seal(first) + transport.seal(second).prefix(10)))
        XCTAssertEqual(try channel.readInbound(as: SV2Frame.self), first)
        XCTAssertNil(try channel.readInbound(as: SV2Frame.self))
        XCTAssertEqual(recorder.log, ["handshake", "frame"])
    }
}
