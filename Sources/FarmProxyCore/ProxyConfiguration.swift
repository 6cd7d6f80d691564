import MonitoringAddresses
import PoolSettings

/// One farm proxy (`[[proxy]]`, or `swiftminer proxy`): where miners connect, who may, the one
/// upstream login and its failover pools, and the limits every downstream connection lives under.
/// The upstream password is never logged.
public struct ProxyConfiguration: Sendable {
    /// Our label (logs, status, metrics).
    public var name: String
    /// Where miners connect. Loopback by default; any other address needs `allow`.
    public var listen: ListenAddress
    /// Non-loopback clients allowed to connect, as `ADDRESS/PREFIX` (CIDR) entries. Loopback
    /// clients are always allowed.
    public var allow: [String]
    /// The upstream login (one identity for the whole farm) and its password.
    public var user: String
    public var password: String
    /// The upstream pools in failover order.
    public var pools: [PoolConfiguration]
    /// The upstream connection's timers (the `[[worker]]` timer keys).
    public var timers: ConnectionTimers
    /// Seconds per share each downstream's difficulty aims at (`downstream_share_interval`).
    public var downstreamShareInterval: Double
    /// Bounds of a downstream's difficulty (`downstream_min_difficulty`, `downstream_max_difficulty`);
    /// a miner's `mining.suggest_difficulty` is honoured within them.
    public var downstreamMinimumDifficulty: Double
    public var downstreamMaximumDifficulty: Double
    /// Seconds downstream connections stay open while no upstream pool is up (`hold_downstreams`);
    /// then they are closed so the miners use their own backup pools.
    public var holdDownstreams: Double
    /// Most downstream connections at once (`max_downstreams`); more are refused at accept.
    public var maximumDownstreams: Int
    /// Longest line a downstream may send (`max_line_length`); a longer one closes it.
    public var maximumLineLength: Int
    /// Seconds a new connection has to subscribe and authorize (`handshake_timeout`).
    public var handshakeTimeout: Double
    /// Seconds of silence after which a downstream is closed (`downstream_idle_timeout`).
    public var idleTimeout: Double
    /// Submits per second one connection may sustain (`max_submits_per_second`), with a burst of
    /// ten seconds' worth; submits above it are refused and counted.
    public var maximumSubmitsPerSecond: Double
    /// Malformed lines (not JSON, not an object, bad params) after which a downstream is closed.
    public var maximumInvalidLines: Int
    /// Bytes of upstream extranonce2 given to each downstream as its unique prefix
    /// (`extranonce_prefix_size`): 2 bytes number 65 536 connections.
    public var extranoncePrefixSize: Int
    /// The smallest extranonce2 a downstream is left with; a pool whose extranonce2 cannot be
    /// split into prefix and this is refused.
    public var minimumDownstreamExtranonce2Size: Int

    public static let defaultListen = try! ListenAddress(host: "127.0.0.1", port: 3333)

    public init(name: String = "proxy", listen: ListenAddress = Self.defaultListen, allow: [String] = [],
                user: String, password: String = "x", pools: [PoolConfiguration], timers: ConnectionTimers = ConnectionTimers(),
                downstreamShareInterval: Double = 5, downstreamMinimumDifficulty: Double = 0.001,
                downstreamMaximumDifficulty: Double = 1e15, holdDownstreams: Double = 60, maximumDownstreams: Int = 1024,
                maximumLineLength: Int = 16_384, handshakeTimeout: Double = 30, idleTimeout: Double = 600,
                maximumSubmitsPerSecond: Double = 100, maximumInvalidLines: Int = 5, extranoncePrefixSize: Int = 2,
                minimumDownstreamExtranonce2Size: Int = 2) {
        self.name = name
        self.listen = listen
        self.allow = allow
        self.user = user
        self.password = password
        self.pools = pools
        self.timers = timers
        self.downstreamShareInterval = downstreamShareInterval
        self.downstreamMinimumDifficulty = downstreamMinimumDifficulty
        self.downstreamMaximumDifficulty = downstreamMaximumDifficulty
        self.holdDownstreams = holdDownstreams
        self.maximumDownstreams = maximumDownstreams
        self.maximumLineLength = maximumLineLength
        self.handshakeTimeout = handshakeTimeout
        self.idleTimeout = idleTimeout
        self.maximumSubmitsPerSecond = maximumSubmitsPerSecond
        self.maximumInvalidLines = maximumInvalidLines
        self.extranoncePrefixSize = extranoncePrefixSize
        self.minimumDownstreamExtranonce2Size = minimumDownstreamExtranonce2Size
    }

    /// Problems that make the configuration unusable, in words (empty: usable). A non-loopback
    /// `listen` without `allow` is one.
    public var problems: [String] {
        var found: [String] = []
        if !listen.isLoopback && allow.isEmpty {
            found.append("listen \(listen) is not a loopback address: list the miners' networks in allow (CIDR, e.g. [\"10.0.0.0/8\"])")
        }
        // cgminer's R:/W: marks mean nothing here.
        for entry in allow where APIAllowEntry(entry) == nil || ["R:", "W:"].contains(entry.prefix(2).uppercased()) {
            found.append("allow entry \"\(entry.prefix(64))\" is not ADDRESS/PREFIX (e.g. 10.0.0.0/8)")
        }
        if pools.isEmpty { found.append("no upstream pool: at least one [[proxy.pool]] with a url") }
        if user.isEmpty { found.append("user (the upstream login) must not be empty") }
        if !(downstreamShareInterval > 0 && downstreamShareInterval <= 3600) {
            found.append("downstream_share_interval must be in (0, 3600] seconds")
        }
        if !(downstreamMinimumDifficulty > 0 && downstreamMinimumDifficulty <= downstreamMaximumDifficulty
             && downstreamMaximumDifficulty.isFinite) {
            found.append("downstream_min_difficulty must be positive and not above downstream_max_difficulty")
        }
        if !(1...8).contains(extranoncePrefixSize) {
            found.append("extranonce_prefix_size must be 1 to 8 bytes")
        } else if extranoncePrefixSize < 8, maximumDownstreams > 1 << (8 * extranoncePrefixSize) {
            found.append("max_downstreams \(maximumDownstreams) is more than a \(extranoncePrefixSize)-byte extranonce prefix can number "
                         + "(\(1 << (8 * extranoncePrefixSize)))")
        }
        return found
    }

    /// Whether a client at `address` (an IP literal) may connect.
    public func allows(clientAddress address: String) -> Bool {
        guard let client = MonitoringIPAddress(address) else { return false }
        if client.isLoopback { return true }
        return allow.contains { APIAllowEntry($0)?.matches(client) ?? false }
    }
}
