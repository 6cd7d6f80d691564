import FarmProxyCore
import Foundation
import StratumProtocol

extension ShareLogRecord {
    /// The record of a proxy miner's share: `worker` is the proxy, `pool` its upstream pool.
    init(proxy: String, pool: String, outcome: ProxyShareOutcome, time: Date = Date()) {
        let result: Result
        var reason: String?
        switch outcome.verdict {
        case .acceptedByPool: result = .accepted
        case .validLocally: result = .valid
        case .rejected(let why, let message, let byPool):
            result = why == .stale ? .stale : .rejected
            reason = String("\(byPool ? "pool" : "proxy"): \(message)".prefix(200))
        case .lost(let why):
            result = .lost
            reason = String(why.prefix(200))
        }
        self.init(time: time, worker: proxy, pool: PoolURLText.redacted(pool), jobID: outcome.jobID, extranonce2: outcome.extranonce2,
                  ntime: WireEncoding.hex(outcome.ntime), nonce: WireEncoding.hex(outcome.nonce),
                  versionBits: outcome.versionBits.map { WireEncoding.hex($0) }, shareDifficulty: outcome.shareDifficulty,
                  targetDifficulty: outcome.difficulty, result: result, reason: reason,
                  latencyMilliseconds: outcome.upstreamLatency.map { ($0 * 1000).rounded3 },
                  downstream: outcome.user ?? "downstream-\(outcome.downstream)", downstreamAddress: outcome.address)
    }
}
