import PoolSettings

extension ConfigurationFile.Reader {
    /// The keys of a `[[worker]]` besides its timers.
    static let workerKeys = ["name", "user", "password", "threads", "pool", "target_share_interval"]

    /// The `[[worker]]` list; worker names must differ.
    mutating func workers(_ node: TOMLNode, defaultThreads: Int) -> [WorkerSettings] {
        guard case .array(let items) = node.value, items.allSatisfy({ if case .table = $0.value { true } else { false } }) else {
            issue(node.line, "worker", "expected [[worker]] tables")
            return []
        }
        var workers: [WorkerSettings] = []
        var names: [String: Int] = [:]
        for (index, item) in items.enumerated() {
            guard case .table(let table) = item.value,
                  let worker = self.worker(table, index: index, line: item.line, defaultThreads: defaultThreads) else { continue }
            if let first = names[worker.name] {
                issue(table["name"]?.line ?? item.line, "worker[\(index)].name",
                      "duplicate worker name \"\(worker.name)\" (also worker[\(first)])")
            }
            names[worker.name] = index
            workers.append(worker)
        }
        return workers
    }

    /// One `[[worker]]`; nil when its name, login or pools are unusable (problems with its other
    /// keys are reported, and the worker is kept for the duplicate-name check).
    mutating func worker(_ table: TOMLTable, index: Int, line: Int, defaultThreads: Int) -> WorkerSettings? {
        let prefix = "worker[\(index)]"
        checkKeys(table, known: Self.workerKeys + Self.timerKeys.map(\.key), prefix: prefix)
        let name = workerName(table, index: index, prefix: prefix)
        let user = workerUser(table, prefix: prefix, line: line)
        let password = workerPassword(table, prefix: prefix)
        let threads = integer(table, "threads", "\(prefix).threads", 1...1024) ?? defaultThreads
        let targetShareInterval = number(table, "target_share_interval", "\(prefix).target_share_interval", 0...86_400,
                                         exclusiveLower: true)
        let timers = self.timers(table, prefix: prefix)
        let (pools, solo, poolsUsable) = workerPools(table, prefix: prefix, line: line)
        let soloLoginUsable = checkSoloLogin(solo, user: user ?? "", table: table, prefix: prefix, line: line)
        guard let name, let user, let password, poolsUsable, soloLoginUsable else { return nil }
        var settings = WorkerSettings(name: name, user: user, password: password, threads: threads, pools: pools)
        settings.solo = solo
        if let targetShareInterval { settings.targetShareInterval = targetShareInterval }
        settings.timers = timers
        return settings
    }

    /// A worker's `name`: "default" for the first worker and "workerN" after when absent.
    mutating func workerName(_ table: TOMLTable, index: Int, prefix: String) -> String? {
        label(table, prefix: prefix, absent: index == 0 ? "default" : "worker\(index)")
    }

    /// `name` (of a worker or a proxy): 1 to 64 characters without spaces; `absent` when absent
    /// (or not a string, reported). nil: not usable.
    mutating func label(_ table: TOMLTable, prefix: String, absent: String) -> String? {
        guard let (value, line) = string(table, "name", "\(prefix).name") else { return absent }
        if value.isEmpty || value.count > 64 || value.contains(where: { $0.isNewline || $0.isWhitespace }) {
            issue(line, "\(prefix).name", "must be 1 to 64 characters without spaces")
            return nil
        }
        return value
    }

    /// `user`: required and not empty, except for a solo node (whose cookie file may replace it).
    /// "": absent; nil: not usable.
    mutating func workerUser(_ table: TOMLTable, prefix: String, line: Int) -> String? {
        if let (value, valueLine) = string(table, "user", "\(prefix).user") {
            guard !value.isEmpty else {
                issue(valueLine, "\(prefix).user", "must not be empty")
                return nil
            }
            return value
        }
        guard table["user"] == nil else { return nil }  // not a string: reported
        if !hasSoloPool(table) {
            issue(line, "\(prefix).user", "missing: the pool login (usually ADDRESS.WORKER)")
            return nil
        }
        return ""
    }

    /// `password`: "x" when absent; nil when not a string.
    mutating func workerPassword(_ table: TOMLTable, prefix: String) -> String? {
        if let (value, _) = string(table, "password", "\(prefix).password") { return value }
        return table["password"] == nil ? "x" : nil
    }

    /// `[[worker.pool]]`: the Stratum pools in failover order, or the solo node; `usable` is false
    /// when an entry was refused or none is given.
    mutating func workerPools(_ table: TOMLTable, prefix: String, line: Int)
        -> (pools: [PoolConfiguration], solo: SoloSettings?, usable: Bool)
    {
        guard let node = table["pool"] else {
            issue(line, "\(prefix).pool", "missing: at least one [[worker.pool]] with a url")
            return ([], nil, false)
        }
        guard case .array(let items) = node.value, items.allSatisfy({ if case .table = $0.value { true } else { false } }) else {
            issue(node.line, "\(prefix).pool", "expected [[worker.pool]] tables")
            return ([], nil, false)
        }
        var pools: [PoolConfiguration] = []
        var solo: SoloSettings?
        var usable = true
        for (poolIndex, item) in items.enumerated() {
            guard case .table(let entry) = item.value else { continue }
            let path = "\(prefix).pool[\(poolIndex)]"
            if Self.isSoloPool(entry) {
                if let parsed = soloPool(entry, path: path, line: item.line, poolCount: items.count) { solo = parsed } else { usable = false }
            } else if let parsed = pool(entry, path: path, line: item.line) {
                pools.append(parsed)
            } else {
                usable = false
            }
        }
        return (pools, solo, usable)
    }

    /// A solo node without a cookie file needs the worker's user and password as its RPC login.
    mutating func checkSoloLogin(_ solo: SoloSettings?, user: String, table: TOMLTable, prefix: String, line: Int) -> Bool {
        guard let solo, solo.cookieFile == nil, user.isEmpty || table["password"] == nil else { return true }
        issue(line, "\(prefix).user", "solo mining needs the node's RPC login: user and password, or rpc_cookie_file in the pool")
        return false
    }
}
