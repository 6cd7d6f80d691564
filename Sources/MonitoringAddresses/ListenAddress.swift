#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import StratumProtocol

/// Where a monitoring endpoint listens: `127.0.0.1:9464`, `[::1]:4028`, `localhost:4028`.
///
/// The host must be an IP literal (or `localhost`, read as 127.0.0.1). Binding anywhere but
/// loopback (`0.0.0.0`, `::`, a LAN address) has to be allowed explicitly: see `checkBindable`.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// An IP literal, without brackets.
    public let host: String
    /// 0 asks the system for a free port (tests).
    public let port: Int

    public enum Error: Swift.Error, Hashable, CustomStringConvertible {
        case malformed(String)
        case nonLoopback(String)

        public var description: String {
            switch self {
            case .malformed(let text):
                "listen address \"\(text.prefix(100))\" is not HOST:PORT with HOST an IP address (e.g. 127.0.0.1:9464 or [::1]:9464)"
            case .nonLoopback(let text):
                "listen address \(text) is not a loopback address; exposing it to the network must be allowed explicitly in the configuration"
            }
        }
    }

    public init(host: String, port: Int) throws {
        guard (0...65535).contains(port), MonitoringIPAddress(host) != nil else { throw Error.malformed("\(host):\(port)") }
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT`; IPv6 hosts in brackets.
    public static func parse(_ text: String) throws -> ListenAddress {
        guard var address = HostPort(text.monitoringTrimmed) else { throw Error.malformed(text) }
        if address.host == "localhost" { address.host = "127.0.0.1" }
        guard MonitoringIPAddress(address.host) != nil else { throw Error.malformed(text) }
        return try ListenAddress(host: address.host, port: address.port)
    }

    /// 127.0.0.0/8 or ::1 (not the wildcard addresses).
    public var isLoopback: Bool { MonitoringIPAddress(host)?.isLoopback ?? false }

    /// Throws unless the address is loopback or `allowNonLoopback` says the configuration asked
    /// for it explicitly.
    public func checkBindable(allowNonLoopback: Bool) throws {
        if !isLoopback && !allowNonLoopback { throw Error.nonLoopback(description) }
    }

    public var description: String { HostPort(host: host, port: port).description }
}
