import Foundation

/// Where the status file, the share log and the small state file live by default:
/// `$STATE_DIRECTORY` when systemd sets it (the first entry if it lists several), else `./`.
public enum StatePaths {
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let state = environment["STATE_DIRECTORY"], let first = state.split(separator: ":").first, !first.isEmpty {
            return String(first)
        }
        return "."
    }

    public static func statusFile(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        defaultDirectory(environment: environment) + "/status.json"
    }

    public static func shareLog(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        defaultDirectory(environment: environment) + "/shares.jsonl"
    }

    /// The all-time best share lives beside the status file.
    public static func bestShareFile(forStatusFile statusFile: String) -> String {
        let directory = (statusFile as NSString).deletingLastPathComponent
        return (directory.isEmpty ? "." : directory) + "/best-share.json"
    }
}
