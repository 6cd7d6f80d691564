import Foundation
import Logging
import NodeRPCClient
import StratumClient
import StratumProtocol

/// One problem in a configuration file: where it is and which key it concerns.
/// Never carries a secret: messages describe values, they do not repeat them.
public struct ConfigurationIssue: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    /// Full key path, e.g. `worker[0].pool[1].url` (nil for syntax errors).
    public var key: String?
    public var message: String

    public init(file: String, line: Int?, key: String?, message: String) {
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }

    /// `FILE:LINE: key worker[0].pool[1].url: message`.
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ":"
        if let key { text += " key \(key):" }
        return text + " " + message
    }
}

/// Every problem found in a file (all of them, not just the first).
public struct ConfigurationErrors: Error, Sendable, CustomStringConvertible {
    public var issues: [ConfigurationIssue]
    public init(_ issues: [ConfigurationIssue]) { self.issues = issues }
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}

/// Command-line flags of `swiftminer run`; each one given overrides the file.
public struct CommandLineOverrides: Sendable {
    /// `-o` (repeatable): replaces the pool list of the first worker (creates it when the file has none).
    public var urls: [String] = []
    /// `-u`: the first worker's user.
    public var user: String?
    /// `-p`: the first worker's password.
    public var password: String?
    /// `-t`: hashing threads of every worker.
    public var threads: Int?
    public var kernel: KernelChoice?
    /// `--status-file` ("" disables it).
    public var statusFile: String?
    /// `--share-log` ("" disables it).
    public var shareLog: String?
    public var logLevel: Logger.Level?
    /// `--coinbase-addr`: solo mining's payout address (with `-o http://…`).
    public var coinbaseAddress: String?

    public init(urls: [String] = [], user: String? = nil, password: String? = nil, threads: Int? = nil, kernel: KernelChoice? = nil,
                statusFile: String? = nil, shareLog: String? = nil, logLevel: Logger.Level? = nil, coinbaseAddress: String? = nil) {
        self.coinbaseAddress = coinbaseAddress
        self.urls = urls
        self.user = user
        self.password = password
        self.threads = threads
        self.kernel = kernel
        self.statusFile = statusFile
        self.shareLog = shareLog
        self.logLevel = logLevel
    }
}

/// TOML configuration → `MinerSettings`. Keys and their defaults are documented in
/// `Config/swiftminer.toml`; unknown keys are errors.
public enum ConfigurationFile {
    /// "trace, debug, info, notice, warning, error, critical": what `log_level` and `--log-level` take.
    static var logLevelNames: String { Logger.Level.allCases.map(\.rawValue).joined(separator: ", ") }

    /// Reads and parses `path`. A file without `[[worker]]` is valid here (flags may add one).
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(ConfigurationErrors) -> MinerSettings
    {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            var message = "cannot read the file: \(Self.reason(error))"
            if FileManager.default.fileExists(atPath: path) && !FileManager.default.isReadableFile(atPath: path) {
                // The usual cause under systemd: a file the service's user may not read.
                message += " (the service reads it as the user swiftminer: make it root:swiftminer 0640, "
                    + "as `make install` does, with chgrp swiftminer and chmod 0640)"
            }
            throw ConfigurationErrors([ConfigurationIssue(file: path, line: nil, key: nil, message: message)])
        }
        return try parse(text, file: path, environment: environment)
    }

    /// Parses a document; `file` names it in errors.
    public static func parse(_ text: String, file: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(ConfigurationErrors) -> MinerSettings
    {
        let root: TOMLTable
        do {
            root = try TOMLParser.parse(text)
        } catch {
            throw ConfigurationErrors([ConfigurationIssue(file: file, line: error.line, key: nil, message: error.message)])
        }
        var reader = Reader(file: file)
        let settings = reader.settings(root, environment: environment)
        if !reader.issues.isEmpty {
            // In file order (stable: issues of one line keep their order).
            let sorted = reader.issues.enumerated().sorted { ($0.element.line ?? .max, $0.offset) < ($1.element.line ?? .max, $1.offset) }
            throw ConfigurationErrors(sorted.map(\.element))
        }
        return settings
    }

    /// What `run` uses: the file (if any) with the flags on top, checked to have at least one
    /// worker with a user and a pool.
    public static func settings(file: String?, overrides: CommandLineOverrides,
                                environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(ConfigurationErrors) -> MinerSettings
    {
        var settings: MinerSettings
        if let file {
            settings = try load(path: file, environment: environment)
        } else {
            settings = MinerSettings(workers: [], statusFile: StatePaths.statusFile(environment: environment),
                                     shareLog: StatePaths.shareLog(environment: environment))
        }
        let origin = file ?? "command line"
        var issues: [ConfigurationIssue] = []
        func flag(_ name: String, _ message: String) {
            issues.append(ConfigurationIssue(file: "command line", line: nil, key: name, message: message))
        }
        if overrides.coinbaseAddress != nil && !overrides.urls.contains(where: SoloSettings.isNodeURL)
            && settings.workers.first?.solo == nil {
            flag("--coinbase-addr", "only for solo mining: give the node's URL with -o http://HOST:PORT")
        }
        if let address = overrides.coinbaseAddress, !overrides.urls.contains(where: SoloSettings.isNodeURL),
           settings.workers.first?.solo != nil {
            settings.workers[0].solo?.coinbaseAddress = address
        }
        if !overrides.urls.isEmpty || overrides.user != nil || overrides.password != nil {
            if settings.workers.isEmpty {
                settings.workers.append(WorkerSettings(name: "default", user: "", password: "x",
                                                       threads: overrides.threads ?? ProcessInfo.processInfo.activeProcessorCount,
                                                       pools: []))
            }
            if !overrides.urls.isEmpty {
                if overrides.urls.contains(where: SoloSettings.isNodeURL) {
                    applySoloOverrides(overrides, to: &settings.workers[0], flag: flag)
                } else {
                    for url in overrides.urls where PoolEndpoint(url: url) == nil {
                        flag("-o", "not a pool URL (expected stratum+tcp://HOST:PORT, or stratum+ssl:// for TLS)")
                    }
                    settings.workers[0].pools = overrides.urls.map { PoolConfiguration(url: $0) }
                    settings.workers[0].solo = nil
                }
            }
            if let user = overrides.user { settings.workers[0].user = user }
            if let password = overrides.password { settings.workers[0].password = password }
        }
        if let threads = overrides.threads {
            if threads < 1 { flag("-t", "must be at least 1") }
            for index in settings.workers.indices { settings.workers[index].threads = threads }
        }
        if let kernel = overrides.kernel { settings.kernel = kernel }
        if let path = overrides.statusFile { settings.statusFile = path.isEmpty ? nil : path }
        if let path = overrides.shareLog { settings.shareLog = path.isEmpty ? nil : path }
        if let level = overrides.logLevel { settings.logLevel = level }
        if settings.workers.isEmpty {
            issues.append(ConfigurationIssue(file: origin, line: nil, key: "worker",
                                             message: "no worker: add a [[worker]] with a [[worker.pool]], or give -o URL -u USER"))
        }
        for (index, worker) in settings.workers.enumerated() {
            if let solo = worker.solo {
                issues += soloIssues(solo, worker: worker, index: index, origin: origin)
                continue
            }
            if worker.pools.isEmpty {
                issues.append(ConfigurationIssue(file: origin, line: nil, key: "worker[\(index)].pool",
                                                 message: "no pool: add a [[worker.pool]] or give -o URL"))
            }
            if worker.user.isEmpty {
                issues.append(ConfigurationIssue(file: origin, line: nil, key: "worker[\(index)].user",
                                                 message: "a pool user is needed (user = \"…\" or -u USER)"))
            }
        }
        if !issues.isEmpty { throw ConfigurationErrors(issues) }
        return settings
    }

    static func reason(_ error: any Error) -> String {
        if let cocoa = error as? CocoaError, let underlying = cocoa.userInfo[NSUnderlyingErrorKey] as? NSError {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if let cocoa = error as? CocoaError {
            switch cocoa.code {
            case .fileReadNoSuchFile: return "no such file"
            case .fileReadNoPermission: return "permission denied"
            default: break
            }
        }
        return "\(error.localizedDescription)"
    }
}

// MARK: - Validation

private struct Reader {
    let file: String
    var issues: [ConfigurationIssue] = []

    mutating func issue(_ line: Int?, _ key: String?, _ message: String) {
        issues.append(ConfigurationIssue(file: file, line: line, key: key, message: message))
    }

    /// Reports every key not in `known`.
    mutating func checkKeys(_ table: TOMLTable, known: [String], prefix: String) {
        for (key, node) in table.entries where !known.contains(key) {
            let path = prefix.isEmpty ? key : "\(prefix).\(key)"
            issue(node.line, path, "unknown key (known here: \(known.joined(separator: ", ")))")
        }
    }

    mutating func table(_ node: TOMLNode?, _ key: String) -> TOMLTable? {
        guard let node else { return nil }
        guard case .table(let table) = node.value else {
            issue(node.line, key, "expected a table ([\(key)]), found a \(node.value.typeName)")
            return nil
        }
        return table
    }

    mutating func string(_ table: TOMLTable, _ key: String, _ path: String) -> (String, Int)? {
        guard let node = table[key] else { return nil }
        guard case .string(let value) = node.value else {
            issue(node.line, path, "expected a string, found a \(node.value.typeName)")
            return nil
        }
        return (value, node.line)
    }

    mutating func bool(_ table: TOMLTable, _ key: String, _ path: String) -> Bool? {
        guard let node = table[key] else { return nil }
        guard case .boolean(let value) = node.value else {
            issue(node.line, path, "expected true or false, found a \(node.value.typeName)")
            return nil
        }
        return value
    }

    mutating func integer(_ table: TOMLTable, _ key: String, _ path: String, _ range: ClosedRange<Int64>) -> Int? {
        guard let node = table[key] else { return nil }
        guard case .integer(let value) = node.value else {
            issue(node.line, path, "expected an integer, found a \(node.value.typeName)")
            return nil
        }
        guard range.contains(value) else {
            issue(node.line, path, "must be between \(range.lowerBound) and \(range.upperBound)")
            return nil
        }
        return Int(value)
    }

    /// An integer or a float.
    mutating func number(_ table: TOMLTable, _ key: String, _ path: String, _ range: ClosedRange<Double>,
                         exclusiveLower: Bool = false) -> Double? {
        guard let node = table[key] else { return nil }
        let value: Double
        switch node.value {
        case .integer(let integer): value = Double(integer)
        case .float(let float): value = float
        default:
            issue(node.line, path, "expected a number, found a \(node.value.typeName)")
            return nil
        }
        guard value.isFinite, range.contains(value), !(exclusiveLower && value == range.lowerBound) else {
            issue(node.line, path, "must be \(exclusiveLower ? "greater than" : "at least") \(range.lowerBound) and at most \(range.upperBound)")
            return nil
        }
        return value
    }

    /// `HOST:PORT` with a numeric port.
    mutating func listen(_ table: TOMLTable, _ key: String, _ path: String) -> String? {
        guard let (value, line) = string(table, key, path) else { return nil }
        guard HostPort(Substring(value)) != nil else {
            issue(line, path, "expected HOST:PORT, e.g. \"127.0.0.1:4028\"")
            return nil
        }
        return value
    }

    mutating func settings(_ root: TOMLTable, environment: [String: String]) -> MinerSettings {
        var settings = MinerSettings(workers: [], statusFile: StatePaths.statusFile(environment: environment),
                                     shareLog: StatePaths.shareLog(environment: environment))
        checkKeys(root, known: ["miner", "worker", "metrics", "api"], prefix: "")
        var defaultThreads = ProcessInfo.processInfo.activeProcessorCount

        if let miner = table(root["miner"], "miner") {
            checkKeys(miner, known: ["threads", "kernel", "status_file", "share_log", "share_log_max_bytes", "share_log_keep",
                                     "status_interval", "shutdown_grace", "user_agent", "log_level"], prefix: "miner")
            if let threads = integer(miner, "threads", "miner.threads", 1...1024) { defaultThreads = threads }
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
            if let seconds = number(miner, "status_interval", "miner.status_interval", 0...3600, exclusiveLower: true) {
                settings.statusInterval = .milliseconds(Int64((seconds * 1000).rounded()))
            }
            if let seconds = number(miner, "shutdown_grace", "miner.shutdown_grace", 0...300) {
                settings.shutdownGrace = .milliseconds(Int64((seconds * 1000).rounded()))
            }
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
        }

        if let node = root["worker"] {
            if case .array(let items) = node.value, items.allSatisfy({ if case .table = $0.value { true } else { false } }) {
                var names: [String: Int] = [:]
                for (index, item) in items.enumerated() {
                    guard case .table(let worker) = item.value else { continue }
                    if let parsed = self.worker(worker, index: index, line: item.line, defaultThreads: defaultThreads) {
                        if let first = names[parsed.name] {
                            issue(worker["name"]?.line ?? item.line, "worker[\(index)].name",
                                  "duplicate worker name \"\(parsed.name)\" (also worker[\(first)])")
                        }
                        names[parsed.name] = index
                        settings.workers.append(parsed)
                    }
                }
            } else {
                issue(node.line, "worker", "expected [[worker]] tables")
            }
        }

        if let metrics = table(root["metrics"], "metrics") {
            checkKeys(metrics, known: ["enabled", "listen", "allow_remote"], prefix: "metrics")
            if let remote = bool(metrics, "allow_remote", "metrics.allow_remote") { settings.monitoring.metricsAllowRemote = remote }
            if let enabled = bool(metrics, "enabled", "metrics.enabled") { settings.monitoring.metricsEnabled = enabled }
            if let listen = listen(metrics, "listen", "metrics.listen") {
                settings.monitoring.metricsListen = listen
                do {
                    try ListenAddress.parse(listen).checkBindable(allowNonLoopback: settings.monitoring.metricsAllowRemote)
                } catch {
                    issue(metrics["listen"]?.line, "metrics.listen", "\(error) (set allow_remote = true)")
                }
            }
        }
        if let api = table(root["api"], "api") {
            checkKeys(api, known: ["enabled", "listen", "allow"], prefix: "api")
            if let enabled = bool(api, "enabled", "api.enabled") { settings.monitoring.apiEnabled = enabled }
            if let listen = listen(api, "listen", "api.listen") { settings.monitoring.apiListen = listen }
            if let node = api["allow"] {
                var addresses: [String] = []
                if case .array(let items) = node.value {
                    for (index, item) in items.enumerated() {
                        if case .string(let address) = item.value, !address.isEmpty {
                            addresses.append(address)
                        } else {
                            issue(item.line, "api.allow[\(index)]", "expected an address string, e.g. \"127.0.0.1\"")
                        }
                    }
                    settings.monitoring.apiAllow = addresses
                    let invalid = CGMinerAPI.invalidAllowEntries(addresses)
                    if !invalid.isEmpty {
                        issue(node.line, "api.allow", "not an address or ADDRESS/PREFIX (R:/W: optional): \(invalid.joined(separator: ", "))")
                    }
                } else {
                    issue(node.line, "api.allow", "expected an array of addresses, e.g. [\"127.0.0.1\"]")
                }
            }
        }
        return settings
    }

    mutating func worker(_ table: TOMLTable, index: Int, line: Int, defaultThreads: Int) -> WorkerSettings? {
        let prefix = "worker[\(index)]"
        checkKeys(table, known: ["name", "user", "password", "threads", "pool", "target_share_interval"]
                  + Self.timerKeys.map(\.key), prefix: prefix)
        var ok = true
        var name = index == 0 ? "default" : "worker\(index)"
        if let (value, line) = string(table, "name", "\(prefix).name") {
            if value.isEmpty || value.count > 64 || value.contains(where: { $0.isNewline || $0.isWhitespace }) {
                issue(line, "\(prefix).name", "must be 1 to 64 characters without spaces")
                ok = false
            } else {
                name = value
            }
        }
        var user = ""
        if let (value, line) = string(table, "user", "\(prefix).user") {
            if value.isEmpty { issue(line, "\(prefix).user", "must not be empty"); ok = false } else { user = value }
        } else if table["user"] == nil {
            if !hasSoloPool(table) {
                issue(line, "\(prefix).user", "missing: the pool login (usually ADDRESS.WORKER)")
                ok = false
            }
        } else {
            ok = false
        }
        var password = "x"
        if let (value, _) = string(table, "password", "\(prefix).password") { password = value }
        else if table["password"] != nil { ok = false }
        let threads = integer(table, "threads", "\(prefix).threads", 1...1024) ?? defaultThreads
        let targetShareInterval = number(table, "target_share_interval", "\(prefix).target_share_interval", 0...86_400,
                                         exclusiveLower: true)
        let timers = self.timers(table, prefix: prefix)
        var pools: [PoolConfiguration] = []
        var solo: SoloSettings?
        if let node = table["pool"] {
            if case .array(let items) = node.value, items.allSatisfy({ if case .table = $0.value { true } else { false } }) {
                for (poolIndex, item) in items.enumerated() {
                    guard case .table(let pool) = item.value else { continue }
                    if Self.isSoloPool(pool) {
                        if let parsed = soloPool(pool, path: "\(prefix).pool[\(poolIndex)]", line: item.line, poolCount: items.count) {
                            solo = parsed
                        } else {
                            ok = false
                        }
                    } else if let parsed = self.pool(pool, path: "\(prefix).pool[\(poolIndex)]", line: item.line) {
                        pools.append(parsed)
                    } else {
                        ok = false
                    }
                }
            } else {
                issue(node.line, "\(prefix).pool", "expected [[worker.pool]] tables")
                ok = false
            }
        }
        if pools.isEmpty && table["pool"] == nil {
            issue(line, "\(prefix).pool", "missing: at least one [[worker.pool]] with a url")
            ok = false
        }
        if let solo, solo.cookieFile == nil, user.isEmpty || table["password"] == nil {
            issue(line, "\(prefix).user", "solo mining needs the node's RPC login: user and password, or rpc_cookie_file in the pool")
            ok = false
        }
        guard ok else { return nil }
        var settings = WorkerSettings(name: name, user: user, password: password, threads: threads, pools: pools)
        settings.solo = solo
        if let targetShareInterval { settings.targetShareInterval = targetShareInterval }
        settings.timers = timers
        return settings
    }

    /// The `[[worker]]` timer keys, in seconds, and where each goes.
    static var timerKeys: [(key: String, field: WritableKeyPath<ClientTimers, Duration>)] { [
        ("connect_timeout", \.connectTimeout), ("subscribe_timeout", \.subscribeTimeout), ("idle_timeout", \.idleTimeout),
        ("job_timeout", \.jobTimeout), ("submit_timeout", \.submitTimeout), ("reconnect_backoff_min", \.backoffMinimum),
        ("reconnect_backoff_max", \.backoffMaximum), ("primary_probe_interval", \.primaryProbeInterval),
        ("max_reconnect_wait", \.maximumReconnectWait),
    ] }

    /// The timer keys of one worker: positive seconds (at most a day), backoff min ≤ max.
    mutating func timers(_ table: TOMLTable, prefix: String) -> ClientTimers {
        var timers = ClientTimers()
        for (key, field) in Self.timerKeys {
            if let seconds = number(table, key, "\(prefix).\(key)", 0...86_400, exclusiveLower: true) {
                timers[keyPath: field] = .milliseconds(Int64((seconds * 1000).rounded()))
            }
        }
        if timers.backoffMinimum > timers.backoffMaximum {
            let line = table["reconnect_backoff_min"]?.line ?? table["reconnect_backoff_max"]?.line
            issue(line, "\(prefix).reconnect_backoff_min",
                  "must not exceed reconnect_backoff_max (\(timers.backoffMinimum) > \(timers.backoffMaximum))")
        }
        return timers
    }

    /// `suggest_difficulty`: "auto", a positive number (fixed), or false (never sent).
    mutating func difficultySuggestion(_ table: TOMLTable, _ path: String) -> DifficultySuggestion? {
        guard let node = table["suggest_difficulty"] else { return nil }
        let hint = "use \"auto\" (from the hash rate), a positive number (fixed), or false (not sent)"
        switch node.value {
        case .string("auto"): return .auto
        case .boolean(false): return .off
        case .integer, .float:
            return number(table, "suggest_difficulty", path, 0...1e15, exclusiveLower: true).map { .fixed($0) }
        default:
            issue(node.line, path, hint)
            return nil
        }
    }

    mutating func pool(_ table: TOMLTable, path: String, line: Int) -> PoolConfiguration? {
        checkKeys(table, known: ["url", "tls_fingerprint_sha256", "allow_self_signed", "extranonce_subscribe",
                                 "suggest_difficulty", "version_rolling", "allow_reconnect_to_other_host"], prefix: path)
        let before = issues.count
        var pool = PoolConfiguration(url: "")
        if let (url, urlLine) = string(table, "url", "\(path).url") {
            if PoolEndpoint(url: url) == nil {
                issue(urlLine, "\(path).url", "not a pool URL (expected stratum+tcp://HOST:PORT, or stratum+ssl:// for TLS)"
                    + (SoloSettings.isNodeURL(url) ? "; to mine solo against this node, add coinbase_addr" : ""))
            } else {
                pool.url = url
            }
        } else if table["url"] == nil {
            issue(line, "\(path).url", "missing: the pool URL, e.g. \"stratum+tcp://pool.example.com:3333\"")
        }
        pool.tlsFingerprintSHA256 = tlsFingerprint(table, path: path)
        if let value = bool(table, "allow_self_signed", "\(path).allow_self_signed") { pool.allowSelfSigned = value }
        if let value = bool(table, "extranonce_subscribe", "\(path).extranonce_subscribe") { pool.extranonceSubscribe = value }
        if let suggestion = difficultySuggestion(table, "\(path).suggest_difficulty") {
            pool.difficultySuggestion = suggestion
        }
        if let value = bool(table, "version_rolling", "\(path).version_rolling") { pool.versionRolling = value }
        if let value = bool(table, "allow_reconnect_to_other_host", "\(path).allow_reconnect_to_other_host") {
            pool.allowReconnectToOtherHost = value
        }
        return issues.count == before ? pool : nil
    }

    /// `tls_fingerprint_sha256`: 64 hex digits, colons allowed (a pool's or a node's certificate pin).
    mutating func tlsFingerprint(_ table: TOMLTable, path: String) -> String? {
        guard let (fingerprint, line) = string(table, "tls_fingerprint_sha256", "\(path).tls_fingerprint_sha256") else { return nil }
        guard CertificateFingerprint.normalized(fingerprint) != nil else {
            issue(line, "\(path).tls_fingerprint_sha256", "expected 64 hex digits (colons allowed)")
            return nil
        }
        return fingerprint
    }
}

// MARK: - Solo mining (issue 17): a [[worker.pool]] with an http(s):// URL is the worker's own node

extension ConfigurationFile {
    /// `-o http://…`: the first worker mines solo against that node (one node, no failover list).
    static func applySoloOverrides(_ overrides: CommandLineOverrides, to worker: inout WorkerSettings,
                                   flag: (String, String) -> Void) {
        guard overrides.urls.count == 1, let url = overrides.urls.first else {
            flag("-o", "solo mining takes exactly one node URL (no failover list, no Stratum pools beside it)")
            return
        }
        if NodeEndpoint(url: url) == nil { flag("-o", "not a node URL (expected http://HOST:PORT or https://HOST:PORT)") }
        var solo = worker.solo ?? SoloSettings(url: url, coinbaseAddress: "")
        solo.url = url
        if let address = overrides.coinbaseAddress { solo.coinbaseAddress = address }
        worker.solo = solo
        worker.pools = []
    }

    /// What a solo worker needs to start: a usable URL, an address valid on some chain, a login.
    static func soloIssues(_ solo: SoloSettings, worker: WorkerSettings, index: Int, origin: String) -> [ConfigurationIssue] {
        var issues: [ConfigurationIssue] = []
        func issue(_ key: String, _ message: String) {
            issues.append(ConfigurationIssue(file: origin, line: nil, key: "worker[\(index)].\(key)", message: message))
        }
        if NodeEndpoint(url: solo.url) == nil { issue("pool[0].url", "not a node URL (expected http://HOST:PORT or https://HOST:PORT)") }
        if solo.coinbaseAddress.isEmpty {
            issue("pool[0].coinbase_addr", "solo mining needs a payout address (coinbase_addr = \"…\" or --coinbase-addr)")
        } else if let problem = SoloSettings.chains(ofAddress: solo.coinbaseAddress).problem {
            issue("pool[0].coinbase_addr", problem)
        }
        if solo.cookieFile == nil && worker.user.isEmpty {
            issue("user", "solo mining needs the node's RPC login: -u RPCUSER -p RPCPASS, or rpc_cookie_file in the config")
        }
        return issues
    }
}

extension Reader {
    /// A pool entry is a solo node when it says where the coinbase pays (an http:// URL alone is
    /// a mistyped pool URL, and reported as one).
    static func isSoloPool(_ table: TOMLTable) -> Bool {
        table["coinbase_addr"] != nil || table["rpc_cookie_file"] != nil
    }

    /// A solo worker's login is checked with its pool (a cookie file replaces `user`).
    func hasSoloPool(_ worker: TOMLTable) -> Bool {
        guard case .array(let items)? = worker["pool"]?.value else { return false }
        return items.contains { item in
            guard case .table(let pool) = item.value else { return false }
            return Self.isSoloPool(pool)
        }
    }

    /// `url = "http(s)://HOST:PORT"`, `coinbase_addr`, optional `rpc_cookie_file` and `poll_interval`.
    mutating func soloPool(_ table: TOMLTable, path: String, line: Int, poolCount: Int) -> SoloSettings? {
        checkKeys(table, known: ["url", "coinbase_addr", "rpc_cookie_file", "poll_interval", "tls_fingerprint_sha256",
                                 "allow_self_signed"], prefix: path)
        let before = issues.count
        if poolCount > 1 {
            issue(line, path, "a solo node (http:// URL) must be the worker's only pool: give solo mining a [[worker]] of its own")
        }
        var solo = SoloSettings(url: "", coinbaseAddress: "")
        if let (url, urlLine) = string(table, "url", "\(path).url") {
            if NodeEndpoint(url: url) == nil {
                issue(urlLine, "\(path).url", "not a node URL (expected http://HOST:PORT or https://HOST:PORT)")
            } else {
                solo.url = url
            }
        } else if table["url"] == nil {
            issue(line, "\(path).url", "missing: the node's RPC URL, e.g. \"http://127.0.0.1:8332\"")
        }
        if let (address, addressLine) = string(table, "coinbase_addr", "\(path).coinbase_addr") {
            if let problem = SoloSettings.chains(ofAddress: address).problem {
                issue(addressLine, "\(path).coinbase_addr", problem)
            } else {
                solo.coinbaseAddress = address
            }
        } else if table["coinbase_addr"] == nil {
            issue(line, "\(path).coinbase_addr", "missing: the address the coinbase pays (solo mining)")
        }
        if let (cookie, cookieLine) = string(table, "rpc_cookie_file", "\(path).rpc_cookie_file") {
            if cookie.isEmpty { issue(cookieLine, "\(path).rpc_cookie_file", "must not be empty") } else { solo.cookieFile = cookie }
        }
        if let seconds = number(table, "poll_interval", "\(path).poll_interval", 0.1...3600) {
            solo.pollInterval = .milliseconds(Int64((seconds * 1000).rounded()))
        }
        solo.tlsFingerprintSHA256 = tlsFingerprint(table, path: path)
        if let value = bool(table, "allow_self_signed", "\(path).allow_self_signed") { solo.allowSelfSigned = value }
        return issues.count == before ? solo : nil
    }
}
