/// Where a `client.reconnect` may take us. Pure.
///
/// - No host, or the configured host: followed, on any port.
/// - Another host: followed when it lies within the configured host's registrable domain (the
///   idea of cgminer's `parse_reconnect`, which requires the part of both names after the first
///   dot to be equal; we compare the registrable domains, so `eu.pool.example.com` may move us to
///   `us.pool.example.com` or `pool.example.com`), or when the pool's configuration allows any host.
/// - Otherwise refused: we reconnect to the configured pool (after the pool's wait all the same).
public struct ReconnectTarget: Sendable, Hashable {
    /// The host to connect to instead of the configured one (nil: the configured host).
    public var host: String?
    /// The port to use instead of the configured one (nil: the configured port).
    public var port: Int?
    /// Whether the pool's host/port were followed (false: refused, back to the configured pool).
    public var followed: Bool

    public init(host: String?, port: Int?, followed: Bool) {
        self.host = host
        self.port = port
        self.followed = followed
    }

    /// Decides a redirect to `host`/`port` for a pool configured at `configuredHost` and now
    /// connected to `currentHost` (they differ after an earlier redirect).
    public static func decide(host: String?, port: Int?, configuredHost: String, currentHost: String,
                              allowAnyHost: Bool) -> ReconnectTarget {
        // A port-only redirect keeps the host we are on.
        let wanted = (host ?? currentHost).lowercased()
        let configured = configuredHost.lowercased()
        let mayFollow = allowAnyHost || wanted == configured || wanted == currentHost.lowercased()
            || sameRegistrableDomain(wanted, configured)
        guard mayFollow else { return ReconnectTarget(host: nil, port: nil, followed: false) }
        return ReconnectTarget(host: wanted == configured ? nil : wanted, port: port, followed: true)
    }

    /// Second-level labels under a two-letter country code that are public suffixes themselves
    /// (`pool.example.co.uk` is registered as `example.co.uk`). A short list, not the Public Suffix
    /// List: a name it misses only makes the check stricter for that name.
    static let countrySecondLevels: Set<String> = ["co", "com", "net", "org", "ac", "gov", "edu", "or", "ne", "go"]

    /// The registrable domain of a host name (nil for an IP address or a single label).
    static func registrableDomain(_ host: String) -> String? {
        var name = Substring(host.lowercased())
        if name.hasSuffix(".") { name = name.dropLast() }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty }), !name.contains(":") else { return nil }
        if labels.allSatisfy({ UInt8($0) != nil }) { return nil }  // IPv4 literal
        var count = 2
        if labels.count >= 3, labels[labels.count - 1].count == 2, countrySecondLevels.contains(String(labels[labels.count - 2])) {
            count = 3
        }
        return labels.suffix(count).joined(separator: ".")
    }

    static func sameRegistrableDomain(_ a: String, _ b: String) -> Bool {
        guard let left = registrableDomain(a), let right = registrableDomain(b) else { return false }
        return left == right
    }
}
