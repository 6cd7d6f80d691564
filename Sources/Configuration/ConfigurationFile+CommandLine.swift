import Foundation
import PoolSettings
import SoloMining

extension ConfigurationFile {
    /// The file's settings, or without a file the defaults (state paths from the environment),
    /// for the flags to go on top of.
    static func fileSettings(_ file: String?, environment: [String: String]) throws(ConfigurationErrors) -> MinerSettings {
        if let file { return try load(path: file, environment: environment) }
        return MinerSettings(workers: [], statusFile: StatePaths.statusFile(environment: environment),
                             shareLog: StatePaths.shareLog(environment: environment))
    }

    /// What `run` uses: the file (if any) with the flags on top, checked to have at least one
    /// worker with a user and a pool, or at least one `[[proxy]]` (checked when the file is read).
    public static func settings(file: String?, overrides: CommandLineOverrides,
                                environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(ConfigurationErrors) -> MinerSettings
    {
        var settings = try fileSettings(file, environment: environment)
        var issues = apply(overrides, to: &settings)
        issues += incompleteWorkerIssues(settings, origin: file ?? "command line")
        if !issues.isEmpty { throw ConfigurationErrors(issues) }
        return settings
    }

    /// Puts the flags on top of `settings`; returns what is wrong with the flags.
    static func apply(_ overrides: CommandLineOverrides, to settings: inout MinerSettings) -> [ConfigurationIssue] {
        var issues: [ConfigurationIssue] = []
        func flag(_ name: String, _ message: String) {
            issues.append(ConfigurationIssue(file: "command line", line: nil, key: name, message: message))
        }
        applyCoinbaseAddress(overrides, to: &settings, flag: flag)
        applyFirstWorker(overrides, to: &settings, flag: flag)
        if let threads = overrides.threads {
            if threads < 1 { flag("-t", "must be at least 1") }
            for index in settings.workers.indices { settings.workers[index].threads = threads }
        }
        if let kernel = overrides.kernel { settings.kernel = kernel }
        if let path = overrides.statusFile { settings.statusFile = path.isEmpty ? nil : path }
        if let path = overrides.shareLog { settings.shareLog = path.isEmpty ? nil : path }
        if let level = overrides.logLevel { settings.logLevel = level }
        return issues
    }

    /// `--coinbase-addr` without `-o http://…`: the file's solo worker's payout address (an error
    /// when the first worker does not mine solo).
    static func applyCoinbaseAddress(_ overrides: CommandLineOverrides, to settings: inout MinerSettings,
                                     flag: (String, String) -> Void) {
        guard let address = overrides.coinbaseAddress, !overrides.urls.contains(where: SoloSettings.isNodeURL) else { return }
        if settings.workers.first?.solo == nil {
            flag("--coinbase-addr", "only for solo mining: give the node's URL with -o http://HOST:PORT")
        } else {
            settings.workers[0].solo?.coinbaseAddress = address
        }
    }

    /// `-o`, `-u`, `-p`: the first worker's pools (or solo node) and login; the worker is created
    /// when the file has none.
    static func applyFirstWorker(_ overrides: CommandLineOverrides, to settings: inout MinerSettings,
                                 flag: (String, String) -> Void) {
        guard !overrides.urls.isEmpty || overrides.user != nil || overrides.password != nil else { return }
        if settings.workers.isEmpty {
            settings.workers.append(WorkerSettings(name: "default", user: "", password: "x",
                                                   threads: overrides.threads ?? ProcessInfo.processInfo.activeProcessorCount,
                                                   pools: []))
        }
        if overrides.urls.contains(where: SoloSettings.isNodeURL) {
            applySoloOverrides(overrides, to: &settings.workers[0], flag: flag)
        } else if !overrides.urls.isEmpty {
            for url in overrides.urls {
                if let problem = ConfigurationFile.poolURLProblem(url) { flag("-o", problem) }
            }
            settings.workers[0].pools = overrides.urls.map { PoolConfiguration(url: $0) }
            settings.workers[0].solo = nil
        }
        if let user = overrides.user { settings.workers[0].user = user }
        if let password = overrides.password { settings.workers[0].password = password }
    }

    /// `-o http://…`: the first worker mines solo against that node (one node, no failover list).
    static func applySoloOverrides(_ overrides: CommandLineOverrides, to worker: inout WorkerSettings,
                                   flag: (String, String) -> Void) {
        guard overrides.urls.count == 1, let url = overrides.urls.first else {
            flag("-o", "solo mining takes exactly one node URL (no failover list, no Stratum pools beside it)")
            return
        }
        if NodeEndpoint(url: url) == nil { flag("-o", ConfigurationFile.nodeURLExpected) }
        var solo = worker.solo ?? SoloSettings(url: url, coinbaseAddress: "")
        solo.url = url
        if let address = overrides.coinbaseAddress { solo.coinbaseAddress = address }
        worker.solo = solo
        worker.pools = []
    }

    /// Neither a worker nor a proxy, or a worker that cannot start: no pool, no user, or an
    /// incomplete solo setup.
    static func incompleteWorkerIssues(_ settings: MinerSettings, origin: String) -> [ConfigurationIssue] {
        var issues: [ConfigurationIssue] = []
        if settings.workers.isEmpty && settings.proxies.isEmpty {
            issues.append(ConfigurationIssue(file: origin, line: nil, key: "worker",
                                             message: "no worker: add a [[worker]] with a [[worker.pool]] "
                                                 + "(or a [[proxy]] with a [[proxy.pool]]), or give -o URL -u USER"))
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
        return issues
    }

    /// What a solo worker needs to start: a usable URL, an address valid on some chain, a login.
    static func soloIssues(_ solo: SoloSettings, worker: WorkerSettings, index: Int, origin: String) -> [ConfigurationIssue] {
        var issues: [ConfigurationIssue] = []
        func issue(_ key: String, _ message: String) {
            issues.append(ConfigurationIssue(file: origin, line: nil, key: "worker[\(index)].\(key)", message: message))
        }
        if NodeEndpoint(url: solo.url) == nil { issue("pool[0].url", ConfigurationFile.nodeURLExpected) }
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
