import Configuration
import Foundation
import HashingEngine
import MiningCore
import StratumProtocol

/// `swiftminer bench`: verifies the kernel against the reference, then hashes a job nobody can
/// solve for a fixed time on N threads and reports the rate.
public struct Benchmark: Sendable {
    public var threads: Int
    public var seconds: Double
    public var kernel: KernelChoice

    public init(threads: Int, seconds: Double, kernel: KernelChoice) {
        self.threads = threads
        self.seconds = seconds
        self.kernel = kernel
    }

    /// The contract's fields (Docs/ARCHITECTURE.md, "Outside contracts"): kernel, threads, seconds, hashes, hashrate, per_thread, verified.
    public struct Result: Sendable {
        public let kernel: KernelKind
        public let threads: Int
        public let seconds: Double
        public let hashes: UInt64
        /// Hashes per second, all threads.
        public let hashrate: Double
        /// Hashes per second of each thread.
        public let perThread: [Double]
        public let verified: Bool
        /// The core clock estimated around the measurement (`ClockEstimate`), nil where unknown.
        public let clockHertz: Double?

        public init(kernel: KernelKind, threads: Int, seconds: Double, hashes: UInt64, hashrate: Double,
                    perThread: [Double], verified: Bool, clockHertz: Double? = nil) {
            self.kernel = kernel
            self.threads = threads
            self.seconds = seconds
            self.hashes = hashes
            self.hashrate = hashrate
            self.perThread = perThread
            self.verified = verified
            self.clockHertz = clockHertz
        }

        /// Clock cycles per nonce of one thread (the clock estimate over the mean per-thread rate).
        public var cyclesPerNonce: Double? {
            guard let clockHertz, threads > 0, hashrate > 0 else { return nil }
            return clockHertz / (hashrate / Double(threads))
        }

        /// The contract's fields, plus `clock_ghz_estimate` and `cycles_per_nonce` (added; null
        /// where the clock could not be estimated).
        public var json: JSONValue {
            ["kernel": .string(kernel.rawValue), "threads": .integer(Int64(threads)), "seconds": .double(seconds),
             "hashes": .integer(Int64(hashes)), "hashrate": .double(hashrate),
             "per_thread": .array(perThread.map { .double($0) }), "verified": .bool(verified),
             "clock_ghz_estimate": clockHertz.map { .double(($0 / 1e6).rounded() / 1e3) } ?? .null,
             "cycles_per_nonce": cyclesPerNonce.map { .double(($0 * 10).rounded() / 10) } ?? .null]
        }

        public var summary: String {
            let perThreadText = perThread.map { HashrateFormat.string($0) }.joined(separator: ", ")
            let cycles = cyclesPerNonce.flatMap { cycles in
                clockHertz.map { String(format: "; about %.1f cycles per nonce at an estimated %.2f GHz", cycles, $0 / 1e9) }
            } ?? ""
            return "kernel \(kernel.rawValue), \(threads) thread(s), \(String(format: "%.1f", seconds)) s: "
                + "\(HashrateFormat.string(hashrate)) (per thread: \(perThreadText)); verified against the reference: \(verified ? "yes" : "no")"
                + cycles
        }
    }

    public func run() async throws -> Result {
        let kernel = try self.kernel.makeKernel()
        try KernelVerification.verify(kernel)
        // The clock just before and just after the measurement, on an otherwise idle core.
        let clockBefore = ClockEstimate.hertz()
        let engine = HashingEngine(threadCount: threads, kernel: kernel)
        engine.start()
        defer { engine.stop() }
        engine.setWork(WorkTemplate(job: try Self.unsolvableJob(), epoch: 0))
        // Let every thread start and settle its batch size before timing.
        try await Task.sleep(for: .milliseconds(300))
        let clock = ContinuousClock()
        let startCounts = engine.hashCounts
        let started = clock.now
        try await Task.sleep(for: .seconds(seconds))
        let endCounts = engine.hashCounts
        let elapsed = (clock.now - started) / .seconds(1)
        let perThread = zip(endCounts, startCounts).map { Double($0 - $1) / elapsed }
        let hashes = zip(endCounts, startCounts).reduce(UInt64(0)) { $0 + ($1.0 - $1.1) }
        engine.stop()
        let clockAfter = ClockEstimate.hertz()
        let clockHertz = clockBefore.flatMap { before in clockAfter.map { (before + $0) / 2 } }
        return Result(kernel: kernel.kind, threads: threads, seconds: elapsed, hashes: hashes,
                      hashrate: Double(hashes) / elapsed, perThread: perThread, verified: true, clockHertz: clockHertz)
    }

    /// A job at an absurd difficulty: every nonce is rejected at the kernel's early check, which is
    /// what real mining does almost all the time.
    static func unsolvableJob() throws -> MiningJob {
        let notify = try MiningNotify(params: [
            "bench", .string(String(repeating: "00", count: 32)), .string("01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff"),
            .string("ffffffff0100f2052a010000000000000000"), [.string(String(repeating: "11", count: 32))],
            "20000000", "1703a30c", "6553f100", true,
        ])
        return try MiningJob(notify: notify, extranonce1: [0, 0, 0, 1], extranonce2Size: 8, difficulty: 1e15)
    }
}
