import Foundation

/// A farm proxy in `swiftminer status`: a line for the proxy and its upstream, then one row per
/// connected miner.
enum ProxyStatusView {
    static func lines(_ proxy: StatusDocument.Proxy, now: Date) -> [String] {
        let totals = proxy.totals
        var lines = [
            "PROXY \(proxy.name) on \(proxy.listen) → \(proxy.upstream.url.isEmpty ? "(no pool yet)" : proxy.upstream.url) "
                + "[\(proxy.upstream.state.rawValue), difficulty \(String(format: "%.4g", proxy.upstream.difficulty))]: "
                + "\(proxy.downstreams.count) miner(s); since start accepted by the pool \(totals.accepted), valid locally "
                + "\(totals.valid), rejected \(totals.rejected) (stale \(totals.stale)), lost \(totals.lost)",
        ]
        if let refusal = proxy.upstreamRefusal { lines.append("WARNING: \(proxy.name): \(refusal)") }
        guard !proxy.downstreams.isEmpty else { return lines }
        var rows = [["MINER", "ADDRESS", "AGENT", "DIFF", "HASHRATE 60s/15m", "ACC/VALID/REJ/STALE", "LAST SHARE"]]
        for miner in proxy.downstreams {
            let shares = miner.shares
            rows.append([
                miner.user ?? "#\(miner.id)",
                miner.address,
                String((miner.userAgent ?? "-").prefix(24)),
                String(format: "%.4g", miner.difficulty),
                HashrateFormat.string(miner.hashrate.oneMinute) + " / " + HashrateFormat.string(miner.hashrate.fifteenMinutes),
                [shares.accepted, shares.valid, shares.rejected, shares.stale].map(String.init).joined(separator: "/"),
                miner.lastShareAt.map { StatusView.duration(Int(now.timeIntervalSince($0))) + " ago" } ?? "never",
            ])
        }
        return lines + StatusView.aligned(rows).map { "  " + $0 }
    }
}
