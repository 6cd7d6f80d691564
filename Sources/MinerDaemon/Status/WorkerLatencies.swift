extension StatusDocument.Worker {
    /// From submitting a share to the pool's answer (`submit_latency_ms`).
    public enum SubmitToAnswer: LatencyMeasurement {
        /// Prometheus' default buckets.
        public static let defaultBoundsMilliseconds: [Double] = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000]
    }

    /// From reading a pool's notify to every hashing thread hashing the new job (`job_switch_latency_ms`).
    public enum NotifyToHashing: LatencyMeasurement {
        public static let defaultBoundsMilliseconds: [Double] = [0.25, 0.5, 1, 2, 5, 10, 25, 50, 100, 250, 1000]
    }

    /// Submit-to-answer latency of answered shares.
    public typealias SubmitLatency = LatencyHistogram<SubmitToAnswer>
    /// Job-switch latency: notify to every thread hashing its work.
    public typealias JobSwitchLatency = LatencyHistogram<NotifyToHashing>
}
