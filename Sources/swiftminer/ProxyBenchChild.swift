import Foundation

/// The proxy under test as a process of its own (`swiftminer proxy-bench-serve`, this same
/// executable), so that its memory is its own: started, its port read from its first line,
/// and stopped (SIGTERM, then SIGKILL) on every way out of the bench. Should the bench itself
/// die first, the child notices its parent is gone and exits.
final class ProxyBenchChild: @unchecked Sendable {
    private let process: Process
    let port: Int
    var pid: Int32 { process.processIdentifier }

    private init(process: Process, port: Int) {
        self.process = process
        self.port = port
    }

    /// Starts the child and waits (up to `timeout` seconds) for its "listening PORT" line.
    static func launch(upstreamPort: Int, connections: Int, difficulty: Double, timeout: Double = 30) async throws -> ProxyBenchChild {
        let process = Process()
        process.executableURL = executableURL()
        process.arguments = ["proxy-bench-serve", "--upstream-port", "\(upstreamPort)", "--connections", "\(connections)",
                             "--difficulty", "\(difficulty)"]
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let line = await firstLine(Unchecked(output.fileHandleForReading), process: Unchecked(process), timeout: timeout)
        let words = line.split(whereSeparator: \.isWhitespace)
        guard words.count >= 2, words[0] == "listening", let port = Int(words[1]) else {
            stop(process)
            throw ProxyBenchChildError(message: "the proxy process did not start (\(exitDescription(process) ?? "no port line"))")
        }
        return ProxyBenchChild(process: process, port: port)
    }

    /// This executable: the bench runs its own binary again.
    private static func executableURL() -> URL {
        #if os(Linux)
        URL(fileURLWithPath: "/proc/self/exe")
        #else
        Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        #endif
    }

    /// The child's first line of output; past `timeout` the child is stopped, which ends the read.
    private static func firstLine(_ handle: Unchecked<FileHandle>, process: Unchecked<Process>, timeout: Double) async -> String {
        let finished = LockedFlag()
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
            finished.unlessSet { ProxyBenchChild.stop(process.value) }
        }
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var data = Data()
                while !data.contains(UInt8(ascii: "\n")) {
                    let chunk = handle.value.availableData
                    if chunk.isEmpty { break }
                    data.append(chunk)
                }
                finished.set()
                continuation.resume(returning: String(decoding: data, as: UTF8.self))
            }
        }
    }

    /// How the child ended; nil while it runs.
    var exitDescription: String? { Self.exitDescription(process) }

    private static func exitDescription(_ process: Process) -> String? {
        guard !process.isRunning else { return nil }
        let reason = process.terminationReason == .uncaughtSignal ? "signal" : "status"
        return "\(reason) \(process.terminationStatus)"
    }

    /// Ends the child: SIGTERM, up to 2 s, then SIGKILL; returns once it is gone.
    func stop() { Self.stop(process) }

    private static func stop(_ process: Process) {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(2)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

/// A Foundation object handed to a Dispatch closure (used there alone).
private struct Unchecked<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// A flag set once, checked under a lock.
private final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    func set() { lock.withLock { value = true } }

    /// Runs `body` (under the lock) unless the flag is set.
    func unlessSet(_ body: () -> Void) { lock.withLock { if !value { body() } } }
}

struct ProxyBenchChildError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
