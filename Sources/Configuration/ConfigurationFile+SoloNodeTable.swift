import SoloMining

// Solo mining (issue 17): a [[worker.pool]] with an http(s):// URL is the worker's own node.
extension ConfigurationFile.Reader {
    /// A pool entry is a solo node when it says where the coinbase pays (an http:// URL alone is
    /// a mistyped pool URL, and reported as one).
    static func isSoloPool(_ table: TOMLTable) -> Bool {
        table["coinbase_addr"] != nil || table["rpc_cookie_file"] != nil
    }

    /// A solo worker's login is checked with its pool (a cookie file replaces `user`).
    func hasSoloPool(_ worker: TOMLTable) -> Bool {
        guard case .array(let items)? = worker["pool"]?.value else { return false }
        return items.contains { item in
            guard case .table(let pool) = item.value else { return false }
            return Self.isSoloPool(pool)
        }
    }

    /// `url = "http(s)://HOST:PORT"`, `coinbase_addr`, optional `rpc_cookie_file` and `poll_interval`.
    mutating func soloPool(_ table: TOMLTable, path: String, line: Int, poolCount: Int) -> SoloSettings? {
        checkKeys(table, known: ["url", "coinbase_addr", "rpc_cookie_file", "poll_interval", "tls_fingerprint_sha256",
                                 "allow_self_signed"], prefix: path)
        let before = issues.count
        if poolCount > 1 {
            issue(line, path, "a solo node (http:// URL) must be the worker's only pool: give solo mining a [[worker]] of its own")
        }
        var solo = SoloSettings(url: "", coinbaseAddress: "")
        if let (url, urlLine) = string(table, "url", "\(path).url") {
            if NodeEndpoint(url: url) == nil {
                issue(urlLine, "\(path).url", ConfigurationFile.nodeURLExpected)
            } else {
                solo.url = url
            }
        } else if table["url"] == nil {
            issue(line, "\(path).url", "missing: the node's RPC URL, e.g. \"http://127.0.0.1:8332\"")
        }
        if let (address, addressLine) = string(table, "coinbase_addr", "\(path).coinbase_addr") {
            if let problem = SoloSettings.chains(ofAddress: address).problem {
                issue(addressLine, "\(path).coinbase_addr", problem)
            } else {
                solo.coinbaseAddress = address
            }
        } else if table["coinbase_addr"] == nil {
            issue(line, "\(path).coinbase_addr", "missing: the address the coinbase pays (solo mining)")
        }
        if let (cookie, cookieLine) = string(table, "rpc_cookie_file", "\(path).rpc_cookie_file") {
            if cookie.isEmpty { issue(cookieLine, "\(path).rpc_cookie_file", "must not be empty") } else { solo.cookieFile = cookie }
        }
        if let interval = duration(table, "poll_interval", "\(path).poll_interval", 0.1...3600) { solo.pollInterval = interval }
        solo.tlsFingerprintSHA256 = tlsFingerprint(table, path: path)
        if let value = bool(table, "allow_self_signed", "\(path).allow_self_signed") { solo.allowSelfSigned = value }
        return issues.count == before ? solo : nil
    }
}
