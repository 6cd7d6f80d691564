import Foundation
import StratumProtocol

/// A process's memory as Linux reports it in `/proc/PID/status`: resident set now (`VmRSS`) and
/// its high-water mark (`VmHWM`). Elsewhere there is no such file: `read` gives nil.
public struct ProcessMemory: Sendable, Hashable {
    public let residentBytes: Int
    public let peakResidentBytes: Int

    public init(residentBytes: Int, peakResidentBytes: Int) {
        self.residentBytes = residentBytes
        self.peakResidentBytes = peakResidentBytes
    }

    /// The process's figures now; nil when it is gone or the system has no `/proc`.
    public static func read(pid: Int32) -> ProcessMemory? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        return parse(status: text)
    }

    /// From the text of a `/proc/PID/status` file (values in kB there).
    public static func parse(status text: String) -> ProcessMemory? {
        var fields: [String: Int] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(whereSeparator: { $0 == ":" || $0 == " " || $0 == "\t" })
            guard parts.count >= 2, parts[0] == "VmRSS" || parts[0] == "VmHWM", let kilobytes = Int(parts[1]) else { continue }
            fields[String(parts[0])] = kilobytes * 1024
        }
        guard let resident = fields["VmRSS"] else { return nil }
        return ProcessMemory(residentBytes: resident, peakResidentBytes: fields["VmHWM"] ?? resident)
    }

    public var residentMegabytes: Double { Double(residentBytes) / 1_048_576 }
    public var peakResidentMegabytes: Double { Double(peakResidentBytes) / 1_048_576 }

    /// `{"rss_mib", "hwm_mib"}` (MiB, to 0.1).
    public var json: JSONValue {
        ["rss_mib": .double((residentMegabytes * 10).rounded() / 10), "hwm_mib": .double((peakResidentMegabytes * 10).rounded() / 10)]
    }

    /// "RSS 41.2 MiB (peak 43.0 MiB)".
    public var text: String {
        "RSS \(Self.format(residentMegabytes)) MiB (peak \(Self.format(peakResidentMegabytes)) MiB)"
    }

    static func format(_ megabytes: Double) -> String {
        let tenths = Int((megabytes * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
