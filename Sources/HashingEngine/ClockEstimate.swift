import CSHA256Kernels

/// The clock of the core the caller runs on, estimated by timing a chain of dependent integer adds
/// (one per cycle; `sm_dependent_add_chain`). `swiftminer bench` divides it by the per-thread hash
/// rate for cycles per nonce. Under load, or with turbo changing between the estimate and the
/// measurement, it is only an estimate: a descheduled thread makes it low.
public enum ClockEstimate {
    /// Hertz, or nil on architectures without the add chain. Takes about `adds` cycles
    /// (0.05 s at 4 GHz by default); the best of `tries` runs is taken, so a run cut short by the
    /// scheduler does not count.
    public static func hertz(adds: UInt64 = 200_000_000, tries: Int = 3) -> Double? {
        let clock = ContinuousClock()
        var best: Double?
        for _ in 0..<max(1, tries) {
            let started = clock.now
            let done = sm_dependent_add_chain(adds)
            let seconds = (clock.now - started) / .seconds(1)
            guard done > 0, seconds > 0 else { return nil }
            let hertz = Double(done) / seconds
            best = max(best ?? 0, hertz)
        }
        return best
    }
}
