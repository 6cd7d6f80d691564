import MiningCore

/// One unit of work for a thread: a header variant (extranonce2, version bits, ntime) and a nonce range.
struct WorkUnit: Sendable {
    let extranonce2: [UInt8]
    let versionBits: UInt32?
    /// The header's ntime: the job's, or rolled forward when nothing else is left to roll.
    let ntime: UInt32
    let work: KernelWork
    let firstNonce: UInt32
    /// Number of nonces in the unit (2^32 for a full range).
    let nonceCount: UInt64
}

/// The work units of one thread for one template, distinct from every other thread's.
///
/// Thread i of N takes extranonce2 counters i, i+N, i+2N, … (little-endian in extranonce2_size
/// bytes), each with the template's whole nonce range. With extranonce2_size 0 it rolls version
/// bits the same way when the pool granted a mask; with neither (a header-only job with a fixed
/// version), the threads split the range, and once all 2^32 nonces are done they roll ntime, one
/// second per pass, at most `maximumNTimeRoll` seconds past the job's. A pass takes minutes at CPU
/// speeds (2^32 hashes), so the rolled ntime stays behind the clock, as pools require.
struct WorkUnitSequence {
    /// How far past the job's ntime a header-only job's ntime is rolled (seconds).
    static let maximumNTimeRoll: UInt64 = 600

    private(set) var template: WorkTemplate
    let threadIndex: Int
    let threadCount: Int
    private var step: UInt64 = 0

    init(template: WorkTemplate, threadIndex: Int, threadCount: Int) {
        self.template = template
        self.threadIndex = threadIndex
        self.threadCount = threadCount
    }

    /// Takes `next` in place of the template when it makes the same headers (only its job id or
    /// target differ: a pool re-sending the job at a new difficulty), keeping this thread's place
    /// in the extranonce2 / version-bits sequence. Returns `unit` rebuilt for the new target, or
    /// nil (nothing changed) when `next` is other work.
    mutating func carryOn(with next: WorkTemplate, unit: WorkUnit) -> WorkUnit? {
        guard next.epoch == template.epoch, next.nonceRange == template.nonceRange,
              next.job.makesSameHeaders(as: template.job) else { return nil }
        template = next
        return WorkUnit(extranonce2: unit.extranonce2, versionBits: unit.versionBits, ntime: unit.ntime,
                        work: next.job.kernelWork(extranonce2: unit.extranonce2, ntime: unit.ntime, versionBits: unit.versionBits),
                        firstNonce: unit.firstNonce, nonceCount: unit.nonceCount)
    }

    /// The next unit, or nil when this thread has exhausted what the job allows.
    mutating func next() -> WorkUnit? {
        defer { step += 1 }
        let job = template.job
        let index = UInt64(threadIndex) + step * UInt64(threadCount)
        let rangeStart = UInt64(template.nonceRange.lowerBound)
        let rangeCount = UInt64(template.nonceRange.upperBound) - rangeStart + 1
        let rollsVersion = job.versionMask != 0
        if job.extranonce2Size > 0 {
            let capacity: UInt64 = job.extranonce2Size >= 8 ? .max : 1 << UInt64(8 * job.extranonce2Size)
            guard index < capacity else { return nil }
            let extranonce2 = Self.littleEndian(index, size: job.extranonce2Size)
            return unit(extranonce2: extranonce2, versionBits: rollsVersion ? 0 : nil, first: rangeStart, count: rangeCount)
        }
        if rollsVersion {
            guard index < VersionRolling.combinationCount(mask: job.versionMask) else { return nil }
            let bits = VersionRolling.bits(forIndex: UInt32(truncatingIfNeeded: index), mask: job.versionMask)
            return unit(extranonce2: [], versionBits: bits, first: rangeStart, count: rangeCount)
        }
        // Nothing but the nonce: one pass over the range, then (only over the whole 2^32 range: tests
        // and benchmarks narrow it) one more pass per second of ntime.
        let rollsNTime = rangeCount == 1 << 32
        guard step == 0 || (rollsNTime && step <= Self.maximumNTimeRoll) else { return nil }
        let share = rangeCount / UInt64(threadCount)
        let offset = share * UInt64(threadIndex)
        let count = threadIndex == threadCount - 1 ? rangeCount - offset : share
        guard count > 0 else { return nil }
        return unit(extranonce2: [], versionBits: nil, ntime: job.notify.ntime &+ UInt32(step), first: rangeStart + offset, count: count)
    }

    private func unit(extranonce2: [UInt8], versionBits: UInt32?, ntime: UInt32? = nil, first: UInt64, count: UInt64) -> WorkUnit {
        let ntime = ntime ?? template.job.notify.ntime
        return WorkUnit(extranonce2: extranonce2, versionBits: versionBits, ntime: ntime,
                        work: template.job.kernelWork(extranonce2: extranonce2, ntime: ntime, versionBits: versionBits),
                        firstNonce: UInt32(first), nonceCount: count)
    }

    static func littleEndian(_ value: UInt64, size: Int) -> [UInt8] {
        (0..<size).map { byte in byte < 8 ? UInt8(truncatingIfNeeded: value >> UInt64(8 * byte)) : 0 }
    }
}
