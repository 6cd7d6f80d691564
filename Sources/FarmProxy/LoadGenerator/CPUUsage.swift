import Foundation

/// Processor time as Linux reports it: a process's user + system seconds (`/proc/PID/stat`) and
/// the machine's one-minute load average (`/proc/loadavg`). nil where there is no `/proc`.
public enum CPUUsage {
    /// User + system seconds the process has used so far (its own threads; children excluded).
    public static func seconds(pid: Int32) -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return nil }
        return parse(stat: text, ticksPerSecond: ticksPerSecond)
    }

    /// From the text of `/proc/PID/stat`: fields 14 (utime) and 15 (stime), in clock ticks, counted
    /// after the command name (which is in parentheses and may hold spaces).
    static func parse(stat text: String, ticksPerSecond: Double) -> Double? {
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state): utime is field 14, stime field 15.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / ticksPerSecond
    }

    private static var ticksPerSecond: Double {
        #if canImport(Glibc)
        let ticks = sysconf(Int32(_SC_CLK_TCK))
        #else
        let ticks = sysconf(_SC_CLK_TCK)
        #endif
        return ticks > 0 ? Double(ticks) : 100
    }

    /// The one-minute load average now.
    public static func loadAverage() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return nil }
        return text.split(separator: " ").first.flatMap { Double($0) }
    }
}
