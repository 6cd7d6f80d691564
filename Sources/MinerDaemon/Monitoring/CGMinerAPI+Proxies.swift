import Foundation

/// A farm proxy's miners as cgminer devices (`devs`), numbered after the workers: name `PXY`,
/// hash rate from their valid shares, `Accepted` only what the pool accepted.
extension CGMinerAPI {
    static func proxyDeviceRecords(_ s: StatusDocument, firstIndex: Int) -> [Record] {
        let now = s.updatedAt
        let miners = s.proxies.flatMap { proxy in proxy.downstreams.map { (proxy: proxy, miner: $0) } }
        return miners.enumerated().map { offset, entry in
            let index = Int64(firstIndex + offset)
            let miner = entry.miner
            let elapsed = max(0, now.timeIntervalSince(miner.connectedSince))
            let (accepted, rejected, stale) = (Double(miner.shares.accepted), Double(miner.shares.rejected), Double(miner.shares.stale))
            let lastShare = miner.lastShareAt.map { Int64($0.timeIntervalSince1970) } ?? 0
            return [
                ("ASC", .int(index)),
                ("Name", .string("PXY")),
                ("ID", .int(index)),
                ("Enabled", .string("Y")),
                ("Status", .string("Alive")),
                ("Proxy", .string(entry.proxy.name)),
                ("User", .string(miner.user ?? "")),
                ("Address", .string(miner.address)),
                ("Temperature", .real(0, 2)),
                ("MHS av", .real(miner.hashrate.fifteenMinutes / 1e6, 2)),
                ("MHS 1m", .real(miner.hashrate.oneMinute / 1e6, 2)),
                ("MHS 15m", .real(miner.hashrate.fifteenMinutes / 1e6, 2)),
                ("Accepted", .int(Int64(miner.shares.accepted))),
                ("Valid Locally", .int(Int64(miner.shares.valid))),
                ("Rejected", .int(Int64(miner.shares.rejected))),
                ("Stale", .int(Int64(miner.shares.stale))),
                ("Hardware Errors", .int(0)),
                ("Utility", .real(elapsed > 0 ? accepted / elapsed * 60 : 0, 2)),
                ("Last Share Time", .int(lastShare)),
                ("Last Share Difficulty", .real(miner.difficulty, 8)),
                ("No Device", .bool(false)),
                ("Device Rejected%", .real(percent(rejected, accepted + rejected + stale + Double(miner.shares.valid)), 4)),
                ("Device Elapsed", .int(Int64(elapsed))),
            ]
        }
    }
}
