import ArgumentParser
import Foundation
import Logging
import MinerDaemon
import ServiceLifecycle
import StratumClient

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Mine against a Stratum v1 pool until SIGINT/SIGTERM.")

    @Option(name: [.customShort("o"), .long], help: "Pool URL: stratum+tcp://HOST:PORT (stratum+ssl/tls/tcps for TLS). Repeat for failover pools.")
    var url: [String] = []

    @Option(name: [.customShort("u"), .long], help: "Pool user (usually ADDRESS.WORKER).")
    var user: String?

    @Option(name: [.customShort("p"), .long], help: "Pool password.")
    var password: String = "x"

    @Option(name: [.customShort("t"), .long], help: "Hashing threads (default: one per core).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "auto, swift, shani, avx2 or avx512.")
    var kernel: String = "auto"

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard !url.isEmpty else { throw ValidationError("a pool is needed: -o stratum+tcp://HOST:PORT") }
        for pool in url where PoolEndpoint(url: pool) == nil {
            throw ValidationError("not a pool URL: \(pool) (expected stratum+tcp://HOST:PORT, or stratum+ssl:// for TLS)")
        }
        guard user?.isEmpty == false else { throw ValidationError("a pool user is needed: -u USER") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        guard KernelChoice(argument: kernel) != nil else {
            throw ValidationError("unknown kernel \(kernel): use auto, swift, shani, avx2 or avx512")
        }
    }

    func run() async throws {
        let logger = logging.bootstrap()
        let worker = WorkerSettings(name: "default", user: user!, password: password, threads: threads,
                                    pools: url.map { PoolConfiguration(url: $0) })
        let settings = MinerSettings(workers: [worker], kernel: KernelChoice(argument: kernel)!)
        let service: MinerService
        do {
            service = try MinerService(settings: settings, logger: logger)
        } catch {
            logger.critical("cannot start: \(error)")
            throw ExitCode.failure
        }
        let group = ServiceGroup(services: [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
    }
}

struct LoggingOptions: ParsableArguments {
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    /// Logs go to stderr (journald captures them under systemd).
    func bootstrap() -> Logger {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: "swiftminer")
    }
}
