import PoolSettings

extension ConfigurationFile.Reader {
    /// The `[[worker]]` timer keys, in seconds, and where each lands in the worker's one
    /// `ConnectionTimers` value.
    static var timerKeys: [(key: String, set: (inout ConnectionTimers, Duration) -> Void)] { [
        ("connect_timeout", { $0.connectTimeout = $1 }), ("subscribe_timeout", { $0.subscribeTimeout = $1 }),
        ("idle_timeout", { $0.idleTimeout = $1 }), ("job_timeout", { $0.jobTimeout = $1 }),
        ("submit_timeout", { $0.submitTimeout = $1 }), ("reconnect_backoff_min", { $0.backoff.initial = $1 }),
        ("reconnect_backoff_max", { $0.backoff.maximum = $1 }), ("primary_probe_interval", { $0.primaryProbeInterval = $1 }),
        ("max_reconnect_wait", { $0.maximumReconnectWait = $1 }),
    ] }

    /// The timer keys of one worker: positive seconds (at most a day), backoff min ≤ max; the
    /// client's defaults for the others.
    mutating func timers(_ table: TOMLTable, prefix: String) -> ConnectionTimers {
        var timers = ConnectionTimers()
        for (key, set) in Self.timerKeys {
            if let value = duration(table, key, "\(prefix).\(key)", 0...86_400, exclusiveLower: true) { set(&timers, value) }
        }
        if timers.backoff.initial > timers.backoff.maximum {
            let line = table["reconnect_backoff_min"]?.line ?? table["reconnect_backoff_max"]?.line
            issue(line, "\(prefix).reconnect_backoff_min",
                  "must not exceed reconnect_backoff_max (\(timers.backoff.initial) > \(timers.backoff.maximum))")
        }
        return timers
    }
}
