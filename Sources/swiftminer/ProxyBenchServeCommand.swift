import ArgumentParser
import Configuration
import FarmProxy
import FarmProxyCore
import Foundation

/// The proxy side of `proxy-bench`, run by it as a child process: a `FarmProxy` with the load
/// benchmark's configuration, logging warnings only. Prints "listening PORT" once it listens,
/// then serves until stopped, or until its parent is gone.
struct ProxyBenchServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proxy-bench-serve",
        abstract: "The farm proxy as proxy-bench runs it (internal).",
        shouldDisplay: false)

    @Option(help: "The upstream pool's port on 127.0.0.1.")
    var upstreamPort: Int

    @Option(help: "Where to listen on 127.0.0.1 (0: any free port).")
    var listenPort: Int = 0

    @Option(help: "Miners to make room for.")
    var connections: Int = 1000

    @Option(help: "The miners' difficulty (held fixed).")
    var difficulty: Double = 0x1p-40

    func run() async throws {
        let logger = LoggingOptions(logLevel: .warning).bootstrap()
        FileDescriptorLimit.raise(toAtLeast: connections + 256)
        let configuration = try ProxyConfiguration.loadBenchmark(upstreamPort: upstreamPort, listenPort: listenPort,
                                                                 connections: connections, difficulty: difficulty)
        let proxy = FarmProxy(configuration: configuration, userAgent: "swiftminer-proxy-bench/\(SwiftMinerVersion.string)",
                              logger: logger)
        let port = try await proxy.start()
        FileHandle.standardOutput.write(Data("listening \(port)\n".utf8))
        let parent = getppid()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await proxy.run() }
            group.addTask {
                // Orphaned (the bench died without stopping us): nothing is left to serve.
                while getppid() == parent { try await Task.sleep(for: .milliseconds(500)) }
            }
            _ = try await group.next()
            group.cancelAll()
        }
    }
}
