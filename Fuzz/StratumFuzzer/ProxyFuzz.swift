import FarmProxyCore
import PoolSettings
import StratumProtocol

/// A fuzz input's lines sent to the farm proxy's `ProxyCore` by a miner that has subscribed and
/// authorized, with an upstream job in place (sizes and difficulties derived from the input).
/// Invariants: nothing traps; every forwarded share has a fresh token and the full upstream
/// extranonce2; once the pool has answered every forward, none is pending and the miner's
/// pool-accepted count is exactly the number forwarded; a miner is never written to after its close (effects
/// carried out in order, as `FarmProxy` does).
enum ProxyFuzz {
    static func drive(_ lines: [[UInt8]], seed: UInt64) {
        var derived = StratumFuzz.Derived(seed: seed)
        let prefixSize = 1 + derived.below(3)
        var configuration = ProxyConfiguration(user: "fuzz", pools: [PoolConfiguration(url: "stratum+tcp://127.0.0.1:1")],
                                               downstreamMinimumDifficulty: 0x1p-41, extranoncePrefixSize: prefixSize)
        configuration.maximumDownstreams = min(configuration.maximumDownstreams, 1 << (8 * prefixSize))
        configuration.maximumInvalidLines = 1 + derived.below(8)
        var now = 1_800_000_000.0
        var core = ProxyCore(configuration: configuration, now: now)
        let upstreamSize = derived.below(12)
        _ = core.upstreamJob(job(derived: &derived, extranonce2Size: upstreamSize), now: now)
        let (opened, _) = core.openDownstream(address: "10.0.0.1", now: now)
        guard let miner = opened else { return StratumFuzz.check(false, "proxy refused its first miner") }
        for line in [#"{"id":1,"method":"mining.subscribe","params":["fuzz"]}"#, #"{"id":2,"method":"mining.authorize","params":["rig","x"]}"#] {
            _ = core.handleLine(Array(line.utf8), from: miner, now: now)
        }
        var tokens: Set<UInt64> = []
        var closed = false
        /// One core call's effects, carried out in order as the network layer does.
        func apply(_ effects: [ProxyEffect]) {
            for effect in effects {
                switch effect {
                case .forward(let share):
                    StratumFuzz.check(tokens.insert(share.token).inserted, "forward token \(share.token) used twice")
                    StratumFuzz.check(share.extranonce2.count == upstreamSize, "forwarded extranonce2 of \(share.extranonce2.count) bytes")
                case .send(let id, let line):
                    StratumFuzz.check(!closed || id != miner, "a closed miner was written to: \(line.prefix(80))")
                case .broadcast(let ids, _):
                    StratumFuzz.check(!closed || !ids.contains(miner), "a closed miner was sent a job")
                case .close(let id, let reason):
                    if id == miner && !closed {
                        closed = true
                        apply(core.downstreamClosed(id, reason: reason))
                    }
                case .event: break
                }
            }
        }
        for line in lines {
            now += Double(derived.below(3))
            apply(core.handleLine(line, from: miner, now: now))
            if derived.below(8) == 0 { apply(core.tick(now: now)) }
            if derived.below(16) == 0 { apply(core.upstreamJob(job(derived: &derived, extranonce2Size: upstreamSize), now: now)) }
        }
        for token in tokens { _ = core.upstreamAnswered(token: token, .accepted, now: now) }
        let snapshot = core.snapshot(now: now)
        StratumFuzz.check(snapshot.pendingForwards == 0, "\(snapshot.pendingForwards) forwards still pending")
        StratumFuzz.check(snapshot.totals.acceptedByPool == tokens.count,
                          "pool-accepted \(snapshot.totals.acceptedByPool) for \(tokens.count) forwards")
    }

    /// An upstream job at a derived difficulty (tiny ones make every hash a forwarded share).
    static func job(derived: inout StratumFuzz.Derived, extranonce2Size: Int) -> UpstreamJob {
        let notify = MiningNotify(jobID: "up", prevHash: derived.bytes(32), coinbase1: derived.bytes(derived.below(64)),
                                  coinbase2: derived.bytes(derived.below(64)), merkleBranch: (0..<derived.below(4)).map { _ in derived.bytes(32) },
                                  version: 0x2000_0000, nbits: 0x1d00_ffff, ntime: 1_800_000_000, cleanJobs: derived.below(2) == 0)
        return UpstreamJob(notify: notify, epoch: 1, jobGeneration: 1, extranonce1: derived.bytes(4), extranonce2Size: extranonce2Size,
                           difficulty: derived.below(2) == 0 ? 0x1p-41 : derived.difficulty(),
                           versionMask: derived.below(2) == 0 ? 0x1fff_e000 : nil, isClean: derived.below(2) == 0, poolURL: "fuzz")
    }
}
