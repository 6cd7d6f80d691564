import ArgumentParser
import Configuration

/// `swiftminer proxy`: the daemon running the farm proxies only (the `[[proxy]]` tables of the
/// file, the first one changed or created by the flags); the file's `[[worker]]`s are not run.
struct ProxyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proxy",
        abstract: "Run the farm proxy: miners connect to it, it mines upstream with one login (until SIGINT/SIGTERM; SIGHUP reloads the config file).",
        discussion: "Runs the [[proxy]] tables of the configuration file, not its [[worker]]s (use run for those). The flags change the first [[proxy]], or make one when the file has none.")

    @Option(help: "TOML configuration file (see Config/swiftminer.toml). Flags given on the command line override its first [[proxy]].")
    var config: String?

    @Option(help: "Where miners connect, HOST:PORT with HOST an IP address (default: 127.0.0.1:3333). Any address but loopback needs --allow.")
    var listen: String?

    @Option(help: "A network whose miners may connect, ADDRESS/PREFIX (e.g. 10.0.0.0/8). Repeat for more. Replaces the proxy's allow list; loopback is always allowed.")
    var allow: [String] = []

    @Option(name: [.customShort("o"), .long], help: "Upstream pool URL: stratum+tcp://HOST:PORT (stratum+ssl/tls/tcps for TLS). Repeat for failover pools. Replaces the proxy's pools.")
    var url: [String] = []

    @Option(name: [.customShort("u"), .long], help: "Upstream pool user, one login for the whole farm (usually ADDRESS.NAME).")
    var user: String?

    @Option(name: [.customShort("p"), .long], help: "Upstream pool password (default: x).")
    var password: String?

    @OptionGroup var files: DaemonFileOptions

    var overrides: ProxyCommandLineOverrides {
        ProxyCommandLineOverrides(listen: listen, allow: allow, urls: url, user: user, password: password,
                                  statusFile: files.statusFile, shareLog: files.shareLog, logLevel: files.logLevel)
    }

    func run() async throws {
        let file = config, overrides = self.overrides
        try await runDaemon { () throws(ConfigurationErrors) in
            try ConfigurationFile.proxySettings(file: file, overrides: overrides)
        }
    }
}
