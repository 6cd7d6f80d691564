import NIOCore
import NIOEmbedded
import StratumClient
import XCTest

final class LineFrameDecoderTests: XCTestCase {
    private func makeChannel(limit: Int = 64) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFrameDecoder(maximumLineLength: limit)))
        return channel
    }

    private func readLines(_ channel: EmbeddedChannel) throws -> [[UInt8]] {
        var lines: [[UInt8]] = []
        while let buffer = try channel.readInbound(as: ByteBuffer.self) { lines.append(Array(buffer.readableBytesView)) }
        return lines
    }

    func testByteAtATime() throws {
        let channel = try makeChannel()
        let input = "{\"id\":1}\r\n\n{\"a\":2}\nabc\r\n"
        for byte in input.utf8 {
            try channel.writeInbound(ByteBuffer(bytes: [byte]))
        }
        XCTAssertEqual(try readLines(channel).map { String(decoding: $0, as: UTF8.self) }, ["{\"id\":1}", "", "{\"a\":2}", "abc"])
        XCTAssertTrue(try channel.finish().isClean)
    }

    func testManyMessagesPerBuffer() throws {
        let channel = try makeChannel()
        let lines = (0..<100).map { "{\"id\":\($0)}" }
        try channel.writeInbound(ByteBuffer(string: lines.joined(separator: "\n") + "\npartial"))
        XCTAssertEqual(try readLines(channel).map { String(decoding: $0, as: UTF8.self) }, lines)
        try channel.writeInbound(ByteBuffer(string: "-line\r\n"))
        XCTAssertEqual(try readLines(channel).map { String(decoding: $0, as: UTF8.self) }, ["partial-line"])
        // A partial line at EOF is dropped, never emitted.
        try channel.writeInbound(ByteBuffer(string: "no newline"))
        XCTAssertEqual(try readLines(channel), [])
        _ = try channel.finish()
        XCTAssertEqual(try readLines(channel), [])
    }

    func testLineAtTheLimitPassesAndLongerThrows() throws {
        let channel = try makeChannel(limit: 8)
        try channel.writeInbound(ByteBuffer(string: "12345678\r\n12345678\n"))
        XCTAssertEqual(try readLines(channel).count, 2)
        XCTAssertThrowsError(try channel.writeInbound(ByteBuffer(string: "123456789\n"))) { error in
            XCTAssertEqual(error as? LineFrameDecoder.LineTooLongError, .init(length: 9, limit: 8))
        }
        _ = try? channel.finish()
    }

    func testOverLongLineWithoutNewlineThrowsBeforeItEnds() throws {
        let channel = try makeChannel(limit: 16)
        XCTAssertNoThrow(try channel.writeInbound(ByteBuffer(string: String(repeating: "x", count: 16))))
        XCTAssertNoThrow(try channel.writeInbound(ByteBuffer(string: "\r")))  // might still be a terminator
        XCTAssertThrowsError(try channel.writeInbound(ByteBuffer(string: "y"))) { error in
            XCTAssertTrue(error is LineFrameDecoder.LineTooLongError)
        }
        XCTAssertEqual(try readLines(channel), [])
        _ = try? channel.finish()
    }

    func testHugeStreamWithoutNewlineIsBounded() throws {
        let channel = try makeChannel(limit: 1024)
        var thrown = false
        for _ in 0..<100 where !thrown {
            do { try channel.writeInbound(ByteBuffer(repeating: 0x41, count: 100)) } catch { thrown = true }
        }
        XCTAssertTrue(thrown)
        _ = try? channel.finish()
    }

    func testInvalidUTF8IsPassedOnAsBytes() throws {
        let channel = try makeChannel()
        try channel.writeInbound(ByteBuffer(bytes: [0xff, 0xfe, 0xc3, 0x28, 0x0a, 0x41, 0x0a]))
        XCTAssertEqual(try readLines(channel), [[0xff, 0xfe, 0xc3, 0x28], [0x41]])
        _ = try channel.finish()
    }
}
