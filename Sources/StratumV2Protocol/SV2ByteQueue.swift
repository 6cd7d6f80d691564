/// The bytes a stream decoder has received and not yet consumed: appended as they arrive, taken
/// from the front. The consumed part is dropped once it is half the storage, so appending stays
/// amortised O(1) however the stream is cut. Shared by the plaintext and the encrypted frame decoders.
public struct SV2ByteQueue: Sendable {
    private var storage: [UInt8] = []
    private var start = 0

    public init() {}

    /// Bytes received and not yet taken.
    public var count: Int { storage.count - start }

    public mutating func append<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
        if start > 0, start >= storage.count / 2 {
            storage.removeFirst(start)
            start = 0
        }
        storage.append(contentsOf: bytes)
    }

    /// The first `length` bytes, left in the queue (the caller checked `count`).
    public func peek(_ length: Int) -> [UInt8] { Array(storage[start..<(start + length)]) }

    /// The first `length` bytes, removed (the caller checked `count`).
    public mutating func take(_ length: Int) -> [UInt8] {
        let bytes = peek(length)
        start += length
        if start == storage.count {
            storage.removeAll(keepingCapacity: true)
            start = 0
        }
        return bytes
    }
}
