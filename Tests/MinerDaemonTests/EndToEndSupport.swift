import Configuration
import Foundation
import HashingEngine
import LocalPool
import Logging
import MinerDaemon
import NIOSSL
import PoolSettings
import ServiceLifecycle
import StratumClient
import StratumProtocol
import XCTest

/// The real daemon (`MinerService`: client, hashing engine, coordinator) mining against a real
/// `LocalPool` on 127.0.0.1, with everything it reports collected for assertions.
final class EndToEndRun: ShareEventRecording, @unchecked Sendable {
    /// A difficulty giving a few shares a second per thread with the kernel this machine picks
    /// (C kernels: millions of hashes a second; the Swift kernel: tens of thousands).
    static let difficulty: Double = KernelSelection.automatic().kind == .swift ? 2e-6 : 1e-3

    private let lock = NSLock()
    private var _pool: LocalPool
    private var _poolEvents: [LocalPoolEvent] = []
    private var _shareEvents: [ShareEvent] = []
    private var eventTasks: [Task<Void, Never>] = []
    let logs: LogCapture
    let port: Int
    private let group: ServiceGroup
    private let runTask: Task<Void, any Error>
    private let logger: Logger

    var pool: LocalPool { lock.withLock { _pool } }
    var poolEvents: [LocalPoolEvent] { lock.withLock { _poolEvents } }
    var shareEvents: [ShareEvent] { lock.withLock { _shareEvents } }
    /// The worker's counters after its latest share outcome.
    var counters: ShareCounters { lock.withLock { _shareEvents.last?.counters ?? ShareCounters() } }
    var accepted: [ShareEvent] { shareEvents.filter { $0.outcome == .accepted } }

    /// Starts `poolConfiguration` (its port is replaced by an ephemeral one unless set) and the
    /// daemon with one worker whose pool list `pools(port)` makes.
    init(pool poolConfiguration: LocalPoolConfiguration = EndToEndDaemonTests.poolConfiguration(),
         threads: Int = 1, user: String = "tester.rig1", password: String = "x", hashingBatchTarget: Duration? = nil,
         targetShareInterval: Double? = nil,
         pools: (Int) -> [PoolConfiguration] = { [PoolConfiguration(url: "stratum+tcp://127.0.0.1:\($0)", difficultySuggestion: .off)] }) async throws {
        let logs = LogCapture()
        self.logs = logs
        var logger = Logger(label: "e2e") { _ in CapturingLogHandler(capture: logs) }
        logger.logLevel = .info
        self.logger = logger
        let pool = LocalPool(configuration: poolConfiguration, logger: Logger(label: "e2e.pool") { _ in SwiftLogNoOpLogHandler() })
        port = try await pool.start()
        _pool = pool
        var worker = WorkerSettings(name: "rig1", user: user, password: password, threads: threads, pools: pools(port))
        if let targetShareInterval { worker.targetShareInterval = targetShareInterval }
        var settings = MinerSettings(workers: [worker], shutdownGrace: .seconds(2), statusFile: nil, shareLog: nil,
                                     statusInterval: .seconds(1))
        if let hashingBatchTarget { settings.hashingBatchTarget = hashingBatchTarget }
        let box = ShareEventRelay<EndToEndRun>()
        let service = try MinerService(settings: settings, logger: logger) { box.add($0) }
        group = ServiceGroup(services: [service], gracefulShutdownSignals: [], logger: logger)
        let group = self.group
        runTask = Task { try await group.run() }
        box.owner = self
        observe(pool)
    }

    func record(_ event: ShareEvent) { lock.withLock { _shareEvents.append(event) } }

    private func observe(_ pool: LocalPool) {
        let task = Task { [weak self] in
            for await event in pool.events {
                guard let self else { return }
                self.lock.withLock { self._poolEvents.append(event) }
            }
        }
        lock.withLock { eventTasks.append(task) }
    }

    /// Stops the pool (the daemon goes on running, reconnecting).
    func stopPool() async { await pool.stop() }

    /// Starts a new pool on the same port (after `stopPool`).
    func restartPool(_ configuration: LocalPoolConfiguration) async throws -> LocalPool {
        var configuration = configuration
        configuration.port = port
        let pool = LocalPool(configuration: configuration, logger: Logger(label: "e2e.pool") { _ in SwiftLogNoOpLogHandler() })
        _ = try await pool.start()
        lock.withLock { _pool = pool }
        observe(pool)
        return pool
    }

    /// Sanitizer builds run several times slower: `SWIFTMINER_TEST_TIME_SCALE=4 swift test
    /// --sanitize=thread` stretches every wait by that factor (never below 1).
    static let timeScale: Double = ProcessInfo.processInfo.environment["SWIFTMINER_TEST_TIME_SCALE"]
        .flatMap(Double.init).map { max(1, $0) } ?? 1

    /// Waits (polling) until `condition` holds; a test failure if it does not within `timeout`
    /// (times `timeScale`).
    func expect(_ timeout: Duration = .seconds(4), _ message: @autoclosure () -> String = "",
                file: StaticString = #filePath, line: UInt = #line, until condition: () -> Bool) async {
        if await !Polling.wait(timeout * Self.timeScale, until: condition) {
            XCTFail("not reached within \(timeout * Self.timeScale). \(message())", file: file, line: line)
        }
    }

    /// Graceful shutdown of the daemon (it waits for answers to shares already sent), then the pool.
    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await runTask.value
        await pool.stop()
        for task in lock.withLock({ eventTasks }) { await task.value }
    }

    func sessions(subscribed: Bool? = nil) -> [LocalPoolSessionStats] {
        pool.stats.sessions.filter { subscribed == nil || $0.subscribed == subscribed }
    }

    /// The invariant and the basic agreement between miner and pool, for every test.
    func assertConsistent(pools: [LocalPoolStats]? = nil, file: StaticString = #filePath, line: UInt = #line) {
        let counters = counters
        XCTAssertTrue(counters.invariantHolds, "found \(counters.found) ≠ accepted + rejected + stale + lost + pending: \(counters)",
                      file: file, line: line)
        XCTAssertEqual(counters.pending, 0, "every share answered before exit", file: file, line: line)
        let stats = pools ?? [pool.stats]
        XCTAssertEqual(Int(counters.accepted), stats.map(\.accepted).reduce(0, +), "pool accepted == miner accepted",
                       file: file, line: line)
        XCTAssertEqual(accepted.count, Int(counters.accepted), "one share event per accepted share", file: file, line: line)
    }
}

/// Something that keeps the share events of a daemon run.
protocol ShareEventRecording: AnyObject {
    func record(_ event: ShareEvent)
}

/// Forwards the daemon's share events to their run, keeping those that arrive before the run
/// object exists (the observer is created first).
final class ShareEventRelay<Owner: ShareEventRecording>: @unchecked Sendable {
    private let lock = NSLock()
    private var early: [ShareEvent] = []
    private weak var _owner: Owner?
    var owner: Owner? {
        get { lock.withLock { _owner } }
        set {
            let pending = lock.withLock { () -> [ShareEvent] in
                _owner = newValue
                defer { early = [] }
                return early
            }
            for event in pending { newValue?.record(event) }
        }
    }

    func add(_ event: ShareEvent) {
        let owner = lock.withLock { () -> Owner? in
            if _owner == nil { early.append(event) }
            return _owner
        }
        owner?.record(event)
    }
}

/// Log records at notice level and above, for asserting what an operator would read.
final class LogCapture: @unchecked Sendable {
    struct Record: Sendable {
        let level: Logger.Level
        let message: String
        /// The record's metadata values (the handler's and the call's), as they are printed.
        var metadataValues: [String] = []

        /// The line as an operator reads it: the message, then the metadata values.
        var text: String { ([message] + metadataValues).joined(separator: " ") }
    }

    private let lock = NSLock()
    private var _records: [Record] = []
    var records: [Record] { lock.withLock { _records } }
    func add(_ record: Record) { lock.withLock { _records.append(record) } }

    func contains(level: Logger.Level, _ text: String) -> Bool {
        records.contains { $0.level >= level && $0.message.contains(text) }
    }

    /// The messages that contain `text` (for failure messages).
    func lines(containing text: String) -> [String] {
        records.filter { $0.message.contains(text) }.map(\.message)
    }

    /// The records whose message or metadata contain `text`, as operators read them.
    func printed(containing text: String) -> [String] {
        records.map(\.text).filter { $0.contains(text) }
    }
}

struct CapturingLogHandler: LogHandler {
    let capture: LogCapture
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let metadata = metadata.merging(event.metadata ?? [:]) { $1 }
        capture.add(.init(level: event.level, message: event.message.description,
                          metadataValues: metadata.keys.sorted().map { "\(metadata[$0]!)" }))
        if ProcessInfo.processInfo.environment["E2E_LOG"] != nil {
            print("[\(event.level)] \(event.message) \(metadata.merging(event.metadata ?? [:]) { $1 })")
        }
    }
}

extension ShareCounters.Outcome {
    var isStale: Bool { if case .stale = self { true } else { false } }
}

/// The fixture certificate and key (`Fixtures/`), loaded by path next to this file.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path
    static let certificateFile = directory + "/localpool-cert.pem"
    static let privateKeyFile = directory + "/localpool-key.pem"
    /// SHA-256 of the certificate's DER (`openssl x509 -noout -fingerprint -sha256`).
    static let fingerprint = "7E:79:DE:32:03:6D:58:12:26:B8:03:F3:50:7B:F4:3A:16:72:14:46:AB:6C:86:96:E5:C1:21:5C:27:AF:91:40"

    static func tls() throws -> LocalPoolTLS {
        try LocalPoolTLS(certificateChainFile: certificateFile, privateKeyFile: privateKeyFile)
    }

    /// The same certificate as a TLS server configuration (`LocalNode` serving `https://`).
    static func serverTLS() throws -> TLSConfiguration {
        TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificateFile).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: privateKeyFile, format: .pem)))
    }
}
