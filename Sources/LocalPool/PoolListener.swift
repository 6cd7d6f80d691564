import NIOCore
import NIOPosix

/// The listening side every test pool shares (`LocalPool` for Stratum v1, `SV2LocalPool` for
/// Stratum V2): the socket bound with the same options, and the repeating timer that sends a new job.
struct PoolListener: Sendable {
    let server: any Channel
    /// The bound port (the ephemeral one when 0 was asked for).
    let port: Int
    let timer: RepeatedTask?

    /// Binds `host:port` (0: an ephemeral port); each accepted connection's pipeline is set up by
    /// `initialize` on its event loop. With `jobInterval` > 0 seconds, `newJob` runs that often.
    static func bind(group: any EventLoopGroup, host: String, port: Int, jobInterval: Double,
                     initialize: @escaping @Sendable (any Channel) throws -> Void,
                     newJob: @escaping @Sendable () -> Void) async throws -> PoolListener {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try initialize(channel) }
            }
        let server = try await bootstrap.bind(host: host, port: port).get()
        var timer: RepeatedTask? = nil
        if jobInterval > 0 {
            let interval = TimeAmount.nanoseconds(Int64(min(jobInterval, 365 * 86_400) * 1e9))
            timer = server.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in newJob() }
        }
        return PoolListener(server: server, port: server.localAddress?.port ?? port, timer: timer)
    }

    /// Stops the timer, closes the listening socket (when there is one), then every connection.
    static func close(_ listener: PoolListener?, connections: [any Channel]) async {
        listener?.timer?.cancel()
        try? await listener?.server.close()
        for channel in connections { try? await channel.close() }
    }
}
