import Atomics

/// Per-thread cumulative hash counters, each on its own cache line so that threads do not
/// slow each other down by writing to the same line.
final class HashCounters: @unchecked Sendable {
    private static let stride = 128  // two cache lines: also defeats adjacent-line prefetch
    private let memory: UnsafeMutableRawPointer
    let count: Int

    init(count: Int) {
        self.count = count
        memory = UnsafeMutableRawPointer.allocate(byteCount: Self.stride * max(count, 1), alignment: Self.stride)
        for index in 0..<count {
            memory.advanced(by: index * Self.stride)
                .bindMemory(to: UnsafeAtomic<UInt64>.Storage.self, capacity: 1)
                .initialize(to: UnsafeAtomic<UInt64>.Storage(0))
        }
    }

    deinit { memory.deallocate() }

    @inline(__always)
    private func counter(_ index: Int) -> UnsafeAtomic<UInt64> {
        UnsafeAtomic(at: memory.advanced(by: index * Self.stride).assumingMemoryBound(to: UnsafeAtomic<UInt64>.Storage.self))
    }

    /// Called only by the owning thread.
    @inline(__always)
    func add(_ hashes: UInt64, thread index: Int) {
        counter(index).wrappingIncrement(by: hashes, ordering: .relaxed)
    }

    func value(thread index: Int) -> UInt64 { counter(index).load(ordering: .relaxed) }

    var values: [UInt64] { (0..<count).map { value(thread: $0) } }
}
