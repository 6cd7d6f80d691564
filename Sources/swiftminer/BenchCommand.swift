import ArgumentParser
import Configuration
import Foundation
import MinerDaemon

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the hash rate (the kernel is checked against the reference first).")

    @Option(name: [.short, .long], help: "Hashing threads (default: one per core).")
    var threads: Int?

    @Option(help: "How long to measure, in seconds.")
    var seconds: Double = 5

    @Option(help: "auto, swift, shani, avx2, avx512, armsha2 or neon.", transform: KernelChoice.parse)
    var kernel: KernelChoice = .automatic

    @Flag(help: "Print one JSON object.")
    var json = false

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        guard seconds > 0, seconds <= 3600 else { throw ValidationError("--seconds must be in (0, 3600]") }
    }

    func run() async throws {
        let threads = threads ?? ProcessInfo.processInfo.activeProcessorCount
        let benchmark = Benchmark(threads: threads, seconds: seconds, kernel: kernel)
        let result: Benchmark.Result
        do {
            result = try await benchmark.run()
        } catch {
            FileHandle.standardError.write(Data("swiftminer bench: \(error)\n".utf8))
            throw ExitCode.failure
        }
        print(json ? result.json.serialized : result.summary)
    }
}
