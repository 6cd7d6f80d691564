import Foundation
import StratumProtocol

/// What `ProxyLoadGenerator` measured, with the issue's targets beside it, as text and as JSON
/// with stable keys. The caller adds what only it knows (the pool-direct sample, how many shares
/// reached the upstream pool, whether the proxy's process survived).
public struct ProxyLoadReport: Sendable {
    public var connections: Int
    /// Seconds from the first connect until every miner was subscribed, authorized and had a job.
    public var connectSeconds: Double = 0
    /// The proxy's memory before any miner connected, with all of them ready, and after the
    /// submit phase (nil where it could not be read).
    public var memoryIdle: ProcessMemory?
    public var memoryConnected: ProcessMemory?
    public var memoryAfterSubmits: ProcessMemory?
    public var fanOut = NotifyFanOutResult(rounds: 0, connections: 0, arrivals: LatencySummary(nanoseconds: []),
                                           lastArrivals: LatencySummary(nanoseconds: []), missing: 0)
    public var submits: SubmitLoadResult?
    /// The light sample through the proxy and straight against a pool.
    public var sampleThroughProxy: SubmitLoadResult?
    public var samplePoolDirect: SubmitLoadResult?
    /// Shares the upstream pool received (the proxy forwards only those meeting the pool's difficulty).
    public var forwardedUpstream: Int?
    /// Miner connections the proxy closed during the test.
    public var closedByProxy = 0
    /// Set when the proxy's process ended before the test did.
    public var proxyExit: String?
    /// Processor time over the fan-out rounds and over the submit phase (its drain included).
    public var cpuFanOut: PhaseCPU?
    public var cpuSubmits: PhaseCPU?
    /// The machine's one-minute load average when the test began (others' work shows here).
    public var loadAverage: Double?

    public init(connections: Int) {
        self.connections = connections
    }

    /// The issue's figures: RSS ≤ 100 MB (10^8 bytes), notify p99 ≤ 50 ms, ≥ 5,000 submits answered
    /// per second with a round trip p99 ≤ 2 ms.
    public static let rssLimitBytes = 100_000_000
    public static let notifyP99LimitMilliseconds = 50.0
    public static let submitRateFloor = 5000.0
    public static let submitP99LimitMilliseconds = 2.0

    /// Things that make the run's figures meaningless or show the proxy misbehaving (empty: none).
    /// Missing the issue's targets is not one of them (`targets` tells that).
    public var problems: [String] {
        var found: [String] = []
        if let proxyExit { found.append("the proxy exited during the test: \(proxyExit)") }
        if closedByProxy > 0 { found.append("the proxy closed \(closedByProxy) miner connections") }
        if fanOut.missing > 0 { found.append("\(fanOut.missing) notifies did not reach their miner within the round timeout") }
        for (name, result) in [("submit phase", submits), ("sample through the proxy", sampleThroughProxy),
                               ("sample straight to the pool", samplePoolDirect)] {
            guard let result else { continue }
            if result.tally.sent == 0 { found.append("\(name): no submit was written") }
            if result.tally.rejected > 0 { found.append("\(name): \(result.tally.rejected) submits answered other than true or stale") }
            if result.tally.stale > 0 { found.append("\(name): \(result.tally.stale) stale answers (no job should change)") }
            if result.unanswered > 0 { found.append("\(name): \(result.unanswered) submits unanswered") }
        }
        return found
    }

    /// Each issue target: met, missed, or nil where not measured.
    public var targets: [(key: String, text: String, met: Bool?)] {
        let peak = memoryAfterSubmits ?? memoryConnected
        return [
            ("rss_within_100mb", "proxy RSS ≤ 100 MB", peak.map { $0.peakResidentBytes <= Self.rssLimitBytes }),
            ("notify_p99_within_50ms", "notify to every miner p99 ≤ 50 ms",
             fanOut.arrivals.count > 0 ? fanOut.arrivals.p99Milliseconds <= Self.notifyP99LimitMilliseconds : nil),
            ("submits_at_least_5000_per_second", "≥ 5000 submits answered per second",
             submits.map { $0.answeredPerSecond >= Self.submitRateFloor }),
            ("submit_round_trip_p99_within_2ms", "submit round trip p99 ≤ 2 ms",
             submits.map { $0.roundTrip.count > 0 && $0.roundTrip.p99Milliseconds <= Self.submitP99LimitMilliseconds }),
        ]
    }
}

extension ProxyLoadReport {
    /// One object; keys: connections, connect_seconds, load_average, memory {idle, connected,
    /// after_submits}, notify_fan_out, submits, cpu {fan_out, submits}, sample {through_proxy,
    /// pool_direct}, forwarded_upstream, closed_by_proxy, proxy_exit, targets, problems, ok.
    public var json: JSONValue {
        func optional(_ value: JSONValue?) -> JSONValue { value ?? .null }
        let memory: JSONValue = ["idle": optional(memoryIdle?.json), "connected": optional(memoryConnected?.json),
                                 "after_submits": optional(memoryAfterSubmits?.json)]
        let sample: JSONValue = ["through_proxy": optional(sampleThroughProxy?.json), "pool_direct": optional(samplePoolDirect?.json)]
        let cpu: JSONValue = ["fan_out": optional(cpuFanOut?.json), "submits": optional(cpuSubmits?.json)]
        var targetValues: [String: JSONValue] = [:]
        for target in targets { targetValues[target.key] = target.met.map { .bool($0) } ?? .null }
        return [
            "connections": .integer(Int64(connections)), "connect_seconds": .double((connectSeconds * 1000).rounded() / 1000),
            "load_average": optional(loadAverage.map { .double($0) }),
            "memory": memory, "notify_fan_out": fanOut.json, "submits": optional(submits?.json), "cpu": cpu, "sample": sample,
            "forwarded_upstream": optional(forwardedUpstream.map { .integer(Int64($0)) }),
            "closed_by_proxy": .integer(Int64(closedByProxy)), "proxy_exit": optional(proxyExit.map { .string($0) }),
            "targets": .object(targetValues), "problems": .array(problems.map { .string($0) }), "ok": .bool(problems.isEmpty),
        ]
    }

    /// The report for a person: one section per phase, the targets, the problems.
    public var text: String {
        func memory(_ value: ProcessMemory?) -> String { value?.text ?? "not readable" }
        var lines = [
            "farm proxy load: \(connections) simulated miners on loopback"
                + (loadAverage.map { " (load average \($0) at the start)" } ?? ""),
            "  connected and ready in \(String(format: "%.2f", connectSeconds)) s",
            "  proxy memory: idle \(memory(memoryIdle)); \(connections) miners ready \(memory(memoryConnected)); "
                + "after the submit phase \(memory(memoryAfterSubmits))",
            "  notify fan-out, \(fanOut.rounds) clean jobs, broadcast → read by each miner: \(fanOut.arrivals.text)",
            "    until the last miner had it, per round: \(fanOut.lastArrivals.text); missing \(fanOut.missing)",
        ]
        if let cpuFanOut { lines.append("    processor time: \(cpuFanOut.text)") }
        if let submits { lines.append("  submits: \(submits.text)") }
        if let cpuSubmits { lines.append("    processor time: \(cpuSubmits.text)") }
        if let sampleThroughProxy { lines.append("  light sample through the proxy: \(sampleThroughProxy.text)") }
        if let samplePoolDirect { lines.append("  light sample straight to the pool: \(samplePoolDirect.text)") }
        if let forwardedUpstream { lines.append("  shares that reached the upstream pool: \(forwardedUpstream)") }
        lines.append("  round trips: from writing the submit to reading its answer, in the load generator")
        for target in targets {
            lines.append("  target \(target.text): \(target.met.map { $0 ? "met" : "MISSED" } ?? "not measured")")
        }
        lines += problems.map { "  PROBLEM: \($0)" }
        return lines.joined(separator: "\n")
    }
}
