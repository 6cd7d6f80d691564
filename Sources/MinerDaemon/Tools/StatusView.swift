import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `swiftminer status`: reads the status file and renders a compact table, says clearly when the
/// daemon is not running or the file is stale.
public enum StatusView {
    public enum Liveness: Equatable {
        case running
        /// The file has not been rewritten for this many seconds (the daemon should rewrite it
        /// every `status_interval_s`).
        case stale(seconds: Int)
        /// The process that wrote it is gone.
        case notRunning(pid: Int)
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Loads and decodes a status file.
    public static func load(path: String) throws -> StatusDocument {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(description: "no status file at \(path): is swiftminer running? (it writes status.json in $STATE_DIRECTORY or the working directory; see --status-file)")
        }
        do { return try StatusDocument.decode(data) } catch {
            throw Failure(description: "\(path) is not a valid status file")
        }
    }

    public static func liveness(of status: StatusDocument, now: Date = Date(),
                                isProcessAlive: (Int) -> Bool = processExists) -> Liveness {
        if status.pid > 0, !isProcessAlive(status.pid) { return .notRunning(pid: status.pid) }
        let age = now.timeIntervalSince(status.updatedAt)
        if age > max(3 * status.statusIntervalSeconds, 15) { return .stale(seconds: Int(age)) }
        return .running
    }

    /// A signal-0 probe: does the process exist? (EPERM means it does, owned by someone else.)
    public static func processExists(_ pid: Int) -> Bool {
        kill(pid_t(pid), 0) == 0 || errno == EPERM
    }

    /// The human table: one line per worker.
    public static func table(_ status: StatusDocument, now: Date = Date(), liveness: Liveness = .running) -> String {
        var lines: [String] = []
        lines.append("SwiftMiner \(status.version), up \(duration(status.uptimeSeconds)), kernel \(status.kernel), "
            + "\(status.threads) thread(s), \(HashrateFormat.string(status.hashrate.oneMinute)) (60 s)")
        switch liveness {
        case .running: break
        case .stale(let seconds):
            lines.append("WARNING: the status file was last written \(duration(seconds)) ago: the daemon is not updating it (stopped or hung?)")
        case .notRunning(let pid):
            lines.append("WARNING: the daemon (pid \(pid)) is not running; this is its last status")
        }
        let header = ["WORKER", "POOL", "STATE", "HASHRATE", "A/R/S/L", "BEST", "LAST SHARE"]
        var rows: [[String]] = [header]
        for worker in status.workers {
            let shares = worker.shares
            let lastShare = worker.lastShareAt.map { duration(Int(now.timeIntervalSince($0))) + " ago" } ?? "never"
            rows.append([
                worker.name,
                worker.pool.url,
                worker.pool.state.rawValue,
                HashrateFormat.string(worker.hashrate.windows.oneMinute),
                [shares.accepted, shares.rejected, shares.stale, shares.lost].map(String.init).joined(separator: "/"),
                String(format: "%.4g", worker.bestShareDifficulty),
                lastShare,
            ])
        }
        if !status.workers.isEmpty { lines += aligned(rows) }
        for proxy in status.proxies { lines += ProxyStatusView.lines(proxy, now: now) }
        lines += HistoryView.lines(status.history)
        for warning in status.warnings { lines.append("WARNING: \(warning)") }
        return lines.joined(separator: "\n")
    }

    /// Rows padded to their columns' widths, two spaces apart.
    static func aligned(_ rows: [[String]]) -> [String] {
        let widths = (0..<(rows.first?.count ?? 0)).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
    }

    /// One share-log line, human-readable (for `--follow`); nil for a line that is not a record.
    public static func formatShareLine(_ line: String) -> String? {
        (try? ShareLogRecord(line: line)).map(format)
    }

    /// A share-log record, human-readable: time, worker, result, difficulties, job, nonce,
    /// latency and reason when there are.
    public static func format(_ record: ShareLogRecord) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        formatter.timeZone = TimeZone(identifier: "UTC")
        var text = "\(formatter.string(from: record.time))  \(record.worker)"
        if let downstream = record.downstream { text += " ← \(downstream)" + (record.downstreamAddress.map { " (\($0))" } ?? "") }
        text += "  \(record.result.rawValue.uppercased())"
        text += String(format: "  diff %.4g/%.4g", record.shareDifficulty, record.targetDifficulty)
        text += "  job \(record.jobID) nonce \(record.nonce)"
        if let latency = record.latencyMilliseconds { text += String(format: "  %.1f ms", latency) }
        if let reason = record.reason { text += "  (\(reason))" }
        return text
    }

    static func duration(_ seconds: Int) -> String {
        if seconds < 60 { return "\(max(seconds, 0)) s" }
        if seconds < 3600 { return "\(seconds / 60) min" }
        if seconds < 86400 { return String(format: "%d h %02d min", seconds / 3600, seconds % 3600 / 60) }
        return "\(seconds / 86400) d \(seconds % 86400 / 3600) h"
    }
}
