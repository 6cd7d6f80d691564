import Configuration
import FarmProxy
import FarmProxyCore
import Foundation
import LocalPool
import Logging
import MinerDaemon
import MonitoringAddresses
import PoolSettings
import ServiceLifecycle
import StratumClient
import StratumProtocol
import XCTest

/// A `FarmProxy` on 127.0.0.1 (an ephemeral port) running its upstream client, with its events
/// and its log lines collected for assertions.
final class ProxyRun: @unchecked Sendable {
    /// The upstream client's timers, scaled down so reconnects and failover take moments.
    static let upstreamTimers = ConnectionTimers(
        connectTimeout: .seconds(1), subscribeTimeout: .seconds(2), idleTimeout: .seconds(60), jobTimeout: nil,
        submitTimeout: .seconds(5), backoff: ReconnectBackoff(initial: .milliseconds(100), maximum: .milliseconds(400), jitter: 0.2),
        primaryProbeInterval: .seconds(600), stableConnectionAfter: .seconds(2), tickInterval: .milliseconds(50))

    /// The proxy's upstream login: every share the pool sees is this worker's.
    static let user = "acct.farm"

    let proxy: FarmProxy
    let port: Int
    let logs = LogCapture()
    private let lock = NSLock()
    private var _events: [ProxyEvent] = []
    private let runTask: Task<Void, any Error>
    private let eventsTask: Task<Void, Never>

    /// Starts a proxy whose upstream is `pools` (`adjust` changes anything else).
    init(pools: [PoolConfiguration], timers: ConnectionTimers = ProxyRun.upstreamTimers,
         adjust: (inout ProxyConfiguration) -> Void = { _ in }) async throws {
        var configuration = ProxyConfiguration(name: "farm", listen: try ListenAddress(host: "127.0.0.1", port: 0), user: Self.user,
                                               pools: pools, timers: timers)
        adjust(&configuration)
        var logger = Logger(label: "e2e.proxy") { [logs] _ in CapturingLogHandler(capture: logs) }
        logger.logLevel = .info
        proxy = FarmProxy(configuration: configuration, userAgent: "SwiftMiner-proxy-test", logger: logger)
        port = try await proxy.start()
        let proxy = self.proxy
        runTask = Task { try await proxy.run() }
        let box = EventBox()
        eventsTask = Task {
            for await event in proxy.events { box.append(event) }
        }
        box.owner = self
    }

    /// Hands events to the run (the stream is read before `self` is complete).
    private final class EventBox: @unchecked Sendable {
        private let lock = NSLock()
        private var early: [ProxyEvent] = []
        private weak var _owner: ProxyRun?
        var owner: ProxyRun? {
            get { lock.withLock { _owner } }
            set {
                lock.withLock {
                    _owner = newValue
                    newValue?.lock.withLock { newValue?._events.append(contentsOf: early) }
                    early = []
                }
            }
        }

        func append(_ event: ProxyEvent) {
            lock.withLock {
                if let owner = _owner { owner.lock.withLock { owner._events.append(event) } } else { early.append(event) }
            }
        }
    }

    /// A pool URL on 127.0.0.1 as the proxy's upstream list takes it.
    static func pool(_ port: Int, extranonceSubscribe: Bool = false) -> PoolConfiguration {
        PoolConfiguration(url: "stratum+tcp://127.0.0.1:\(port)", extranonceSubscribe: extranonceSubscribe, difficultySuggestion: .off)
    }

    var events: [ProxyEvent] { lock.withLock { _events } }
    var status: FarmProxyStatus { proxy.status }

    /// Share outcomes, in order.
    var outcomes: [ProxyShareOutcome] {
        events.compactMap { if case .share(let outcome) = $0 { outcome } else { nil } }
    }

    /// The ids the proxy gave connections that authorized as `user`.
    func downstreams(user: String) -> [DownstreamID] {
        events.compactMap { if case .downstreamAuthorized(let id, user) = $0 { id } else { nil } }
    }

    /// Closed connections: id and the proxy's reason.
    var closed: [(id: DownstreamID, reason: String)] {
        events.compactMap { if case .downstreamClosed(let id, _, let reason) = $0 { (id, reason) } else { nil } }
    }

    /// What the proxy told the connections of `user` about their shares, from its events.
    func tally(user: String) -> ShareTally {
        ShareTally(outcomes.filter { $0.user == user })
    }

    /// Until the proxy has a job from a pool to hand out.
    func waitForUpstream(_ timeout: Duration = .seconds(8), file: StaticString = #filePath, line: UInt = #line) async {
        await expectWithin(timeout, "the upstream pool is up: \(status.upstream)", file: file, line: line) { self.status.core.upstreamUp }
    }

    /// Cancels `run()` (which closes the listener and every miner) and waits for the events to end.
    func stop() async {
        runTask.cancel()
        _ = try? await runTask.value
        await eventsTask.value
    }
}

/// Share verdicts counted the way the proxy counts them.
struct ShareTally: Equatable, CustomStringConvertible {
    var acceptedByPool = 0
    var validLocally = 0
    var rejectedByProxy = 0
    var rejectedByPool = 0
    var lost = 0

    init(acceptedByPool: Int = 0, validLocally: Int = 0, rejectedByProxy: Int = 0, rejectedByPool: Int = 0, lost: Int = 0) {
        self.acceptedByPool = acceptedByPool
        self.validLocally = validLocally
        self.rejectedByProxy = rejectedByProxy
        self.rejectedByPool = rejectedByPool
        self.lost = lost
    }

    init(_ outcomes: [ProxyShareOutcome]) {
        for outcome in outcomes {
            switch outcome.verdict {
            case .acceptedByPool: acceptedByPool += 1
            case .validLocally: validLocally += 1
            case .rejected(_, _, let byPool): if byPool { rejectedByPool += 1 } else { rejectedByProxy += 1 }
            case .lost: lost += 1
            }
        }
    }

    /// Answered `true` to the miner.
    var valid: Int { acceptedByPool + validLocally }
    /// Answered with an error.
    var refused: Int { rejectedByProxy + rejectedByPool + lost }

    var description: String {
        "pool-accepted \(acceptedByPool), valid locally \(validLocally), refused by the proxy \(rejectedByProxy), "
            + "by the pool \(rejectedByPool), lost \(lost)"
    }
}

/// The real daemon (`MinerService`, one worker, one thread) mining through a proxy on 127.0.0.1.
final class ProxiedDaemon: ShareEventRecording, @unchecked Sendable {
    let user: String
    let logs = LogCapture()
    private let lock = NSLock()
    private var _events: [ShareEvent] = []
    private let group: ServiceGroup
    private let runTask: Task<Void, any Error>

    /// `extranonceSubscribe`: the daemon asks the proxy for `mining.set_extranonce` (else a
    /// changed upstream extranonce reconnects it).
    init(proxyPort: Int, user: String, extranonceSubscribe: Bool = false) throws {
        self.user = user
        var logger = Logger(label: "e2e.\(user)") { [logs] _ in CapturingLogHandler(capture: logs) }
        logger.logLevel = .info
        var worker = WorkerSettings(name: user, user: user, password: "x", threads: 1, pools: [
            PoolConfiguration(url: "stratum+tcp://127.0.0.1:\(proxyPort)", extranonceSubscribe: extranonceSubscribe,
                              difficultySuggestion: .off),
        ])
        worker.timers.backoff = ReconnectBackoff(initial: .milliseconds(100), maximum: .milliseconds(500), jitter: 0.2)
        let settings = MinerSettings(workers: [worker], shutdownGrace: .seconds(5), statusFile: nil, shareLog: nil,
                                     statusInterval: .seconds(1))
        let relay = ShareEventRelay<ProxiedDaemon>()
        let service = try MinerService(settings: settings, logger: logger) { relay.add($0) }
        group = ServiceGroup(services: [service], gracefulShutdownSignals: [], logger: logger)
        let group = self.group
        runTask = Task { try await group.run() }
        relay.owner = self
    }

    func record(_ event: ShareEvent) { lock.withLock { _events.append(event) } }

    var shareEvents: [ShareEvent] { lock.withLock { _events } }
    var counters: ShareCounters { lock.withLock { _events.last?.counters ?? ShareCounters() } }
    /// The shares it sent to the proxy (not those it dropped itself as stale before sending).
    var submitted: [ShareEvent] { shareEvents.filter { !($0.outcome == .stale && $0.latency == nil) } }
    var accepted: Int { shareEvents.filter { $0.outcome == .accepted }.count }

    /// Graceful shutdown: hashing stops, shares already sent get their answers.
    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await runTask.value
    }

    /// The daemon's view agrees with the proxy's for its connections: every share it sent was
    /// answered, `true` exactly for those the proxy found valid (locally or at the pool).
    ///
    /// `closedByProxy`: the proxy closed the daemon's connection (a reconnect). Shares on their way
    /// then are lost to the daemon, whatever became of them at the proxy (not read, or answered to
    /// a closed connection): the two sides may differ by those, and only by them.
    func assertAgrees(with proxy: ProxyRun, closedByProxy: Bool = false, file: StaticString = #filePath, line: UInt = #line) {
        let counters = counters
        let tally = proxy.tally(user: user)
        XCTAssertTrue(counters.invariantHolds, "\(user): \(counters)", file: file, line: line)
        XCTAssertEqual(counters.pending, 0, "\(user): every share answered", file: file, line: line)
        let refused = submitted.filter { $0.outcome != .accepted }
        let describe = "\(user): proxy \(tally); daemon accepted \(counters.accepted), refused \(refused.map { "\($0.outcome) \($0.reason ?? "")" })"
        guard closedByProxy else {
            XCTAssertEqual(Int(counters.accepted), tally.valid, "accepted by the daemon = valid at the proxy: \(describe)", file: file, line: line)
            XCTAssertEqual(refused.count, tally.refused, "refused for the daemon = refused by the proxy: \(describe)", file: file, line: line)
            return
        }
        let lostOnTheWay = refused.filter { event in
            event.outcome == .lost && ["not resubmitted", "connection closed", "not sent"].contains { event.reason?.contains($0) ?? false }
        }
        let answered = refused.count - lostOnTheWay.count
        XCTAssertLessThanOrEqual(Int(counters.accepted), tally.valid, describe, file: file, line: line)
        XCTAssertLessThanOrEqual(answered, tally.refused, describe, file: file, line: line)
        XCTAssertLessThanOrEqual(tally.valid - Int(counters.accepted) + tally.refused - answered, lostOnTheWay.count,
                                 "the sides differ only by shares lost at a reconnect: \(describe)", file: file, line: line)
    }
}

/// Waits (polling) until `condition` holds; a test failure when it does not within `timeout`
/// (times `EndToEndRun.timeScale`). Returns whether it held.
@discardableResult
func expectWithin(_ timeout: Duration, _ message: @autoclosure () -> String = "", file: StaticString = #filePath,
                  line: UInt = #line, until condition: () -> Bool) async -> Bool {
    if await Polling.wait(timeout * EndToEndRun.timeScale, until: condition) { return true }
    XCTFail("not reached within \(timeout * EndToEndRun.timeScale). \(message())", file: file, line: line)
    return false
}

/// A LocalPool on 127.0.0.1 with mainnet-like nbits (shares are not blocks) and no timed jobs.
func makeProxyTestPool(difficulty: Double, extranonce2Size: Int = 6, port: Int = 0) -> LocalPool {
    LocalPool(configuration: LocalPoolConfiguration(port: port, initialDifficulty: difficulty, extranonce2Size: extranonce2Size,
                                                    jobInterval: 0, nbits: 0x1d00_ffff),
              logger: Logger(label: "e2e.pool") { _ in SwiftLogNoOpLogHandler() })
}
