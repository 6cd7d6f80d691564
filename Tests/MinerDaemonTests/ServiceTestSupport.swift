import Foundation
import LocalPool
import Logging
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The `swiftminer` executable running in the background, its stderr captured in a file.
final class BackgroundMiner: @unchecked Sendable {
    let process = Process()
    let stderrPath: String

    init(_ arguments: [String], environment: [String: String], directory: String) throws {
        stderrPath = directory + "/stderr.log"
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.executableURL = SwiftMinerBinary.url
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle(forWritingAtPath: stderrPath)
        try process.run()
    }

    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// The exit status, or nil when it is still running after `timeout` seconds.
    func waitForExit(timeout: TimeInterval) async -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        return process.isRunning ? nil : process.terminationStatus
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }
}

/// A datagram socket that plays systemd's side of the notify protocol.
final class NotifySocketListener: @unchecked Sendable {
    struct Message {
        let time: Date
        let text: String
    }

    /// The value for `$NOTIFY_SOCKET` (`@name` for an abstract socket, else a path).
    let address: String
    private let fd: Int32
    private let lock = NSLock()
    private var received: [Message] = []
    private var stopped = false
    private var thread: Thread?

    init(abstract: Bool, directory: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        let name = abstract ? "@swiftminer-test-\(UUID().uuidString.prefix(12))" : directory + "/notify.sock"
        address = name
        var bytes = Array(name.utf8)
        if abstract { bytes[0] = 0 }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { path in for (i, b) in bytes.enumerated() { path[i] = b } }
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)! + bytes.count + (abstract ? 0 : 1))
        let result = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard result == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let thread = Thread { [unowned self] in self.receiveLoop() }
        self.thread = thread
        thread.start()
    }

    private func receiveLoop() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !lock.withLock({ stopped }) {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count > 0 {
                let text = String(decoding: buffer[0..<count], as: UTF8.self)
                lock.withLock { received.append(Message(time: Date(), text: text)) }
            }
        }
    }

    var messages: [Message] { lock.withLock { received } }

    /// Every `KEY=VALUE` line received, in order.
    var assignments: [(time: Date, line: String)] {
        messages.flatMap { message in message.text.split(separator: "\n").map { (message.time, String($0)) } }
    }

    /// Waits until an assignment line equal to (or starting with, for `prefix`) arrives after `index`.
    @discardableResult
    func waitFor(_ line: String, prefix: Bool = false, after index: Int = 0, timeout: TimeInterval) async -> Int? {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            let lines = assignments
            if index < lines.count,
               let found = lines[index...].firstIndex(where: { prefix ? $0.line.hasPrefix(line) : $0.line == line }) {
                return found
            }
            try? await Task.sleep(for: .milliseconds(20))
        } while Date() < deadline
        return nil
    }

    func stop() {
        lock.withLock { stopped = true }
        while thread?.isFinished == false { Thread.sleep(forTimeInterval: 0.01) }
        close(fd)
    }
}

/// A LocalPool on 127.0.0.1 at a difficulty that gives a few shares a second, with the time of
/// its first `mining.notify`.
final class TestPool: @unchecked Sendable {
    let pool: LocalPool
    let port: Int
    private let lock = NSLock()
    private var firstJob: Date?
    private var watcher: Task<Void, Never>?

    static var difficulty: Double { DaemonStatusFilesTests.difficulty }

    init() async throws {
        var logger = Logger(label: "test-pool")
        logger.logLevel = .critical
        pool = LocalPool(configuration: LocalPoolConfiguration(initialDifficulty: Self.difficulty, jobInterval: 0), logger: logger)
        port = try await pool.start()
        watcher = Task { [pool, weak self] in
            for await event in pool.events {
                if case .jobSent = event { self?.recordJob() }
            }
        }
    }

    private func recordJob() { lock.withLock { if firstJob == nil { firstJob = Date() } } }

    var firstJobSentAt: Date? { lock.withLock { firstJob } }
    var url: String { "stratum+tcp://127.0.0.1:\(port)" }
    var accepted: Int { pool.stats.accepted }

    func stop() async {
        watcher?.cancel()
        await pool.stop()
    }
}

func serviceTemporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "swiftminer-service-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Polls `condition` until it holds or `timeout` passes.
func eventually(timeout: TimeInterval, _ condition: () -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    repeat {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    } while Date() < deadline
    return condition()
}
