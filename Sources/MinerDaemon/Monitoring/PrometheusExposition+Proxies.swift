/// The farm proxies' series: per proxy, and per miner labelled by its login (`downstream`), a
/// label set bounded by `max_downstreams`; connections sharing a login are summed.
extension PrometheusExposition {
    static func renderProxies(_ proxies: [StatusDocument.Proxy], into out: inout Writer) {
        guard !proxies.isEmpty else { return }
        out.family("swiftminer_proxy_upstream_up", .gauge, "1 while the proxy's upstream pool session is mining, else 0.")
        for p in proxies { out.sample("swiftminer_proxy_upstream_up", ["proxy": p.name, "pool": p.upstream.url], p.upstream.state == .mining ? 1 : 0) }
        out.family("swiftminer_proxy_upstream_difficulty", .gauge, "The upstream pool's difficulty.")
        for p in proxies { out.sample("swiftminer_proxy_upstream_difficulty", ["proxy": p.name, "pool": p.upstream.url], p.upstream.difficulty) }
        out.family("swiftminer_proxy_downstreams", .gauge, "Miners connected to the proxy.")
        for p in proxies { out.sample("swiftminer_proxy_downstreams", ["proxy": p.name], Double(p.downstreams.count)) }
        out.family("swiftminer_proxy_connections_refused_total", .counter,
                   "Miner connections refused (max_downstreams) or closed for malformed lines.")
        for p in proxies {
            out.sample("swiftminer_proxy_connections_refused_total", ["proxy": p.name, "reason": "max_downstreams"], Double(p.refusedConnections))
            out.sample("swiftminer_proxy_connections_refused_total", ["proxy": p.name, "reason": "malformed"], Double(p.closedForMisbehaviour))
        }
        out.family("swiftminer_proxy_shares_total", .counter,
                   "All miners' shares since start: accepted (by the pool), valid (locally, below the pool's difficulty), rejected, stale, lost.")
        for p in proxies {
            for (result, value) in results(p.totals) { out.sample("swiftminer_proxy_shares_total", ["proxy": p.name, "result": result], Double(value)) }
        }
        let miners = proxies.flatMap { p in byLogin(p).map { (proxy: p.name, login: $0.key, downstreams: $0.value) } }
        out.family("swiftminer_proxy_downstream_shares_total", .counter, "A connected miner's shares, as swiftminer_proxy_shares_total.")
        for m in miners {
            for (result, value) in results(sum(m.downstreams.map(\.shares))) {
                out.sample("swiftminer_proxy_downstream_shares_total", ["proxy": m.proxy, "downstream": m.login, "result": result], Double(value))
            }
        }
        out.family("swiftminer_proxy_downstream_hashrate_hashes_per_second", .gauge,
                   "A connected miner's hash rate from the difficulty of its valid shares (60s, 15m).")
        for m in miners {
            for (window, rate) in [("60s", m.downstreams.reduce(0) { $0 + $1.hashrate.oneMinute }),
                                   ("15m", m.downstreams.reduce(0) { $0 + $1.hashrate.fifteenMinutes })] {
                out.sample("swiftminer_proxy_downstream_hashrate_hashes_per_second",
                           ["proxy": m.proxy, "downstream": m.login, "window": window], rate)
            }
        }
        out.family("swiftminer_proxy_downstream_difficulty", .gauge, "A connected miner's share difficulty (the highest of its connections).")
        for m in miners {
            out.sample("swiftminer_proxy_downstream_difficulty", ["proxy": m.proxy, "downstream": m.login],
                       m.downstreams.map(\.difficulty).max() ?? 0)
        }
    }

    private static func results(_ c: StatusDocument.Proxy.Counts) -> [(String, Int)] {
        [("accepted", c.accepted), ("valid", c.valid), ("rejected", c.rejected - c.stale), ("stale", c.stale), ("lost", c.lost)]
    }

    private static func byLogin(_ proxy: StatusDocument.Proxy) -> [(key: String, value: [StatusDocument.Proxy.Downstream])] {
        Dictionary(grouping: proxy.downstreams) { $0.user ?? "(not authorized)" }.sorted { $0.key < $1.key }
    }

    private static func sum(_ counts: [StatusDocument.Proxy.Counts]) -> StatusDocument.Proxy.Counts {
        var total = StatusDocument.Proxy.Counts()
        for c in counts {
            total.accepted += c.accepted
            total.valid += c.valid
            total.rejected += c.rejected
            total.stale += c.stale
            total.lost += c.lost
        }
        return total
    }
}
