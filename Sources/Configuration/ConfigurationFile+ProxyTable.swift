import FarmProxyCore
import MonitoringAddresses
import PoolSettings

// The farm proxy (issue 24): `[[proxy]]` tables, beside or instead of `[[worker]]`.
extension ConfigurationFile.Reader {
    /// The downstream keys that are numbers of seconds (or per second, or a difficulty), their
    /// ranges and where each lands; `exclusiveLower`: the lower bound itself is refused.
    static var proxyNumberKeys: [(key: String, range: ClosedRange<Double>, exclusiveLower: Bool,
                                  field: WritableKeyPath<ProxyConfiguration, Double>)] { [
        ("downstream_share_interval", 0...3600, true, \.downstreamShareInterval),
        ("downstream_min_difficulty", 0...1e15, true, \.downstreamMinimumDifficulty),
        ("downstream_max_difficulty", 0...1e15, true, \.downstreamMaximumDifficulty),
        ("hold_downstreams", 0...86_400, false, \.holdDownstreams),
        ("handshake_timeout", 0...3600, true, \.handshakeTimeout),
        ("downstream_idle_timeout", 0...86_400, true, \.idleTimeout),
        ("max_submits_per_second", 0...1_000_000, true, \.maximumSubmitsPerSecond),
    ] }

    /// The downstream keys that are integers, their ranges and where each lands.
    static var proxyIntegerKeys: [(key: String, range: ClosedRange<Int64>, field: WritableKeyPath<ProxyConfiguration, Int>)] { [
        ("max_downstreams", 1...65_536, \.maximumDownstreams),
        ("max_line_length", 256...1_048_576, \.maximumLineLength),
        ("max_invalid_lines", 1...1_000_000, \.maximumInvalidLines),
        ("extranonce_prefix_size", 1...8, \.extranoncePrefixSize),
    ] }

    /// Every key of a `[[proxy]]`: its own, the downstream limits and the worker timer keys (for
    /// the upstream connection).
    static var proxyKeys: [String] {
        ["name", "listen", "allow", "user", "password", "pool"] + proxyNumberKeys.map(\.key) + proxyIntegerKeys.map(\.key)
            + timerKeys.map(\.key)
    }

    /// The `[[proxy]]` list: names differ, and no two listeners (the proxies, an enabled
    /// `[metrics]` or `[api]`) share an address.
    mutating func proxies(_ node: TOMLNode, monitoring: MonitoringSettings) -> [ProxyConfiguration] {
        guard case .array(let items) = node.value, items.allSatisfy({ if case .table = $0.value { true } else { false } }) else {
            issue(node.line, "proxy", "expected [[proxy]] tables")
            return []
        }
        var parsed: [(index: Int, listenLine: Int, proxy: ProxyConfiguration)] = []
        var names: [String: Int] = [:]
        for (index, item) in items.enumerated() {
            guard case .table(let table) = item.value, let proxy = self.proxy(table, index: index, line: item.line) else { continue }
            if let first = names[proxy.name] {
                issue(table["name"]?.line ?? item.line, "proxy[\(index)].name",
                      "duplicate proxy name \"\(proxy.name)\" (also proxy[\(first)])")
            } else {
                names[proxy.name] = index
            }
            parsed.append((index, table["listen"]?.line ?? item.line, proxy))
        }
        let clashes = ConfigurationFile.listenClashes(parsed.map(\.proxy), monitoring: monitoring) { "proxy[\(parsed[$0].index)]" }
        for (position, message) in clashes {
            issue(parsed[position].listenLine, "proxy[\(parsed[position].index)].listen", message)
        }
        return parsed.map(\.proxy)
    }

    /// One `[[proxy]]`. Every problem of `ProxyConfiguration.problems` is reported on its line
    /// (key `proxy[N]`). nil when its name or listen address is unusable; with other problems
    /// (reported) it is kept for the duplicate checks.
    mutating func proxy(_ table: TOMLTable, index: Int, line: Int) -> ProxyConfiguration? {
        let prefix = "proxy[\(index)]"
        checkKeys(table, known: Self.proxyKeys, prefix: prefix)
        let name = label(table, prefix: prefix, absent: index == 0 ? "proxy" : "proxy\(index)")
        let listen = proxyListen(table, prefix: prefix)
        var proxy = ProxyConfiguration(listen: listen ?? ProxyConfiguration.defaultListen,
                                       user: proxyUser(table, prefix: prefix, line: line),
                                       pools: proxyPools(table, prefix: prefix, line: line))
        if let allow = proxyAllow(table, prefix: prefix) { proxy.allow = allow }
        if let password = workerPassword(table, prefix: prefix) { proxy.password = password }
        proxy.timers = timers(table, prefix: prefix)
        downstreamLimits(table, prefix: prefix, into: &proxy)
        for problem in ConfigurationFile.problemsBesideLogin(of: proxy) { issue(line, prefix, problem) }
        guard let name, let listen else { return nil }
        proxy.name = name
        proxy.listen = listen
        return proxy
    }

    /// `listen = "HOST:PORT"` (an IP address, or localhost); the default when absent. nil: not usable.
    mutating func proxyListen(_ table: TOMLTable, prefix: String) -> ListenAddress? {
        guard table["listen"] != nil else { return ProxyConfiguration.defaultListen }
        guard let (text, line) = string(table, "listen", "\(prefix).listen") else { return nil }
        do {
            return try ListenAddress.parse(text)
        } catch {
            issue(line, "\(prefix).listen", "\(error)")
            return nil
        }
    }

    /// `allow = ["ADDRESS/PREFIX", …]`: the strings (each entry is checked by
    /// `ProxyConfiguration.problems`). nil when absent or not an array (reported).
    mutating func proxyAllow(_ table: TOMLTable, prefix: String) -> [String]? {
        guard let node = table["allow"] else { return nil }
        guard case .array(let items) = node.value else {
            issue(node.line, "\(prefix).allow", "expected an array of networks, e.g. [\"10.0.0.0/8\"]")
            return nil
        }
        var entries: [String] = []
        for (index, item) in items.enumerated() {
            if case .string(let entry) = item.value {
                entries.append(entry)
            } else {
                issue(item.line, "\(prefix).allow[\(index)]", "expected a network string, e.g. \"10.0.0.0/8\"")
            }
        }
        return entries
    }

    /// `user`: the upstream login, required and not empty. "" when unusable (reported).
    mutating func proxyUser(_ table: TOMLTable, prefix: String, line: Int) -> String {
        if let (value, valueLine) = string(table, "user", "\(prefix).user") {
            if value.isEmpty { issue(valueLine, "\(prefix).user", "must not be empty") }
            return value
        }
        if table["user"] == nil {
            issue(line, "\(prefix).user", "missing: the upstream pool login, one for the whole farm (usually ADDRESS.NAME)")
        }
        return ""
    }

    /// `[[proxy.pool]]`: the upstream Stratum pools in failover order (each as `[[worker.pool]]`,
    /// but `extranonce_subscribe` defaults to true and `suggest_difficulty` to false). Empty only
    /// when that was reported.
    mutating func proxyPools(_ table: TOMLTable, prefix: String, line: Int) -> [PoolConfiguration] {
        guard let node = table["pool"] else {
            issue(line, "\(prefix).pool", "missing: at least one [[proxy.pool]] with a url")
            return []
        }
        guard case .array(let items) = node.value, !items.isEmpty,
              items.allSatisfy({ if case .table = $0.value { true } else { false } }) else {
            issue(node.line, "\(prefix).pool", "expected [[proxy.pool]] tables, at least one")
            return []
        }
        var pools: [PoolConfiguration] = []
        for (poolIndex, item) in items.enumerated() {
            guard case .table(let entry) = item.value,
                  let pool = proxyPool(entry, path: "\(prefix).pool[\(poolIndex)]", line: item.line) else { continue }
            pools.append(pool)
        }
        return pools
    }

    /// One upstream pool of a proxy; a solo node (an http(s):// URL, `coinbase_addr`,
    /// `rpc_cookie_file`) is refused. nil when refused.
    mutating func proxyPool(_ table: TOMLTable, path: String, line: Int) -> PoolConfiguration? {
        if case .string(let url)? = table["url"]?.value, SoloSettings.isNodeURL(url) {
            issue(table["url"]?.line, "\(path).url", ConfigurationFile.proxySoloRefused)
            return nil
        }
        if let key = ["coinbase_addr", "rpc_cookie_file"].first(where: { table[$0] != nil }) {
            issue(table[key]?.line, "\(path).\(key)", ConfigurationFile.proxySoloRefused)
            return nil
        }
        guard var pool = pool(table, path: path, line: line) else { return nil }
        // The proxy hands out slices of the upstream extranonce2, so it wants to hear when it
        // changes; a suggestion from one hash rate means nothing for a whole farm.
        if table["extranonce_subscribe"] == nil { pool.extranonceSubscribe = true }
        if table["suggest_difficulty"] == nil { pool.difficultySuggestion = .off }
        // A Stratum V2 upstream must give the proxy a coinbase to split: an extended channel.
        if case .string("standard")? = table["sv2_channel"]?.value {
            issue(table["sv2_channel"]?.line, "\(path).sv2_channel",
                  "a proxy opens extended channels on a Stratum V2 pool (it hands out slices of the extranonce)")
            return nil
        }
        pool.stratumV2Channel = .extended
        return pool
    }

    /// The downstream keys (`downstream_*`, `hold_downstreams`, `max_*`, `handshake_timeout`,
    /// `extranonce_prefix_size`); a value out of its range is reported and the default kept.
    mutating func downstreamLimits(_ table: TOMLTable, prefix: String, into proxy: inout ProxyConfiguration) {
        for (key, range, exclusiveLower, field) in Self.proxyNumberKeys {
            if let value = number(table, key, "\(prefix).\(key)", range, exclusiveLower: exclusiveLower) { proxy[keyPath: field] = value }
        }
        for (key, range, field) in Self.proxyIntegerKeys {
            if let value = integer(table, key, "\(prefix).\(key)", range) { proxy[keyPath: field] = value }
        }
    }
}

extension ConfigurationFile {
    /// Why a proxy takes no solo node.
    static let proxySoloRefused = "a proxy forwards to Stratum pools only (stratum+tcp://, stratum+ssl:// or stratum2+tcp://); "
        + "solo mining against a node (http://, coinbase_addr) needs a [[worker]] of its own"

    /// `proxy.problems`, less a missing user or pool list: those are reported on their own keys
    /// (`proxy[N].user`, `proxy[N].pool`), with a hint that fits where they come from.
    static func problemsBesideLogin(of proxy: ProxyConfiguration) -> [String] {
        var probe = proxy
        if probe.user.isEmpty { probe.user = "stand-in" }
        if probe.pools.isEmpty { probe.pools = [PoolConfiguration(url: "stratum+tcp://127.0.0.1:3333")] }
        return probe.problems
    }

    /// Each proxy (by position) whose listen address another listener already takes: an enabled
    /// `[metrics]` or `[api]`, or an earlier proxy (`name` names a proxy by its position). A
    /// wildcard address (0.0.0.0, ::) takes its port on every address of its family (:: on both).
    static func listenClashes(_ proxies: [ProxyConfiguration], monitoring: MonitoringSettings,
                              name: (Int) -> String) -> [(position: Int, message: String)] {
        var taken: [(address: ListenAddress, owner: String)] = []
        if monitoring.metricsEnabled, let address = try? ListenAddress.parse(monitoring.metricsListen) {
            taken.append((address, "[metrics] listen"))
        }
        if monitoring.apiEnabled, let address = try? ListenAddress.parse(monitoring.apiListen) {
            taken.append((address, "[api] listen"))
        }
        var clashes: [(position: Int, message: String)] = []
        for (position, proxy) in proxies.enumerated() {
            if let other = taken.first(where: { listenersClash($0.address, proxy.listen) }) {
                clashes.append((position, "\(proxy.listen) is already taken by \(other.owner) (\(other.address)): "
                    + "each listener needs an address of its own"))
            }
            taken.append((proxy.listen, name(position)))
        }
        return clashes
    }

    /// Whether two listeners cannot both bind: the same port on the same address, or on a
    /// wildcard address of the same family (:: also takes IPv4). Port 0 (any free port) never clashes.
    static func listenersClash(_ one: ListenAddress, _ other: ListenAddress) -> Bool {
        guard one.port == other.port, one.port != 0,
              let first = MonitoringIPAddress(one.host), let second = MonitoringIPAddress(other.host) else { return false }
        if first == second { return true }
        func isWildcard(_ address: MonitoringIPAddress) -> Bool { address.bytes.allSatisfy { $0 == 0 } }
        guard isWildcard(first) || isWildcard(second) else { return false }
        return first.bytes.count == second.bytes.count || (isWildcard(first) && first.bytes.count == 16)
            || (isWildcard(second) && second.bytes.count == 16)
    }
}
