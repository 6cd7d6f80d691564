import MonitoringAddresses
import StratumProtocol

extension ConfigurationFile.Reader {
    /// `[metrics]`: the Prometheus endpoint; a non-loopback `listen` needs `allow_remote = true`.
    mutating func metrics(_ metrics: TOMLTable, into monitoring: inout MonitoringSettings) {
        checkKeys(metrics, known: ["enabled", "listen", "allow_remote"], prefix: "metrics")
        if let remote = bool(metrics, "allow_remote", "metrics.allow_remote") { monitoring.metricsAllowRemote = remote }
        if let enabled = bool(metrics, "enabled", "metrics.enabled") { monitoring.metricsEnabled = enabled }
        if let listen = listen(metrics, "listen", "metrics.listen") {
            monitoring.metricsListen = listen
            do {
                try ListenAddress.parse(listen).checkBindable(allowNonLoopback: monitoring.metricsAllowRemote)
            } catch {
                issue(metrics["listen"]?.line, "metrics.listen", "\(error) (set allow_remote = true)")
            }
        }
    }

    /// `[api]`: the cgminer-style API and its allow list.
    mutating func api(_ api: TOMLTable, into monitoring: inout MonitoringSettings) {
        checkKeys(api, known: ["enabled", "listen", "allow"], prefix: "api")
        if let enabled = bool(api, "enabled", "api.enabled") { monitoring.apiEnabled = enabled }
        if let listen = listen(api, "listen", "api.listen") { monitoring.apiListen = listen }
        if let node = api["allow"], let addresses = apiAllow(node) { monitoring.apiAllow = addresses }
    }

    /// `allow = ["ADDRESS[/PREFIX]", "W:…", …]`: the non-empty strings, each checked to be an entry.
    /// nil when `allow` is not an array.
    mutating func apiAllow(_ node: TOMLNode) -> [String]? {
        guard case .array(let items) = node.value else {
            issue(node.line, "api.allow", "expected an array of addresses, e.g. [\"127.0.0.1\"]")
            return nil
        }
        var addresses: [String] = []
        for (index, item) in items.enumerated() {
            if case .string(let address) = item.value, !address.isEmpty {
                addresses.append(address)
            } else {
                issue(item.line, "api.allow[\(index)]", "expected an address string, e.g. \"127.0.0.1\"")
            }
        }
        let invalid = APIAllowEntry.invalidEntries(addresses)
        if !invalid.isEmpty {
            issue(node.line, "api.allow", "not an address or ADDRESS/PREFIX (R:/W: optional): \(invalid.joined(separator: ", "))")
        }
        return addresses
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
}
