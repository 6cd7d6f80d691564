import PoolSettings

extension ConfigurationFile.Reader {
    /// A Stratum `[[worker.pool]]`: its URL, TLS trust and protocol options. nil when refused.
    mutating func pool(_ table: TOMLTable, path: String, line: Int) -> PoolConfiguration? {
        checkKeys(table, known: ["url", "tls_fingerprint_sha256", "allow_self_signed", "extranonce_subscribe",
                                 "suggest_difficulty", "version_rolling", "allow_reconnect_to_other_host",
                                 "sv2_channel", "sv2_certificate_leeway"], prefix: path)
        let before = issues.count
        var pool = PoolConfiguration(url: "")
        if let (url, urlLine) = string(table, "url", "\(path).url") {
            if let problem = ConfigurationFile.poolURLProblem(url) {
                issue(urlLine, "\(path).url", problem
                    + (SoloSettings.isNodeURL(url) ? "; to mine solo against this node, add coinbase_addr" : ""))
            } else {
                pool.url = url
            }
        } else if table["url"] == nil {
            issue(line, "\(path).url", "missing: the pool URL, e.g. \"stratum+tcp://pool.example.com:3333\"")
        }
        pool.tlsFingerprintSHA256 = tlsFingerprint(table, path: path)
        if let value = bool(table, "allow_self_signed", "\(path).allow_self_signed") { pool.allowSelfSigned = value }
        if let value = bool(table, "extranonce_subscribe", "\(path).extranonce_subscribe") { pool.extranonceSubscribe = value }
        if let suggestion = difficultySuggestion(table, "\(path).suggest_difficulty") {
            pool.difficultySuggestion = suggestion
        }
        if let value = bool(table, "version_rolling", "\(path).version_rolling") { pool.versionRolling = value }
        if let value = bool(table, "allow_reconnect_to_other_host", "\(path).allow_reconnect_to_other_host") {
            pool.allowReconnectToOtherHost = value
        }
        stratumV2Keys(table, path: path, into: &pool)
        return issues.count == before ? pool : nil
    }

    /// `sv2_channel` ("standard" or "extended") and `sv2_certificate_leeway` (seconds, 0…3600):
    /// read for any pool, used by `stratum2+tcp://` ones.
    mutating func stratumV2Keys(_ table: TOMLTable, path: String, into pool: inout PoolConfiguration) {
        if let (text, line) = string(table, "sv2_channel", "\(path).sv2_channel") {
            if let kind = SV2ChannelKind(rawValue: text) {
                pool.stratumV2Channel = kind
            } else {
                issue(line, "\(path).sv2_channel", "expected \"standard\" or \"extended\"")
            }
        }
        if let seconds = integer(table, "sv2_certificate_leeway", "\(path).sv2_certificate_leeway", 0...3600) {
            pool.certificateLeewaySeconds = UInt32(seconds)
        }
    }

    /// `suggest_difficulty`: "auto", a positive number (fixed), or false (never sent).
    mutating func difficultySuggestion(_ table: TOMLTable, _ path: String) -> DifficultySuggestion? {
        guard let node = table["suggest_difficulty"] else { return nil }
        let hint = "use \"auto\" (from the hash rate), a positive number (fixed), or false (not sent)"
        switch node.value {
        case .string("auto"): return .auto
        case .boolean(false): return .off
        case .integer, .float:
            return number(table, "suggest_difficulty", path, 0...1e15, exclusiveLower: true).map { .fixed($0) }
        default:
            issue(node.line, path, hint)
            return nil
        }
    }

    /// `tls_fingerprint_sha256`: 64 hex digits, colons allowed (a pool's or a node's certificate pin).
    mutating func tlsFingerprint(_ table: TOMLTable, path: String) -> String? {
        guard let (fingerprint, line) = string(table, "tls_fingerprint_sha256", "\(path).tls_fingerprint_sha256") else { return nil }
        guard CertificateFingerprint.normalized(fingerprint) != nil else {
            issue(line, "\(path).tls_fingerprint_sha256", "expected 64 hex digits (colons allowed)")
            return nil
        }
        return fingerprint
    }
}
