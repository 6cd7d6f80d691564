import StratumProtocol

/// Pool URLs as the monitoring endpoints show them: never with credentials.
enum PoolURLText {
    /// `stratum+tcp://user:secret@pool:3333/x` → `stratum+tcp://pool:3333/x`.
    static func redacted(_ url: String) -> String {
        let authorityStart: String.Index
        if let scheme = url.range(of: "://") { authorityStart = scheme.upperBound } else { authorityStart = url.startIndex }
        let authorityEnd = url[authorityStart...].firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? url.endIndex
        guard let at = url[authorityStart..<authorityEnd].lastIndex(of: "@") else { return url }
        return String(url[..<authorityStart]) + String(url[url.index(after: at)...])
    }

    /// `stratum+tcp://pool.example:3333` → `pool.example` (cgminer's "Stratum URL").
    static func host(ofURL url: String) -> String {
        var rest = Substring(url)
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        if let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        guard let address = HostPort(rest) else { return String(rest) }
        return address.host.contains(":") ? "[\(address.host)]" : address.host
    }
}
