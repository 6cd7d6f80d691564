import Configuration
import Foundation
import MiningCore
import MonitoringAddresses
import StratumProtocol

/// A cgminer-compatible RPC API (cgminer's API-README), read-only, answered from the status
/// document (`StatusDocument`), so its numbers are the status file's.
///
/// Requests: JSON `{"command":"summary","parameter":""}` (JSON reply) or text `summary|param`
/// (text reply, `|`-separated sections of `,`-separated `Name=value`). Report commands can be
/// joined with `+` (`summary+pools`): the JSON reply then has one member per command, each
/// holding that command's whole reply in an array, as cgminer does.
///
/// Commands: version, summary, pools, devs, stats, config, devdetails, check, privileged.
/// Each worker is one device (`ASC`) and its pool one pool. Access follows cgminer's
/// `--api-allow`: loopback clients and the allow list's entries read; entries prefixed `W:` may
/// also use privileged (write) commands — none of which SwiftMiner offers beyond `privileged`.
public enum CGMinerAPI {
    /// The cgminer API version whose shape this follows.
    public static let apiVersion = "3.7"

    /// Report (read-only) commands; these can be joined with `+`.
    public static let reportCommands: [String] = ["version", "config", "summary", "pools", "devs", "devdetails", "stats", "check"]

    /// cgminer's privileged commands: refused without `W:` access, not implemented otherwise
    /// (except `privileged`, which only tells whether the client has write access).
    public static let privilegedCommands: Set<String> = [
        "privileged", "switchpool", "enablepool", "disablepool", "addpool", "removepool", "poolpriority", "poolquota",
        "save", "quit", "restart", "debug", "setconfig", "zero", "failover-only", "hotplug", "pgaenable", "pgadisable",
        "pgaidentify", "pgaset", "ascenable", "ascdisable", "ascidentify", "ascset", "gpuenable", "gpudisable",
        "gpurestart", "gpuintensity", "gpumem", "gpuengine", "gpufan", "gpuvddc", "lcd",
    ]

    /// Longest request accepted (bytes); longer ones are answered with an error.
    public static let maxRequestBytes = 8192

    public enum Access: Int, Sendable, Comparable {
        /// Not allowed at all: the connection is closed without a reply (as cgminer does).
        case none
        /// Report commands.
        case read
        /// Report and privileged commands.
        case write

        public static func < (a: Access, b: Access) -> Bool { a.rawValue < b.rawValue }
    }

    /// What a client at `clientAddress` may do. `allow` entries: `ADDRESS[/PREFIX]`, `R:ADDRESS[/PREFIX]`
    /// (read) or `W:ADDRESS[/PREFIX]` (read and write); IPv4 or IPv6; `0/0` matches every IPv4
    /// client (`APIAllowEntry`). Loopback clients may always read; nobody may write unless a `W:`
    /// entry names them.
    public static func access(clientAddress: String, allow: [String]) -> Access {
        guard let client = MonitoringIPAddress(clientAddress) else { return .none }
        var granted: Access = client.isLoopback ? .read : .none
        for entry in allow.compactMap(APIAllowEntry.init) where entry.matches(client) {
            granted = max(granted, entry.grantsWrite ? .write : .read)
        }
        return granted
    }

    /// Whether the list names any non-loopback client (then binding to a non-loopback address makes sense).
    public static func allowsNonLoopbackClients(_ allow: [String]) -> Bool {
        allow.contains { APIAllowEntry($0).map { !$0.isLoopbackOnly } ?? false }
    }

    // MARK: - Requests

    /// The reply to one request, as cgminer would send it (without the trailing NUL byte, which
    /// the server adds).
    public static func respond(request: String, status: StatusDocument, clientAddress: String, allow: [String],
                               now: Date = Date()) -> String {
        let context = Context(snapshot: status, when: Int64(now.timeIntervalSince1970),
                              access: access(clientAddress: clientAddress, allow: allow))
        let trimmed = request.monitoringTrimmed.trimmingCharacters(in: CharacterSet(charactersIn: "\0"))
        if trimmed.hasPrefix("{") {
            return respondJSON(trimmed, context)
        }
        let (command, parameter) = splitText(trimmed)
        let commands = command.split(separator: "+", omittingEmptySubsequences: false).map(String.init)
        return commands.map { reply(command: $0, parameter: parameter, joined: commands.count > 1, context).text }.joined()
    }

    /// A reply for a request over the size limit.
    public static func respondTooLong(jsonStyle: Bool, now: Date = Date()) -> String {
        let context = Context(snapshot: StatusDocument(), when: Int64(now.timeIntervalSince1970), access: .none)
        let reply = Reply(status: context.status(jsonStyle ? .invalidJSON : .invalidCommand))
        return jsonStyle ? reply.json(withID: true) : reply.text
    }

    private static func respondJSON(_ text: String, _ context: Context) -> String {
        guard let json = try? JSONValue.parse(Array(text.utf8)), let object = json.objectValue else {
            return Reply(status: context.status(.invalidJSON)).json(withID: true)
        }
        guard let command = object["command"]?.stringValue else {
            return Reply(status: context.status(.missingCommand)).json(withID: true)
        }
        let parameter: String?
        switch object["parameter"] {
        case .string(let s): parameter = s
        case .integer(let i): parameter = String(i)
        case .double(let d): parameter = "\(d)"
        case .bool(let b): parameter = b ? "true" : "false"
        default: parameter = nil
        }
        let commands = command.split(separator: "+", omittingEmptySubsequences: false).map(String.init)
        if commands.count == 1 {
            return reply(command: command, parameter: parameter, joined: false, context).json(withID: true)
        }
        // Joined: {"summary":[{...}],"pools":[{...}],"id":1}; a command named twice answers once.
        var seen: Set<String> = []
        var members: [String] = []
        for name in commands where seen.insert(name).inserted {
            let body = reply(command: name, parameter: parameter, joined: true, context).json(withID: false)
            members.append(jsonString(name) + ":[" + body + "]")
        }
        return "{" + members.joined(separator: ",") + ",\"id\":1}"
    }

    private static func splitText(_ text: String) -> (String, String?) {
        guard let bar = text.firstIndex(of: "|") else { return (text, nil) }
        return (String(text[..<bar]), String(text[text.index(after: bar)...]))
    }

    private static func reply(command rawCommand: String, parameter: String?, joined: Bool, _ context: Context) -> Reply {
        let command = rawCommand.monitoringTrimmed.lowercased()
        if privilegedCommands.contains(command) {
            guard context.access >= .write, !joined else { return Reply(status: context.status(.accessDenied(command))) }
            if command == "privileged" { return Reply(status: context.status(.privilegedOK)) }
            return Reply(status: context.status(.invalidCommand))
        }
        guard context.access >= .read else { return Reply(status: context.status(.accessDenied(command))) }
        let s = context.snapshot
        switch command {
        case "version": return version(context)
        case "config": return config(s, context)
        case "summary": return summary(s, context)
        case "pools": return pools(s, context)
        case "devs": return devs(s, context)
        case "devdetails": return devdetails(s, context)
        case "stats": return stats(s, context)
        case "check": return check(parameter, context)
        default: return Reply(status: context.status(.invalidCommand))
        }
    }

    // MARK: - Commands

    private static func version(_ c: Context) -> Reply {
        Reply(status: c.status(.version), section: "VERSION", textHeader: true, records: [[
            ("CGMiner", .string(SwiftMinerVersion.string)),
            ("API", .string(apiVersion)),
            ("Miner", .string("SwiftMiner \(SwiftMinerVersion.string)")),
        ]])
    }

    private static func config(_ s: StatusDocument, _ c: Context) -> Reply {
        Reply(status: c.status(.config), section: "CONFIG", textHeader: true, records: [[
            ("ASC Count", .int(Int64(s.workers.count + s.proxies.reduce(0) { $0 + $1.downstreams.count }))),
            ("PGA Count", .int(0)),
            ("Pool Count", .int(Int64(s.workers.count))),
            ("Strategy", .string("Failover")),
            ("Log Interval", .int(Int64(s.statusIntervalSeconds.rounded()))),
            ("Device Code", .string("SWM ")),
            ("OS", .string("Linux")),
            ("Hotplug", .string("None")),
            ("Kernel", .string(s.kernel)),
            ("Threads", .int(Int64(s.threads))),
        ]])
    }

    private static func summary(_ s: StatusDocument, _ c: Context) -> Reply {
        func total(_ value: (StatusDocument.Worker) -> Double) -> Double { s.workers.reduce(0) { $0 + value($1) } }
        let elapsed = Double(max(s.uptimeSeconds, 0))
        let hashes = total { Double($0.hashesTotal) }
        let accepted = total { Double($0.shares.accepted) }, rejected = total { Double($0.shares.rejected) }
        let stale = total { Double($0.shares.stale) }
        let answered = accepted + rejected + stale
        let found = total { Double($0.shares.found) }, hw = total { Double($0.shares.hardwareErrors) }
        let diff1 = hashes / Difficulty.hashesPerDifficultyOneShare
        let lastNotify = s.workers.compactMap(\.pool.lastNotifyAt).max()
        return Reply(status: c.status(.summary), section: "SUMMARY", textHeader: true, records: [[
            ("Elapsed", .int(Int64(elapsed))),
            ("MHS av", .real(elapsed > 0 ? hashes / elapsed / 1e6 : 0, 2)),
            ("MHS 5s", .real(total(\.hashrate.windows.tenSeconds) / 1e6, 2)),
            ("MHS 1m", .real(total(\.hashrate.windows.oneMinute) / 1e6, 2)),
            ("MHS 5m", .real(total(\.hashrate.windows.fifteenMinutes) / 1e6, 2)),
            ("MHS 15m", .real(total(\.hashrate.windows.fifteenMinutes) / 1e6, 2)),
            ("Found Blocks", .int(Int64(total { Double($0.blocksFound) }))),
            ("Getworks", .int(0)),
            ("Accepted", .int(Int64(accepted))),
            ("Rejected", .int(Int64(rejected))),
            ("Hardware Errors", .int(Int64(hw))),
            ("Utility", .real(elapsed > 0 ? accepted / elapsed * 60 : 0, 2)),
            ("Discarded", .int(0)),
            ("Stale", .int(Int64(stale))),
            ("Get Failures", .int(0)),
            ("Local Work", .int(0)),
            ("Remote Failures", .int(Int64(total { Double($0.shares.lost) }))),
            ("Network Blocks", .int(0)),
            ("Total MH", .real(hashes / 1e6, 4)),
            ("Work Utility", .real(elapsed > 0 ? diff1 / elapsed * 60 : 0, 2)),
            ("Difficulty Accepted", .real(total(\.shares.acceptedDifficulty), 8)),
            ("Difficulty Rejected", .real(total { Double($0.shares.rejected) * $0.pool.difficulty }, 8)),
            ("Difficulty Stale", .real(total { Double($0.shares.stale) * $0.pool.difficulty }, 8)),
            ("Best Share", .int(Int64(clamping: UInt64(max(0, min(s.workers.map(\.bestShareDifficulty).max() ?? 0, 9e18)))))),
            ("Device Hardware%", .real(percent(hw, hw + found), 4)),
            ("Device Rejected%", .real(percent(rejected, answered), 4)),
            ("Pool Rejected%", .real(percent(rejected, answered), 4)),
            ("Pool Stale%", .real(percent(stale, answered), 4)),
            ("Last getwork", .int(lastNotify.map { Int64($0.timeIntervalSince1970) } ?? 0)),
        ]])
    }

    private static func pools(_ s: StatusDocument, _ c: Context) -> Reply {
        guard !s.workers.isEmpty else { return Reply(status: c.status(.noPools)) }
        let records: [Record] = s.workers.enumerated().map { index, w in
            let (accepted, rejected, stale) = (Double(w.shares.accepted), Double(w.shares.rejected), Double(w.shares.stale))
            let answered = accepted + rejected + stale
            let alive = w.pool.state == .mining
            let url = PoolURLText.redacted(w.pool.url), difficulty = w.pool.difficulty
            return [
                ("POOL", .int(Int64(index))),
                ("URL", .string(url)),
                ("Status", .string(alive ? "Alive" : "Dead")),
                ("Priority", .int(0)),
                ("Quota", .int(1)),
                ("Long Poll", .string("N")),
                ("Getworks", .int(0)),
                ("Accepted", .int(Int64(w.shares.accepted))),
                ("Rejected", .int(Int64(w.shares.rejected))),
                ("Works", .int(0)),
                ("Discarded", .int(0)),
                ("Stale", .int(Int64(w.shares.stale))),
                ("Get Failures", .int(0)),
                ("Remote Failures", .int(Int64(w.shares.lost))),
                ("User", .string(w.user)),
                ("Last Share Time", .int(w.lastShareAt.map { Int64($0.timeIntervalSince1970) } ?? 0)),
                ("Diff1 Shares", .real(Double(w.hashesTotal) / Difficulty.hashesPerDifficultyOneShare, 0)),
                ("Proxy Type", .string("")),
                ("Proxy", .string("")),
                ("Difficulty Accepted", .real(w.shares.acceptedDifficulty, 8)),
                ("Difficulty Rejected", .real(rejected * difficulty, 8)),
                ("Difficulty Stale", .real(stale * difficulty, 8)),
                ("Last Share Difficulty", .real(w.lastShareAt == nil ? 0 : difficulty, 8)),
                ("Work Difficulty", .real(difficulty, 8)),
                ("Has Stratum", .bool(true)),
                ("Stratum Active", .bool(alive)),
                ("Stratum URL", .string(alive ? PoolURLText.host(ofURL: url) : "")),
                ("Stratum Difficulty", .real(difficulty, 8)),
                ("Has Vmask", .bool(w.pool.versionRollingMask != nil)),
                ("Has GBT", .bool(false)),
                ("Best Share", .int(Int64(clamping: UInt64(max(0, min(w.bestShareDifficulty, 9e18)))))),
                ("Pool Rejected%", .real(percent(rejected, answered), 4)),
                ("Pool Stale%", .real(percent(stale, answered), 4)),
                ("Bad Work", .int(Int64(w.shares.hardwareErrors))),
                ("Current Block Height", .int(0)),
                ("Current Block Version", .int(0)),
            ]
        }
        return Reply(status: c.status(.pools(records.count)), section: "POOLS", textHeader: false, records: records)
    }

    private static func devs(_ s: StatusDocument, _ c: Context) -> Reply {
        let proxyDevices = proxyDeviceRecords(s, firstIndex: s.workers.count)
        guard !s.workers.isEmpty || !proxyDevices.isEmpty else { return Reply(status: c.status(.noDevices)) }
        let elapsed = Double(max(s.uptimeSeconds, 0))
        let records: [Record] = s.workers.enumerated().map { index, w in
            let hashes = Double(w.hashesTotal)
            let (accepted, rejected, stale) = (Double(w.shares.accepted), Double(w.shares.rejected), Double(w.shares.stale))
            let answered = accepted + rejected + stale
            let hardwareErrors = Double(w.shares.hardwareErrors), difficulty = w.pool.difficulty
            let lastShare = w.lastShareAt.map { Int64($0.timeIntervalSince1970) } ?? 0
            return [
                ("ASC", .int(Int64(index))),
                ("Name", .string("SWM")),
                ("ID", .int(Int64(index))),
                ("Enabled", .string("Y")),
                ("Status", .string(deviceStatus(w.pool.state))),
                ("Temperature", .real(0, 2)),
                ("MHS av", .real(elapsed > 0 ? hashes / elapsed / 1e6 : 0, 2)),
                ("MHS 5s", .real(w.hashrate.windows.tenSeconds / 1e6, 2)),
                ("MHS 1m", .real(w.hashrate.windows.oneMinute / 1e6, 2)),
                ("MHS 5m", .real(w.hashrate.windows.fifteenMinutes / 1e6, 2)),
                ("MHS 15m", .real(w.hashrate.windows.fifteenMinutes / 1e6, 2)),
                ("Accepted", .int(Int64(w.shares.accepted))),
                ("Rejected", .int(Int64(w.shares.rejected))),
                ("Hardware Errors", .int(Int64(w.shares.hardwareErrors))),
                ("Utility", .real(elapsed > 0 ? accepted / elapsed * 60 : 0, 2)),
                ("Last Share Pool", .int(w.lastShareAt == nil ? -1 : Int64(index))),
                ("Last Share Time", .int(lastShare)),
                ("Total MH", .real(hashes / 1e6, 4)),
                ("Diff1 Work", .real(hashes / Difficulty.hashesPerDifficultyOneShare, 8)),
                ("Difficulty Accepted", .real(w.shares.acceptedDifficulty, 8)),
                ("Difficulty Rejected", .real(rejected * difficulty, 8)),
                ("Last Share Difficulty", .real(w.lastShareAt == nil ? 0 : difficulty, 8)),
                ("No Device", .bool(false)),
                ("Last Valid Work", .int(lastShare)),
                ("Device Hardware%", .real(percent(hardwareErrors, hardwareErrors + Double(w.shares.found)), 4)),
                ("Device Rejected%", .real(percent(rejected, answered), 4)),
                ("Device Elapsed", .int(Int64(elapsed))),
            ]
        }
        return Reply(status: c.status(.devices(records.count + proxyDevices.count)), section: "DEVS", textHeader: false,
                     records: records + proxyDevices)
    }

    private static func devdetails(_ s: StatusDocument, _ c: Context) -> Reply {
        let records: [Record] = s.workers.enumerated().map { index, w in
            [
                ("DEVDETAILS", .int(Int64(index))),
                ("Name", .string("SWM")),
                ("ID", .int(Int64(index))),
                ("Driver", .string("swiftminer")),
                ("Kernel", .string(s.kernel)),
                ("Model", .string("CPU SHA-256d (\(w.hashrate.perThread.count) threads)")),
                ("Device Path", .string(w.name)),
            ]
        }
        return Reply(status: c.status(.deviceDetails), section: "DEVDETAILS", textHeader: false, records: records)
    }

    private static func stats(_ s: StatusDocument, _ c: Context) -> Reply {
        let elapsed = Int64(max(s.uptimeSeconds, 0))
        var records: [Record] = []
        for (index, w) in s.workers.enumerated() {
            var record: Record = [
                ("STATS", .int(Int64(records.count))),
                ("ID", .string("SWM\(index)")),
                ("Elapsed", .int(elapsed)),
                ("Calls", .int(0)),
                ("Wait", .real(0, 6)),
                ("Max", .real(0, 6)),
                ("Min", .real(99_999_999, 6)),
                ("Worker", .string(w.name)),
                ("Threads", .int(Int64(w.hashrate.perThread.count))),
            ]
            for (thread, rate) in w.hashrate.perThread.enumerated() { record.append(("MHS Thread \(thread)", .real(rate / 1e6, 2))) }
            records.append(record)
        }
        for (index, w) in s.workers.enumerated() {
            records.append([
                ("STATS", .int(Int64(records.count))),
                ("ID", .string("POOL\(index)")),
                ("Elapsed", .int(elapsed)),
                ("Calls", .int(0)),
                ("Wait", .real(0, 6)),
                ("Max", .real(0, 6)),
                ("Min", .real(99_999_999, 6)),
                ("Pool Calls", .int(Int64(w.submitLatency.count))),
                ("Pool Attempts", .int(Int64(w.submitLatency.count))),
                ("Pool Wait", .real(w.submitLatency.sum / 1000, 6)),
                ("Pool Max", .real(w.submitLatency.max / 1000, 6)),
                ("Pool Min", .real(0, 6)),
                ("Pool Av", .real(w.submitLatency.avg / 1000, 6)),
                ("Work Diff", .real(w.pool.difficulty, 8)),
                ("Reconnects", .int(Int64(w.pool.reconnects))),
            ])
        }
        return Reply(status: c.status(.stats), section: "STATS", textHeader: false, records: records)
    }

    private static func check(_ parameter: String?, _ c: Context) -> Reply {
        guard let name = parameter?.monitoringTrimmed.lowercased(), !name.isEmpty else {
            return Reply(status: c.status(.missingCheck))
        }
        let exists = reportCommands.contains(name) || name == "privileged"
        let allowed = exists && (privilegedCommands.contains(name) ? c.access >= .write : c.access >= .read)
        return Reply(status: c.status(.check), section: "CHECK", textHeader: true, records: [[
            ("Exists", .string(exists ? "Y" : "N")),
            ("Access", .string(allowed ? "Y" : "N")),
        ]])
    }

    private static func deviceStatus(_ poolState: PoolState) -> String {
        switch poolState {
        case .mining: "Alive"
        case .starting, .connecting, .subscribing: "Initialising"
        case .disconnected, .unauthorized: "Sick"
        }
    }

    static func percent(_ part: Double, _ whole: Double) -> Double { whole > 0 ? part / whole * 100 : 0 }

    // MARK: - Reply shapes

    struct Context {
        let snapshot: StatusDocument
        let when: Int64
        let access: Access

        func status(_ message: Message) -> Record {
            let (severity, code, text) = message.parts
            return [
                ("STATUS", .string(severity)),
                ("When", .int(when)),
                ("Code", .int(Int64(code))),
                ("Msg", .string(text)),
                ("Description", .string("swiftminer \(SwiftMinerVersion.string)")),
            ]
        }
    }

    /// cgminer's status messages (api.c's codes).
    enum Message {
        case version, config, summary, stats, deviceDetails, check, privilegedOK
        case pools(Int), devices(Int), noPools, noDevices
        case invalidCommand, invalidJSON, missingCommand, missingCheck, accessDenied(String)

        var parts: (String, Int, String) {
            switch self {
            case .pools(let n): ("S", 7, "\(n) Pool(s)")
            case .noPools: ("E", 8, "No pools")
            case .devices(let n): ("S", 9, "\(n) ASC(s)")
            case .noDevices: ("E", 10, "No ASCs")
            case .summary: ("S", 11, "Summary")
            case .invalidCommand: ("E", 14, "Invalid command")
            case .version: ("S", 22, "CGMiner versions")
            case .invalidJSON: ("E", 23, "Invalid JSON")
            case .missingCommand: ("E", 24, "Missing JSON 'command'")
            case .config: ("S", 33, "CGMiner config")
            case .accessDenied(let command): ("E", 45, "Access denied to '\(command.prefix(64))' command")
            case .privilegedOK: ("S", 46, "Privileged access OK")
            case .deviceDetails: ("S", 69, "Device Details")
            case .stats: ("S", 70, "CGMiner stats")
            case .missingCheck: ("E", 71, "Missing check cmd")
            case .check: ("S", 72, "Check command")
            }
        }
    }

    enum Value {
        case string(String)
        case int(Int64)
        /// A number with this many decimals (cgminer prints MH/s with 2, difficulties with 8, percentages with 4).
        case real(Double, Int)
        case bool(Bool)

        var json: String {
            switch self {
            case .string(let s): jsonString(s)
            case .int(let i): String(i)
            case .real(let d, let decimals): d.isFinite ? String(format: "%.\(decimals)f", d) : "0"
            case .bool(let b): b ? "true" : "false"
            }
        }

        var text: String {
            switch self {
            case .string(let s): escapeText(s)
            default: json
            }
        }
    }

    typealias Record = [(String, Value)]

    struct Reply {
        var status: Record
        var section: String?
        /// Text form: `SECTION,` before the record (version, summary, config) or not (pools, devs, …,
        /// whose records begin with their own `POOL=0`).
        var textHeader = false
        var records: [Record] = []

        init(status: Record, section: String? = nil, textHeader: Bool = false, records: [Record] = []) {
            self.status = status
            self.section = section
            self.textHeader = textHeader
            self.records = records
        }

        func json(withID: Bool) -> String {
            var out = "{\"STATUS\":[" + CGMinerAPI.json(status) + "]"
            if let section {
                out += "," + jsonString(section) + ":[" + records.map(CGMinerAPI.json).joined(separator: ",") + "]"
            }
            if withID { out += ",\"id\":1" }
            return out + "}"
        }

        var text: String {
            var out = CGMinerAPI.text(status) + "|"
            for record in records {
                if textHeader, let section { out += section + "," }
                out += CGMinerAPI.text(record) + "|"
            }
            return out
        }
    }

    static func json(_ record: Record) -> String {
        "{" + record.map { jsonString($0.0) + ":" + $0.1.json }.joined(separator: ",") + "}"
    }

    static func text(_ record: Record) -> String {
        record.map { escapeText($0.0) + "=" + $0.1.text }.joined(separator: ",")
    }

    static func jsonString(_ s: String) -> String { JSONValue.string(s).serialized }

    /// cgminer's text escaping: `|`, `,`, `=` and `\` get a `\` before them.
    static func escapeText(_ s: String) -> String {
        var out = ""
        for character in s {
            if character == "|" || character == "," || character == "=" || character == "\\" { out.append("\\") }
            out.append(character)
        }
        return out
    }
}
