import Foundation

/// Where a node's RPC listens: `http://HOST:PORT[/PATH]` or `https://…` (a TLS proxy in front of
/// bitcoind, which itself speaks plain HTTP only). Default ports: 8332 http, 443 https.
public struct NodeEndpoint: Sendable, Hashable, CustomStringConvertible {
    public let host: String
    public let port: Int
    public let usesTLS: Bool
    public let path: String

    public init(host: String, port: Int, usesTLS: Bool = false, path: String = "/") {
        self.host = host
        self.port = port
        self.usesTLS = usesTLS
        self.path = path.isEmpty ? "/" : path
    }

    public init?(url text: String) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty else { return nil }
        self.init(host: host, port: components.port ?? (scheme == "https" ? 443 : 8332), usesTLS: scheme == "https",
                  path: components.path)
    }

    public var description: String { "\(usesTLS ? "https" : "http")://\(host):\(port)\(path)" }
}
