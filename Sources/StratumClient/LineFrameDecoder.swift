import NIOCore

/// Splits the byte stream into lines on `\n`, dropping an optional `\r` before it. A line longer
/// than `maximumLineLength` (without its terminator) throws `LineTooLongError`: nothing is ever
/// silently truncated. Bytes are passed on as they came (invalid UTF-8 included); the JSON
/// parser decides what they mean.
public struct LineFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = ByteBuffer

    public static let defaultMaximumLineLength = 64 * 1024

    public let maximumLineLength: Int
    /// Bytes already searched for a newline in the current partial line.
    private var scannedBytes = 0

    public struct LineTooLongError: Error, Hashable, CustomStringConvertible {
        public let length: Int
        public let limit: Int
        public init(length: Int, limit: Int) {
            self.length = length
            self.limit = limit
        }
        public var description: String { "line of at least \(length) bytes exceeds the limit of \(limit)" }
    }

    public init(maximumLineLength: Int = LineFrameDecoder.defaultMaximumLineLength) {
        precondition(maximumLineLength > 0)
        self.maximumLineLength = maximumLineLength
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let line = try nextLine(&buffer) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(line))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer,
                                    seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        // A partial line at the end of the stream has no terminator: it is dropped, never parsed.
        buffer.moveReaderIndex(to: buffer.writerIndex)
        scannedBytes = 0
        return .needMoreData
    }

    /// The next complete line (without terminator), or nil when more bytes are needed. Public so
    /// the fuzzer (`Fuzz/StratumFuzzer`) splits bytes exactly as the client does, without NIO channels.
    public mutating func nextLine(_ buffer: inout ByteBuffer) throws -> ByteBuffer? {
        let view = buffer.readableBytesView
        let searchStart = view.index(view.startIndex, offsetBy: min(scannedBytes, view.count))
        guard let newline = view[searchStart...].firstIndex(of: UInt8(ascii: "\n")) else {
            scannedBytes = view.count
            // A pending "\r" may still be stripped, so allow one byte of slack for it.
            if view.count > maximumLineLength + 1 || (view.count == maximumLineLength + 1 && view.last != UInt8(ascii: "\r")) {
                throw LineTooLongError(length: view.count, limit: maximumLineLength)
            }
            return nil
        }
        var length = newline - view.startIndex
        let terminatorLength = 1
        if length > 0, view[newline - 1] == UInt8(ascii: "\r") { length -= 1 }
        guard length <= maximumLineLength else {
            throw LineTooLongError(length: length, limit: maximumLineLength)
        }
        let stripped = (newline - view.startIndex) - length
        let line = buffer.readSlice(length: length)!
        buffer.moveReaderIndex(forwardBy: stripped + terminatorLength)
        scannedBytes = 0
        return line
    }
}
