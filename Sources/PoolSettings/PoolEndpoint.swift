import StratumProtocol

/// Where a pool listens: parsed from `stratum+tcp://host:port` (plain) or `stratum+ssl://`,
/// `stratum+tls://`, `stratum+tcps://` (TLS), or `stratum2+tcp://host:port/KEY` (Stratum V2, its
/// Noise-encrypted transport authenticated by the pool's authority key). A URL without a scheme is
/// plain Stratum v1 over TCP.
public struct PoolEndpoint: Sendable, Hashable, CustomStringConvertible {
    public var scheme: String
    public var host: String
    public var port: Int
    public var useTLS: Bool
    /// Set for a Stratum V2 pool (and only then): the key its certificate must be signed with.
    public var authorityKey: SV2AuthorityKey?

    public init(scheme: String, host: String, port: Int, useTLS: Bool, authorityKey: SV2AuthorityKey? = nil) {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.useTLS = useTLS
        self.authorityKey = authorityKey
    }

    public static let plainSchemes: Set<String> = ["stratum+tcp", "stratum"]
    public static let tlsSchemes: Set<String> = ["stratum+ssl", "stratum+tls", "stratum+tcps"]
    /// Stratum V2 (sv2-spec §4.7): the path is the pool's base58check authority key.
    public static let stratumV2Schemes: Set<String> = ["stratum2+tcp"]

    /// Why a pool URL is refused, in words for check-config and the log.
    public enum URLError: Error, Hashable, CustomStringConvertible {
        case unknownScheme(String)
        case unexpectedPath
        case invalidAddress
        case missingAuthorityKey
        case authorityKey(SV2AuthorityKey.ParseError)

        public var description: String {
            switch self {
            case .unknownScheme(let s): "unknown scheme \"\(s)\" (stratum+tcp, stratum+ssl or stratum2+tcp)"
            case .unexpectedPath: "a Stratum v1 URL has no path"
            case .invalidAddress: "expected host:port"
            case .missingAuthorityKey:
                "a stratum2+tcp URL ends with the pool's authority key: stratum2+tcp://HOST:PORT/KEY"
            case .authorityKey(let why): "\(why)"
            }
        }
    }

    public init?(url: String) {
        guard case .success(let endpoint) = Self.parse(url) else { return nil }
        self = endpoint
    }

    /// The endpoint, or why the URL is refused.
    public static func parse(_ url: String) -> Result<PoolEndpoint, URLError> {
        var rest = Substring(url.trimmingWhitespace())
        var scheme = "stratum+tcp"
        if let range = rest.range(of: "://") {
            scheme = rest[..<range.lowerBound].lowercased()
            rest = rest[range.upperBound...]
        }
        let isV2 = stratumV2Schemes.contains(scheme)
        guard isV2 || tlsSchemes.contains(scheme) || plainSchemes.contains(scheme) else {
            return .failure(.unknownScheme(scheme))
        }
        var path = Substring("")
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        var authorityKey: SV2AuthorityKey?
        if isV2 {
            while path.last == "/" { path.removeLast() }
            guard !path.isEmpty else { return .failure(.missingAuthorityKey) }
            do {
                authorityKey = try SV2AuthorityKey(base58: String(path))
            } catch {
                return .failure(.authorityKey(error))
            }
        } else if !path.allSatisfy({ $0 == "/" }) {
            return .failure(.unexpectedPath)
        }
        guard let address = HostPort(rest), address.host.utf8.count <= 255,
              !address.host.contains(where: { $0 == " " || $0 == "@" }), address.port > 0 else {
            return .failure(.invalidAddress)
        }
        return .success(PoolEndpoint(scheme: scheme, host: address.host, port: address.port,
                                     useTLS: tlsSchemes.contains(scheme), authorityKey: authorityKey))
    }

    /// A Stratum V2 pool (its transport is Noise, never TLS).
    public var isStratumV2: Bool { authorityKey != nil }

    /// The status file's and metrics' name for the protocol: "stratum-v1" or "stratum-v2".
    public var protocolName: String { isStratumV2 ? "stratum-v2" : "stratum-v1" }

    /// The protocol a configured URL speaks: a pool's ("stratum-v1", "stratum-v2"), or
    /// "getblocktemplate" for anything else (a solo node's http:// URL).
    public static func protocolName(url: String) -> String {
        PoolEndpoint(url: url)?.protocolName ?? "getblocktemplate"
    }

    /// The URL again, in canonical form.
    public var url: String {
        "\(scheme)://\(HostPort(host: host, port: port).description)" + (authorityKey.map { "/\($0.base58)" } ?? "")
    }

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
