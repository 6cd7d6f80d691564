import StratumProtocol

/// Where a pool listens: parsed from `stratum+tcp://host:port` (plain) or `stratum+ssl://`,
/// `stratum+tls://`, `stratum+tcps://` (TLS). A URL without a scheme is plain TCP.
public struct PoolEndpoint: Sendable, Hashable, CustomStringConvertible {
    public var scheme: String
    public var host: String
    public var port: Int
    public var useTLS: Bool

    public init(scheme: String, host: String, port: Int, useTLS: Bool) {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.useTLS = useTLS
    }

    public static let plainSchemes: Set<String> = ["stratum+tcp", "stratum"]
    public static let tlsSchemes: Set<String> = ["stratum+ssl", "stratum+tls", "stratum+tcps"]

    public init?(url: String) {
        var rest = Substring(url.trimmingWhitespace())
        var scheme = "stratum+tcp"
        if let range = rest.range(of: "://") {
            scheme = rest[..<range.lowerBound].lowercased()
            rest = rest[range.upperBound...]
        }
        let useTLS: Bool
        if Self.tlsSchemes.contains(scheme) {
            useTLS = true
        } else if Self.plainSchemes.contains(scheme) {
            useTLS = false
        } else {
            return nil
        }
        if let slash = rest.firstIndex(of: "/") {
            guard rest[slash...].allSatisfy({ $0 == "/" }) else { return nil }
            rest = rest[..<slash]
        }
        guard let address = HostPort(rest), address.host.utf8.count <= 255,
              !address.host.contains(where: { $0 == " " || $0 == "@" }), address.port > 0 else { return nil }
        self.init(scheme: scheme, host: address.host, port: address.port, useTLS: useTLS)
    }

    /// The URL again, in canonical form.
    public var url: String { "\(scheme)://\(HostPort(host: host, port: port).description)" }

    public var description: String { url }

    /// True for a literal IPv4/IPv6 address (no SNI is sent for those).
    package var isIPAddress: Bool {
        if host.contains(":") { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { UInt8($0) != nil }
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> Substring {
        var s = Substring(self)
        while let first = s.first, first.isWhitespace { s.removeFirst() }
        while let last = s.last, last.isWhitespace { s.removeLast() }
        return s
    }
}
