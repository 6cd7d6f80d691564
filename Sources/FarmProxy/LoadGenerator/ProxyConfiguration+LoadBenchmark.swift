import FarmProxyCore
import MonitoringAddresses
import PoolSettings

extension ProxyConfiguration {
    /// The proxy `swiftminer proxy-bench` measures: on loopback before one plain-TCP pool, room
    /// for `connections` miners, every limit out of the way of the load (submit rate, idle and
    /// handshake timeouts), and the miners' difficulty held at `difficulty` (minimum = maximum,
    /// so vardiff never moves it and no job changes during the submit phase).
    public static func loadBenchmark(upstreamPort: Int, listenPort: Int = 0, connections: Int,
                                     difficulty: Double = 0x1p-40) throws -> ProxyConfiguration {
        var timers = ConnectionTimers()
        timers.idleTimeout = .seconds(86_400)
        timers.jobTimeout = nil
        return ProxyConfiguration(
            name: "proxy-bench", listen: try ListenAddress(host: "127.0.0.1", port: listenPort), user: "proxy-bench",
            pools: [PoolConfiguration(url: "stratum+tcp://127.0.0.1:\(upstreamPort)", difficultySuggestion: .off)],
            timers: timers, downstreamShareInterval: 3600, downstreamMinimumDifficulty: difficulty,
            downstreamMaximumDifficulty: difficulty, maximumDownstreams: max(connections, 1) + 16,
            handshakeTimeout: 600, idleTimeout: 86_400, maximumSubmitsPerSecond: 100_000)
    }
}
