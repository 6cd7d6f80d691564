import Foundation
import Logging

extension ConfigurationFile.Reader {
    /// The whole document: `[miner]`, the `[[worker]]` list, `[metrics]`, `[api]` and the
    /// `[[proxy]]` list (read last: a proxy may not listen where metrics or the API do).
    mutating func settings(_ root: TOMLTable, environment: [String: String]) -> MinerSettings {
        var settings = MinerSettings(workers: [], statusFile: StatePaths.statusFile(environment: environment),
                                     shareLog: StatePaths.shareLog(environment: environment))
        checkKeys(root, known: ["miner", "worker", "metrics", "api", "proxy"], prefix: "")
        var defaultThreads = ProcessInfo.processInfo.activeProcessorCount
        if let miner = table(root["miner"], "miner"), let threads = self.miner(miner, into: &settings) {
            defaultThreads = threads
        }
        if let node = root["worker"] { settings.workers = workers(node, defaultThreads: defaultThreads) }
        if let metrics = table(root["metrics"], "metrics") { self.metrics(metrics, into: &settings.monitoring) }
        if let api = table(root["api"], "api") { self.api(api, into: &settings.monitoring) }
        if let node = root["proxy"] { settings.proxies = proxies(node, monitoring: settings.monitoring) }
        return settings
    }

    /// `[miner]`: kernel, status file, share log, intervals, user agent, log level. Returns
    /// `threads`, every worker's default.
    mutating func miner(_ miner: TOMLTable, into settings: inout MinerSettings) -> Int? {
        checkKeys(miner, known: ["threads", "kernel", "status_file", "share_log", "share_log_max_bytes", "share_log_keep",
                                 "status_interval", "shutdown_grace", "user_agent", "log_level"], prefix: "miner")
        let threads = integer(miner, "threads", "miner.threads", 1...1024)
        if let (kernel, line) = string(miner, "kernel", "miner.kernel") {
            if let choice = KernelChoice(argument: kernel) {
                settings.kernel = choice
            } else {
                issue(line, "miner.kernel", "unknown kernel \"\(kernel)\": use auto, swift, shani, avx2, avx512, armsha2 or neon")
            }
        }
        if let (path, _) = string(miner, "status_file", "miner.status_file") { settings.statusFile = path.isEmpty ? nil : path }
        if let (path, _) = string(miner, "share_log", "miner.share_log") { settings.shareLog = path.isEmpty ? nil : path }
        if let bytes = integer(miner, "share_log_max_bytes", "miner.share_log_max_bytes", 0...Int64(Int.max)) {
            settings.shareLogMaxBytes = bytes == 0 ? nil : bytes
        }
        if let keep = integer(miner, "share_log_keep", "miner.share_log_keep", 0...1000) { settings.shareLogKeep = keep }
        if let interval = duration(miner, "status_interval", "miner.status_interval", 0...3600, exclusiveLower: true) {
            settings.statusInterval = interval
        }
        if let grace = duration(miner, "shutdown_grace", "miner.shutdown_grace", 0...300) { settings.shutdownGrace = grace }
        if let (agent, line) = string(miner, "user_agent", "miner.user_agent") {
            if agent.isEmpty || agent.contains(where: { $0.isNewline }) {
                issue(line, "miner.user_agent", "must be a non-empty single line")
            } else {
                settings.userAgent = agent
            }
        }
        if let (level, line) = string(miner, "log_level", "miner.log_level") {
            if let level = Logger.Level(rawValue: level) {
                settings.logLevel = level
            } else {
                issue(line, "miner.log_level", "use one of \(ConfigurationFile.logLevelNames)")
            }
        }
        return threads
    }
}
