import ArgumentParser
import Configuration
import MinerDaemon

@main
struct SwiftMiner: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swiftminer",
        abstract: "A Stratum v1 SHA-256d mining client.",
        version: SwiftMinerVersion.string,
        subcommands: [RunCommand.self, ProxyCommand.self, DemoCommand.self, StatusCommand.self, BenchCommand.self, VerifyShareCommand.self,
                      CheckConfigCommand.self, ProxyBenchCommand.self, ProxyBenchServeCommand.self])
}
