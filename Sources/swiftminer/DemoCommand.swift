import ArgumentParser
import Configuration
import Foundation
import MinerDaemon

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Start an embedded pool on 127.0.0.1 and mine against it (Ctrl-C to stop).")

    @Option(help: "Stop after this many seconds (default: run until Ctrl-C).")
    var seconds: Double?

    @Option(name: [.short, .long], help: "Hashing threads (default: one per core).")
    var threads: Int?

    @Option(help: "auto, swift, shani, avx2, avx512, armsha2 or neon.", transform: KernelChoice.parse)
    var kernel: KernelChoice = .automatic

    @Option(help: "A configuration file: its [metrics] and [api] sections (and status_file / share_log) are used.")
    var config: String?

    @Flag(name: .customLong("stratum-v2"), help: "Mine against an embedded Stratum V2 pool (encrypted, authenticated) instead of v1.")
    var stratumV2 = false

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if let seconds, !(seconds > 0) { throw ValidationError("--seconds must be positive") }
    }

    func run() async throws {
        let logger = logging.bootstrap()
        let threads = threads ?? ProcessInfo.processInfo.activeProcessorCount
        var demo = Demo(threads: threads, seconds: seconds, kernel: kernel)
        demo.stratumV2 = stratumV2
        if let config {
            do {
                let settings = try ConfigurationFile.load(path: config)
                demo.monitoring = settings.monitoring
                demo.statusFile = settings.statusFile
                demo.shareLog = settings.shareLog
            } catch {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                throw ExitCode(78)
            }
        }
        let summary: Demo.Summary
        do {
            summary = try await demo.run(logger: logger) { line in print(line) }
        } catch {
            logger.critical("demo failed: \(error)")
            throw ExitCode.failure
        }
        let c = summary.minerCounters
        print("demo finished: pool accepted \(summary.poolAccepted), rejected \(summary.poolRejected); "
              + "miner counted accepted \(c.accepted), rejected \(c.rejected), stale \(c.stale), lost \(c.lost), pending \(c.pending)")
        if summary.poolRejected > 0 && c.stale < UInt64(summary.poolRejected) { throw ExitCode.failure }
    }
}
