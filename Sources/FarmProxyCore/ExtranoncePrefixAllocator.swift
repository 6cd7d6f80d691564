/// Hands out the unique extranonce2 prefixes that split one upstream extranonce space among the
/// miners. A prefix comes back into use only after its connection closed and every job it was
/// sent expired (a clean upstream job, or a new upstream session, after the close), so no two
/// miners can ever produce the same coinbase for a job the pool still takes.
struct ExtranoncePrefixAllocator {
    let size: Int
    private var next: UInt64 = 0
    private var inUse: Set<UInt64> = []
    /// Closed connections' prefixes and the job generation they were closed in.
    private var quarantined: [(value: UInt64, generation: UInt64)] = []

    init(size: Int) {
        precondition((1...8).contains(size))
        self.size = size
    }

    /// How many prefixes exist: 256^size (capped for 8 bytes).
    var capacity: UInt64 { size >= 8 ? .max : 1 << UInt64(8 * size) }

    var countInUse: Int { inUse.count }

    /// A prefix no open connection and no unexpired job holds; nil when all are taken.
    mutating func allocate() -> [UInt8]? {
        let reserved = UInt64(inUse.count + quarantined.count)
        guard reserved < capacity else { return nil }
        let held = Set(quarantined.map(\.value))
        while true {
            let value = next
            next = size >= 8 ? next &+ 1 : (next + 1) % capacity
            if !inUse.contains(value) && !held.contains(value) {
                inUse.insert(value)
                return Self.bytes(value, size: size)
            }
        }
    }

    /// A closed connection's prefix, kept back until jobs of a later generation exist.
    mutating func release(_ prefix: [UInt8], generation: UInt64) {
        let value = Self.value(prefix)
        guard inUse.remove(value) != nil else { return }
        quarantined.append((value, generation))
    }

    /// Jobs of generations before `currentGeneration` are stale: their prefixes are free again.
    mutating func expire(before currentGeneration: UInt64) {
        quarantined.removeAll { $0.generation < currentGeneration }
    }

    static func bytes(_ value: UInt64, size: Int) -> [UInt8] {
        (0..<size).map { UInt8(truncatingIfNeeded: value >> UInt64(8 * (size - 1 - $0))) }
    }

    static func value(_ bytes: [UInt8]) -> UInt64 {
        bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }
}
