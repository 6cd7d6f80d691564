import MiningCore

/// What the worker hands the engine: one job of one session. The engine derives every
/// thread's work units (extranonce2, version bits, nonce ranges) from it.
public struct WorkTemplate: Sendable {
    public let job: MiningJob
    /// The connection epoch of the session the job came from (carried into every candidate).
    public let epoch: UInt64
    /// The nonces to scan for each header variant (all 2^32 by default; tests and benchmarks
    /// narrow it).
    public let nonceRange: ClosedRange<UInt32>
    /// When the pool's notify for this job was read (nil: not from a notify). The engine measures
    /// the job-switch latency from it (`HashingEngine.takeJobSwitchLatencies()`).
    public let notifiedAt: ContinuousClock.Instant?

    public init(job: MiningJob, epoch: UInt64, nonceRange: ClosedRange<UInt32> = 0...UInt32.max,
                notifiedAt: ContinuousClock.Instant? = nil) {
        self.job = job
        self.epoch = epoch
        self.nonceRange = nonceRange
        self.notifiedAt = notifiedAt
    }
}
