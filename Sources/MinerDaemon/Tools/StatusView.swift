import Foundation
import StratumProtocol

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

    /// Loads and parses a status file.
    public static func load(path: String) throws -> JSONValue {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(description: "no status file at \(path): is swiftminer running? (it writes status.json in $STATE_DIRECTORY or the working directory; see --status-file)")
        }
        do { return try JSONValue.parse(Array(data)) } catch {
            throw Failure(description: "\(path) is not a valid status file")
        }
    }

    public static func liveness(of status: JSONValue, now: Date = Date(), isProcessAlive: (Int) -> Bool = processExists) -> Liveness {
        if let pid = status["pid"]?.integerValue, pid > 0, !isProcessAlive(Int(pid)) {
            return .notRunning(pid: Int(pid))
        }
        let interval = status["status_interval_s"]?.doubleValue ?? 5
        if let updated = status["updated_at"]?.stringValue.flatMap(Timestamp.parse) {
            let age = now.timeIntervalSince(updated)
            if age > max(3 * interval, 15) { return .stale(seconds: Int(age)) }
        }
        return .running
    }

    /// A signal-0 probe: does the process exist? (EPERM means it does, owned by someone else.)
    public static func processExists(_ pid: Int) -> Bool {
        kill(pid_t(pid), 0) == 0 || errno == EPERM
    }

    /// The human table: one line per worker.
    public static func table(_ status: JSONValue, now: Date = Date(), liveness: Liveness = .running) -> String {
        var lines: [String] = []
        let kernel = status["kernel"]?.stringValue ?? "?"
        let threads = status["threads"]?.integerValue ?? 0
        let uptime = status["uptime_s"]?.integerValue ?? 0
        let rate = status["hashrate"]?["60s"]?.doubleValue ?? 0
        lines.append("SwiftMiner \(status["version"]?.stringValue ?? "?"), up \(duration(Int(uptime))), kernel \(kernel), \(threads) thread(s), \(HashrateFormat.string(rate)) (60 s)")
        switch liveness {
        case .running: break
        case .stale(let seconds):
            lines.append("WARNING: the status file was last written \(duration(seconds)) ago: the daemon is not updating it (stopped or hung?)")
        case .notRunning(let pid):
            lines.append("WARNING: the daemon (pid \(pid)) is not running; this is its last status")
        }
        let header = ["WORKER", "POOL", "STATE", "HASHRATE", "A/R/S/L", "BEST", "LAST SHARE"]
        var rows: [[String]] = [header]
        for worker in status["workers"]?.arrayValue ?? [] {
            let shares = worker["shares"]
            func count(_ key: String) -> String { String(shares?[key]?.integerValue ?? 0) }
            let lastShare = worker["last_share_at"]?.stringValue.flatMap(Timestamp.parse)
                .map { duration(Int(now.timeIntervalSince($0))) + " ago" } ?? "never"
            rows.append([
                worker["name"]?.stringValue ?? "?",
                worker["pool"]?["url"]?.stringValue ?? "",
                worker["pool"]?["state"]?.stringValue ?? "?",
                HashrateFormat.string(worker["hashrate"]?["60s"]?.doubleValue ?? 0),
                [count("accepted"), count("rejected"), count("stale"), count("lost")].joined(separator: "/"),
                String(format: "%.4g", worker["best_share_difficulty"]?.doubleValue ?? 0),
                lastShare,
            ])
        }
        let widths = (0..<header.count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            lines.append(zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces))
        }
        for warning in status["warnings"]?.arrayValue ?? [] {
            if let text = warning.stringValue { lines.append("WARNING: \(text)") }
        }
        return lines.joined(separator: "\n")
    }

    /// One share-log line, human-readable (for `--follow`); nil for a line that is not a record.
    public static func formatShareLine(_ line: String) -> String? {
        guard let record = try? JSONValue.parse(Array(line.utf8)), record.objectValue != nil else { return nil }
        let time = record["time"]?.stringValue.flatMap(Timestamp.parse).map { date -> String in
            let formatter = DateFormatter()
            formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
            formatter.timeZone = TimeZone(identifier: "UTC")
            return formatter.string(from: date)
        } ?? "?"
        let result = record["result"]?.stringValue ?? "?"
        var text = "\(time)  \(record["worker"]?.stringValue ?? "?")  \(result.uppercased())"
        text += String(format: "  diff %.4g/%.4g", record["share_difficulty"]?.doubleValue ?? 0,
                       record["target_difficulty"]?.doubleValue ?? 0)
        text += "  job \(record["job_id"]?.stringValue ?? "?") nonce \(record["nonce"]?.stringValue ?? "?")"
        if let latency = record["latency_ms"]?.doubleValue { text += String(format: "  %.1f ms", latency) }
        if let reason = record["reason"]?.stringValue { text += "  (\(reason))" }
        return text
    }

    static func duration(_ seconds: Int) -> String {
        if seconds < 60 { return "\(max(seconds, 0)) s" }
        if seconds < 3600 { return "\(seconds / 60) min" }
        if seconds < 86400 { return String(format: "%d h %02d min", seconds / 3600, seconds % 3600 / 60) }
        return "\(seconds / 86400) d \(seconds % 86400 / 3600) h"
    }
}
