import Foundation
import StratumProtocol

/// The `/metrics` page: Prometheus text exposition format 0.0.4, built from the status document
/// (`StatusDocument`), so every number equals the status file's.
///
/// Share, hash and reconnect counters belong to a worker (they survive pool failover), so they are
/// labelled by `worker` only; what describes the current pool session (difficulty, state) also
/// carries `pool`. Pool URLs never include credentials.
public enum PrometheusExposition {
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    public static func render(status snapshot: StatusDocument) -> String {
        var out = Writer()
        let workers = snapshot.workers
        renderProcess(snapshot, into: &out)
        renderHashing(workers, into: &out)
        renderShares(workers, into: &out)
        renderSolo(workers, into: &out)
        out.perWorker("swiftminer_best_share_difficulty", .gauge, "Best share difficulty since the miner started.", workers) { $0.bestShareDifficulty }
        out.family("swiftminer_best_share_difficulty_ever", .gauge, "Best share difficulty ever (kept across restarts).")
        out.sample("swiftminer_best_share_difficulty_ever", [:], snapshot.bestShareDifficultyEver)
        renderPools(workers, into: &out)
        out.histogram("swiftminer_share_submit_latency_seconds", "Time from submitting a share to the pool's answer.",
                      workers) { $0.submitLatency }
        out.histogram("swiftminer_job_switch_latency_seconds",
                      "Time from reading a pool's notify to every hashing thread hashing the new job.", workers) { $0.jobSwitchLatency }
        renderProxies(snapshot.proxies, into: &out)
        return out.text
    }

    /// Version, kernel, uptime, threads.
    private static func renderProcess(_ snapshot: StatusDocument, into out: inout Writer) {
        out.family("swiftminer_build_info", .gauge, "SwiftMiner version and the hashing kernel in use (always 1).")
        out.sample("swiftminer_build_info", ["version": snapshot.version, "kernel": snapshot.kernel], 1)

        out.family("swiftminer_uptime_seconds", .gauge, "Seconds since the miner started.")
        out.sample("swiftminer_uptime_seconds", [:], Double(snapshot.uptimeSeconds))

        out.family("swiftminer_hashing_threads", .gauge, "Hashing threads, all workers together.")
        out.sample("swiftminer_hashing_threads", [:], Double(snapshot.threads))
    }

    /// Hash rates (per window, per thread) and hashes done.
    private static func renderHashing(_ workers: [StatusDocument.Worker], into out: inout Writer) {
        out.family("swiftminer_hashrate_hashes_per_second", .gauge,
                   "Hash rate over a sliding window (10s, 60s, 15m), from the hashing threads' counters.")
        for w in workers {
            for (window, rate) in w.hashrate.windows.byWindow {
                out.sample("swiftminer_hashrate_hashes_per_second", ["worker": w.name, "window": window], rate)
            }
        }

        out.family("swiftminer_thread_hashrate_hashes_per_second", .gauge, "Hash rate of each hashing thread over the last 10 s.")
        for w in workers {
            for (index, rate) in w.hashrate.perThread.enumerated() {
                out.sample("swiftminer_thread_hashrate_hashes_per_second", ["worker": w.name, "thread": String(index)], rate)
            }
        }

        out.family("swiftminer_hashes_total", .counter, "Hashes computed.")
        for w in workers { out.sample("swiftminer_hashes_total", ["worker": w.name], Double(w.hashesTotal)) }
    }

    /// What became of the shares, hardware errors, blocks.
    private static func renderShares(_ workers: [StatusDocument.Worker], into out: inout Writer) {
        out.family("swiftminer_shares_total", .counter,
                   "Shares by what became of them: accepted, rejected, stale (refused as stale or not sent), lost (no answer).")
        for w in workers {
            for (result, value) in [("accepted", w.shares.accepted), ("rejected", w.shares.rejected), ("stale", w.shares.stale), ("lost", w.shares.lost)] {
                out.sample("swiftminer_shares_total", ["worker": w.name, "result": result], Double(value))
            }
        }

        out.family("swiftminer_shares_rejected_total", .counter, "Rejected shares by the pool's reason (stale ones count as result=\"stale\").")
        for w in workers {
            var reasons = w.shares.rejectReasons
            for reason in RejectReason.allCases where reason != .stale { reasons[reason.rawValue, default: 0] += 0 }
            for reason in reasons.keys.sorted() {
                out.sample("swiftminer_shares_rejected_total", ["worker": w.name, "reason": reason], Double(reasons[reason]!))
            }
        }

        out.perWorker("swiftminer_shares_found_total", .counter, "Verified shares found (submitted or found stale before submitting).", workers) { Double($0.shares.found) }

        out.perWorker("swiftminer_shares_pending", .gauge, "Submitted shares waiting for the pool's answer.", workers) { Double($0.shares.pending) }

        out.perWorker("swiftminer_shares_accepted_difficulty_total", .counter, "Sum of the target difficulties of accepted shares.", workers) { $0.shares.acceptedDifficulty }

        out.perWorker("swiftminer_hardware_errors_total", .counter, "Kernel results that failed re-verification (never submitted).", workers) { Double($0.shares.hardwareErrors) }

        out.perWorker("swiftminer_blocks_found_total", .counter, "Shares that met the network target.", workers) { Double($0.blocksFound) }
    }

    /// Solo mining (issue 17): only workers mining against a node have these samples.
    private static func renderSolo(_ workers: [StatusDocument.Worker], into out: inout Writer) {
        out.family("swiftminer_solo_blocks_total", .counter,
                   "Solo mining: blocks sent with submitblock, by the node's answer (accepted, duplicate, high-hash, inconclusive, ...).")
        for w in workers {
            guard let solo = w.solo else { continue }
            var results = solo.blockResults
            results["accepted", default: 0] += 0
            for result in results.keys.sorted() {
                out.sample("swiftminer_solo_blocks_total", ["worker": w.name, "result": result], Double(results[result]!))
            }
        }
    }

    /// The current pool session: difficulty, suggested difficulty, connection, state, reconnects.
    private static func renderPools(_ workers: [StatusDocument.Worker], into out: inout Writer) {
        out.family("swiftminer_pool_difficulty", .gauge, "The pool's current share difficulty.")
        for w in workers { out.sample("swiftminer_pool_difficulty", ["worker": w.name, "pool": PoolURLText.redacted(w.pool.url)], w.pool.difficulty) }

        out.family("swiftminer_suggested_difficulty", .gauge,
                   "The difficulty the worker suggests to the pool (mining.suggest_difficulty); absent when none.")
        for w in workers {
            guard let suggested = w.pool.suggestedDifficulty else { continue }
            out.sample("swiftminer_suggested_difficulty", ["worker": w.name, "pool": PoolURLText.redacted(w.pool.url)], suggested)
        }

        out.family("swiftminer_pool_connected", .gauge, "1 while the worker is authorized and mining on the pool, else 0.")
        for w in workers {
            out.sample("swiftminer_pool_connected", ["worker": w.name, "pool": PoolURLText.redacted(w.pool.url)],
                       w.pool.state == .mining ? 1 : 0)
        }

        out.family("swiftminer_pool_state", .gauge, "The pool session's state: 1 for the current state, 0 for the others.")
        for w in workers {
            for state in PoolState.allCases {
                out.sample("swiftminer_pool_state", ["worker": w.name, "pool": PoolURLText.redacted(w.pool.url), "state": state.rawValue],
                           state == w.pool.state ? 1 : 0)
            }
        }

        out.family("swiftminer_pool_protocol", .gauge,
                   "Always 1: the protocol the worker's pool speaks (stratum-v1, stratum-v2, getblocktemplate).")
        for w in workers {
            out.sample("swiftminer_pool_protocol", ["worker": w.name, "pool": PoolURLText.redacted(w.pool.url), "protocol": w.pool.protocolName], 1)
        }

        out.perWorker("swiftminer_pool_reconnects_total", .counter, "Reconnections to a pool after the first connection.", workers) { Double($0.pool.reconnects) }
    }

    /// A sample value as Prometheus writes it: integers without a fraction, `+Inf`, `-Inf`, `NaN`.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    enum MetricType: String { case counter, gauge, histogram }

    struct Writer {
        var text = ""

        mutating func family(_ name: String, _ type: MetricType, _ help: String) {
            let escaped = help.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
            text += "# HELP \(name) \(escaped)\n# TYPE \(name) \(type.rawValue)\n"
        }

        /// A family with one sample per worker, labelled by `worker` only.
        mutating func perWorker(_ name: String, _ type: MetricType, _ help: String,
                                _ workers: [StatusDocument.Worker], _ value: (StatusDocument.Worker) -> Double) {
            family(name, type, help)
            for w in workers { sample(name, ["worker": w.name], value(w)) }
        }

        /// A histogram family with one histogram per worker, labelled by `worker`: the cumulative
        /// buckets (bounds in seconds) up to `+Inf`, then `_sum` (seconds) and `_count`.
        mutating func histogram<Measured>(_ name: String, _ help: String, _ workers: [StatusDocument.Worker],
                                          _ latency: (StatusDocument.Worker) -> LatencyHistogram<Measured>) {
            family(name, .histogram, help)
            for w in workers {
                let histogram = latency(w)
                for bucket in histogram.buckets.sorted(by: { $0.le < $1.le }) {
                    sample(name + "_bucket", ["worker": w.name, "le": PrometheusExposition.number(bucket.le / 1000)], Double(bucket.count))
                }
                sample(name + "_bucket", ["worker": w.name, "le": "+Inf"], Double(histogram.count))
                sample(name + "_sum", ["worker": w.name], histogram.sum / 1000)
                sample(name + "_count", ["worker": w.name], Double(histogram.count))
            }
        }

        mutating func sample(_ name: String, _ labels: [String: String], _ value: Double) {
            text += name
            if !labels.isEmpty {
                text += "{" + labels.keys.sorted(by: labelOrder).map { "\($0)=\"\(escapeLabel(labels[$0]!))\"" }.joined(separator: ",") + "}"
            }
            text += " " + PrometheusExposition.number(value) + "\n"
        }

        private func labelOrder(_ a: String, _ b: String) -> Bool {
            let order = ["worker", "proxy", "downstream", "pool", "protocol", "window", "thread", "result", "reason", "state", "version", "kernel", "le"]
            return (order.firstIndex(of: a) ?? order.count, a) < (order.firstIndex(of: b) ?? order.count, b)
        }

        private func escapeLabel(_ value: String) -> String {
            var out = ""
            for character in value {
                switch character {
                case "\\": out += "\\\\"
                case "\"": out += "\\\""
                case "\n": out += "\\n"
                default: out.append(character)
                }
            }
            return out
        }
    }
}
