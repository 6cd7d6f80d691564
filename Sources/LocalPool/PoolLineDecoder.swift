import NIOCore

/// The pool's own line framer: splits on `\n`, drops a `\r` before it, and refuses a line longer
/// than the limit (the session is then closed; nothing is truncated).
struct PoolLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    struct LineTooLong: Error, CustomStringConvertible {
        let limit: Int
        var description: String { "request line longer than \(limit) bytes" }
    }

    let maximumLineLength: Int
    private var scanned = 0

    init(maximumLineLength: Int) {
        self.maximumLineLength = maximumLineLength
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        let start = view.index(view.startIndex, offsetBy: min(scanned, view.count))
        guard let newline = view[start...].firstIndex(of: UInt8(ascii: "\n")) else {
            scanned = view.count
            if view.count > maximumLineLength + 1 { throw LineTooLong(limit: maximumLineLength) }
            return .needMoreData
        }
        var length = newline - view.startIndex
        if length > 0, view[newline - 1] == UInt8(ascii: "\r") { length -= 1 }
        guard length <= maximumLineLength else { throw LineTooLong(limit: maximumLineLength) }
        let consumed = newline - view.startIndex + 1
        let line = buffer.getSlice(at: buffer.readerIndex, length: length)!
        buffer.moveReaderIndex(forwardBy: consumed)
        scanned = 0
        context.fireChannelRead(wrapInboundOut(line))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        buffer.moveReaderIndex(to: buffer.writerIndex)  // an unterminated last line is dropped
        scanned = 0
        return .needMoreData
    }
}
