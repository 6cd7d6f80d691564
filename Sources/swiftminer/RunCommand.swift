import ArgumentParser
import Configuration
import Foundation
import Logging
import MinerDaemon
import ServiceLifecycle
import StratumClient

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Mine against a Stratum v1 pool (or solo against a node) until SIGINT/SIGTERM (SIGHUP reloads the config file).")

    @Option(help: "TOML configuration file (see Config/swiftminer.toml). Flags given on the command line override it.")
    var config: String?

    @Option(name: [.customShort("o"), .long], help: "Pool URL: stratum+tcp://HOST:PORT (stratum+ssl/tls/tcps for TLS). Repeat for failover pools. Replaces the first worker's pools. http(s)://HOST:PORT mines solo against that node (with --coinbase-addr).")
    var url: [String] = []

    @Option(name: [.customShort("u"), .long], help: "Pool user (usually ADDRESS.WORKER); for solo mining the node's rpcuser.")
    var user: String?

    @Option(name: [.customShort("p"), .long], help: "Pool password (default: x).")
    var password: String?

    @Option(name: .customLong("coinbase-addr"), help: "Solo mining: the address the coinbase pays (checked against the node's chain).")
    var coinbaseAddress: String?

    @Option(name: [.customShort("t"), .long], help: "Hashing threads per worker (default: one per core).")
    var threads: Int?

    @Option(help: "auto, swift, shani, avx2, avx512, armsha2 or neon (default: auto).", transform: KernelChoice.parse)
    var kernel: KernelChoice?

    @OptionGroup var files: DaemonFileOptions

    var overrides: CommandLineOverrides {
        CommandLineOverrides(urls: url, user: user, password: password, threads: threads, kernel: kernel,
                             statusFile: files.statusFile, shareLog: files.shareLog, logLevel: files.logLevel, coinbaseAddress: coinbaseAddress)
    }

    func run() async throws {
        let file = config, overrides = self.overrides
        try await runDaemon { () throws(ConfigurationErrors) in try ConfigurationFile.settings(file: file, overrides: overrides) }
    }
}

/// The daemon, as `run` and `proxy` start it: the settings from `load` (on errors: each on
/// stderr, exit 78), logging, then the service until SIGTERM/SIGINT; SIGHUP calls `load` again.
func runDaemon(_ load: @escaping @Sendable () throws(ConfigurationErrors) -> MinerSettings) async throws {
    // Before anything else: a SIGHUP that comes early must not kill the daemon (MinerService
    // traps it with UnixSignals once it runs).
    signal(SIGHUP, SIG_IGN)
    let settings: MinerSettings
    do {
        settings = try load()
    } catch {
        for issue in error.issues { FileHandle.standardError.write(Data("\(issue)\n".utf8)) }
        FileHandle.standardError.write(Data("refusing to start: \(error.issues.count) configuration error(s)\n".utf8))
        throw ExitCode(78)  // EX_CONFIG
    }
    let logger = LoggingOptions(logLevel: settings.logLevel).bootstrap()
    let service: MinerService
    do {
        service = try MinerService(settings: settings, logger: logger, handleSIGHUP: true) { try load() }
    } catch {
        logger.critical("cannot start: \(error)")
        throw ExitCode.failure
    }
    let group = ServiceGroup(services: [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
    try await group.run()
}

struct LoggingOptions: ParsableArguments {
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    init() {}
    init(logLevel: Logger.Level) { self.logLevel = logLevel }

    /// Logs go to stderr (journald captures them under systemd).
    func bootstrap() -> Logger {
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: "swiftminer")
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
