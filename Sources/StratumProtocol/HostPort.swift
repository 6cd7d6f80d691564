/// `HOST:PORT` as pool URLs and listen addresses write it: `[IPv6]:PORT` in brackets, otherwise
/// exactly one colon. The port is 1 to 5 ASCII digits, at most 65535. What a host may be is for
/// the caller to decide (a pool name, a literal address to bind).
public struct HostPort: Sendable, Hashable {
    /// Without brackets.
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Nil unless `text` is `HOST:PORT` with a non-empty host.
    public init?(_ text: Substring) {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":"), text.firstIndex(of: ":") == colon else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, (1...5).contains(portText.utf8.count), portText.allSatisfy(\.isASCIIDigit),
              let port = Int(portText), port <= 65535 else { return nil }
        self.init(host: String(host), port: port)
    }

    /// `host:port`, or `[host]:port` for an IPv6 host.
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

extension Character {
    /// 0-9 only (`isNumber` also takes other scripts' digits).
    public var isASCIIDigit: Bool { isASCII && isWholeNumber }
}
