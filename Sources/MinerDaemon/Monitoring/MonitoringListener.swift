import MonitoringAddresses
import NIOCore
import NIOPosix

/// The listening socket of a monitoring endpoint (`/metrics` or the cgminer API): the address it
/// was asked for, the port it got, and how to close it.
public final class MonitoringListener: Sendable {
    public let address: ListenAddress
    /// The port actually bound (differs from `address.port` when that is 0).
    public let port: Int
    private let channel: any Channel

    private init(address: ListenAddress, port: Int, channel: any Channel) {
        self.address = address
        self.port = port
        self.channel = channel
    }

    /// Binds `bootstrap` to `address`.
    static func bind(_ bootstrap: ServerBootstrap, to address: ListenAddress) async throws -> MonitoringListener {
        let channel = try await bootstrap.bind(host: address.host, port: address.port).get()
        return MonitoringListener(address: address, port: channel.localAddress?.port ?? address.port, channel: channel)
    }

    /// "host:port" (IPv6 in brackets) of the bound socket, for log lines.
    var display: String { ListenAddress.display(host: address.host, port: port) }

    public func stop() async {
        try? await channel.close()
    }
}
