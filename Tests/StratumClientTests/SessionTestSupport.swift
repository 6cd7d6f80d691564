import PoolSettings
import StratumClient
import StratumProtocol
import XCTest

/// Drives a `StratumSession` with a fake clock and records what it does.
struct SessionHarness {
    var session: StratumSession
    let t0 = ContinuousClock.now
    var elapsed: Duration = .zero
    var now: ContinuousClock.Instant { t0 + elapsed }

    init(pool: PoolConfiguration = PoolConfiguration(url: "stratum+tcp://127.0.0.1:3333"),
         previousSubscriptionID: String? = nil, previousExtranonce1: [UInt8]? = nil) {
        session = StratumSession(configuration: StratumSessionConfiguration(
            pool: pool,
            client: .sessionTest(user: "bc1qworker.rig1", password: "secret-pw", userAgent: "swiftminer/test",
                                 timers: ConnectionTimers(subscribeTimeout: .seconds(10), idleTimeout: .seconds(120), jobTimeout: nil,
                                                          submitTimeout: .seconds(30))),
            epoch: 7, previousSubscriptionID: previousSubscriptionID, previousExtranonce1: previousExtranonce1))
    }

    mutating func connect() -> [StratumSession.Action] { session.handle(.connected(now: now)) }

    mutating func receive(_ line: String) -> [StratumSession.Action] {
        session.handle(.lineReceived(try! JSONRPCMessage.parse(Array(line.utf8)), now: now))
    }

    mutating func advance(_ duration: Duration) -> [StratumSession.Action] {
        elapsed += duration
        return session.handle(.tick(now: now))
    }

    mutating func submit(_ share: ShareSubmission, token: UInt64) -> [StratumSession.Action] {
        session.handle(.submit(share, token: token, now: now))
    }

    /// Connects and completes configure (mask or refusal), subscribe and authorize.
    mutating func establish(mask: String? = "1fffe000", extranonce1: String = "e26e1928", size: Int = 4) {
        _ = connect()
        if session.configuration.pool.versionRolling {
            if let mask {
                _ = receive(#"{"id":1,"error":null,"result":{"version-rolling":true,"version-rolling.mask":"\#(mask)"}}"#)
            } else {
                _ = receive(#"{"id":1,"error":null,"result":{"version-rolling":false}}"#)
            }
        }
        let subscribeID = session.configuration.pool.versionRolling ? 2 : 1
        _ = receive(#"{"id":\#(subscribeID),"error":null,"result":[[["mining.notify","sub1"]],"\#(extranonce1)",\#(size)]}"#)
        _ = receive(#"{"id":\#(subscribeID + 1),"error":null,"result":true}"#)
    }
}

enum Lines {
    static func notify(job: String, prevhash: String = "171592f223740e92d223f6e68bff25279af7ac4f2246451e0000000200000000",
                       clean: Bool = false, id: String = "null") -> String {
        #"{"id":\#(id),"method":"mining.notify","params":["\#(job)","\#(prevhash)","0200000001","ffffffff",[],"20000000","192495f8","64b3f3ec",\#(clean)]}"#
    }

    static let otherPrevhash = "00000000000000000000000000000000000000000000000000000000000000aa"

    static func setDifficulty(_ value: String) -> String {
        #"{"id":null,"method":"mining.set_difficulty","params":[\#(value)]}"#
    }
}

extension [StratumSession.Action] {
    var sentLines: [String] { compactMap { if case .send(let line, _) = $0 { line } else { nil } } }
    var sentMethods: [String] { compactMap { if case .send(_, let method) = $0 { method } else { nil } } }
    var events: [StratumClientEvent] { compactMap { if case .emit(let event) = $0 { event } else { nil } } }
    var jobs: [JobAssignment] { events.compactMap { if case .job(let job) = $0 { job } else { nil } } }
    var closeReasons: [SessionCloseReason] { compactMap { if case .close(let reason) = $0 { reason } else { nil } } }
    var resolutions: [UInt64: [ShareResult]] {
        var out: [UInt64: [ShareResult]] = [:]
        for case .resolve(let token, let result) in self { out[token, default: []].append(result) }
        return out
    }
}

func sentObject(_ line: String) -> JSONValue { try! JSONValue.parse(Array(line.utf8)) }

/// A share for `job`; `generation` is the job's `jobGeneration` (1: the session's first clean job).
func share(job: String = "j1", epoch: UInt64 = 7, generation: UInt64 = 1, extranonce1: [UInt8] = [0xe2, 0x6e, 0x19, 0x28],
           extranonce2: [UInt8] = [0xc7, 0x08, 0, 0], versionBits: UInt32? = 0x2000) -> ShareSubmission {
    ShareSubmission(jobID: job, epoch: epoch, jobGeneration: generation, extranonce1: extranonce1, extranonce2: extranonce2, ntime: 0x64b3_f3ec,
                    nonce: 0xed46_0d91, versionBits: versionBits)
}

extension StratumClientConfiguration {
    /// A client configuration for driving one `StratumSession` directly: no pool list, unanswered
    /// shares resolved lost at the end of a connection (not carried), and, unless `timers` says
    /// otherwise, the client's timers without a job timeout.
    static func sessionTest(user: String, password: String, userAgent: String,
                            timers: ConnectionTimers = ConnectionTimers(jobTimeout: nil)) -> StratumClientConfiguration {
        StratumClientConfiguration(pools: [], user: user, password: password, userAgent: userAgent, timers: timers,
                                   resubmitPendingOnResume: false)
    }
}
