import ArgumentParser
import FarmProxy
import Foundation
import LocalPool
import Logging

/// `swiftminer proxy-bench`: the farm proxy under load on loopback. The proxy runs alone in a
/// child process (`proxy-bench-serve`, so its RSS is its own) before an in-process LocalPool whose
/// difficulty is so high that nothing is forwarded; N simulated miners connect to it, job
/// broadcasts are timed to every one of them, then they submit valid shares at a target rate.
/// A light sample runs through the proxy and straight against a LocalPool, for comparison.
struct ProxyBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proxy-bench",
        abstract: "Load-test the farm proxy on loopback: memory, notify fan-out, submit rate and latency.")

    @Option(help: "Simulated miners (one connection each).")
    var connections: Int = 1000

    @Option(help: "Clean jobs broadcast, one at a time, for the notify fan-out.")
    var rounds: Int = 20

    @Option(help: "Seconds of the submit phase (0: none).")
    var submitSeconds: Double = 10

    @Option(help: "Submits per second of all miners together.")
    var submitRate: Double = 6000

    @Option(help: "Miners of the light sample (0: no sample).")
    var sampleConnections: Int = 100

    @Option(help: "Submits per second of the light sample.")
    var sampleRate: Double = 500

    @Option(help: "Seconds of the light sample, through the proxy and straight to the pool each.")
    var sampleSeconds: Double = 3

    @Option(help: "Event loop threads of the simulated miners.")
    var threads: Int = 2

    @Flag(help: "Print one JSON object.")
    var json = false

    var options: ProxyLoadOptions {
        ProxyLoadOptions(connections: connections, rounds: rounds, submitSeconds: submitSeconds, submitRate: submitRate,
                         sampleConnections: sampleConnections, sampleRate: sampleRate, sampleSeconds: sampleSeconds)
    }

    /// The upstream pool's difficulty: a forwarded share is a 1 in 2^52 event.
    static let upstreamDifficulty = 1_048_576.0

    func validate() throws {
        if let problem = options.problems.first { throw ValidationError(problem) }
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be 1 to 64") }
    }

    func run() async throws {
        let logger = LoggingOptions(logLevel: .warning).bootstrap()
        FileDescriptorLimit.raise(toAtLeast: connections + max(sampleConnections, 0) + 256)
        let report: ProxyLoadReport
        do {
            report = try await ProxyLoadGenerator.withEventLoops(options: options, threads: threads) { generator in
                try await measure(generator: generator, logger: logger)
            }
        } catch {
            FileHandle.standardError.write(Data("swiftminer proxy-bench: \(error)\n".utf8))
            throw ExitCode.failure
        }
        print(json ? report.json.serialized : report.text)
        if !report.problems.isEmpty { throw ExitCode.failure }
    }

    /// The proxy phases, then the pool-direct sample (with the proxy already stopped). The pools
    /// run on NIO's shared event loops, the miners on the generator's own.
    private func measure(generator: ProxyLoadGenerator, logger: Logger) async throws -> ProxyLoadReport {
        let upstream = LocalPool(configuration: LocalPoolConfiguration(initialDifficulty: Self.upstreamDifficulty, jobInterval: 0),
                                 logger: logger)
        var report: ProxyLoadReport
        do {
            let upstreamPort = try await upstream.start()
            report = try await throughProxy(generator: generator, upstream: upstream, upstreamPort: upstreamPort)
        } catch {
            await upstream.stop()
            throw error
        }
        await upstream.stop()
        let direct = LocalPool(configuration: LocalPoolConfiguration(initialDifficulty: generator.options.difficulty, jobInterval: 0),
                               logger: logger)
        do {
            report.samplePoolDirect = try await generator.measureSample(port: try await direct.start())
        } catch {
            await direct.stop()
            throw error
        }
        await direct.stop()
        return report
    }

    private func throughProxy(generator: ProxyLoadGenerator, upstream: LocalPool, upstreamPort: Int) async throws -> ProxyLoadReport {
        let child = try await ProxyBenchChild.launch(upstreamPort: upstreamPort, connections: connections,
                                                     difficulty: generator.options.difficulty)
        var report: ProxyLoadReport
        do {
            report = try await generator.run(proxyPort: child.port, proxyPID: child.pid,
                                             newJob: { upstream.broadcastNewJob(clean: true).prevHash })
        } catch {
            let exit = child.exitDescription
            child.stop()
            if let exit { throw ProxyBenchChildError(message: "\(error) (the proxy process ended: \(exit))") }
            throw error
        }
        report.proxyExit = child.exitDescription
        child.stop()
        let stats = upstream.stats
        report.forwardedUpstream = stats.accepted + stats.rejected
        return report
    }
}
