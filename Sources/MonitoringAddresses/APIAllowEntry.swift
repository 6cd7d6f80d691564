/// One entry of the cgminer-style API's allow list (cgminer's `--api-allow`): `ADDRESS[/PREFIX]`,
/// `R:ADDRESS[/PREFIX]` (read) or `W:ADDRESS[/PREFIX]` (read and write); IPv4 or IPv6. Short IPv4
/// prefixes are padded as cgminer does: `10.0.0/24` is 10.0.0.0/24, `0/0` every IPv4 client.
package struct APIAllowEntry: Sendable, Hashable {
    /// `W:`: the entry also grants the privileged (write) commands.
    package let grantsWrite: Bool
    package let network: MonitoringIPAddress
    /// Bits of `network` a client must share; the address length when the entry gives none.
    package let prefixLength: Int

    /// Nil unless `raw` is a well-formed entry.
    package init?(_ raw: String) {
        var entry = Substring(raw.monitoringTrimmed)
        var grantsWrite = false
        if entry.count > 2, entry.dropFirst().first == ":", let letter = entry.first, letter.isLetter {
            switch letter.uppercased() {
            case "W": grantsWrite = true
            case "R": grantsWrite = false
            default: return nil
            }
            entry = entry.dropFirst(2)
        }
        var prefix: Int?
        if let slash = entry.firstIndex(of: "/") {
            guard let bits = Int(entry[entry.index(after: slash)...]) else { return nil }
            prefix = bits
            entry = entry[..<slash]
        }
        var text = String(entry)
        if !text.contains(":") {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard (1...4).contains(parts.count) else { return nil }
            text = (parts.map(String.init) + Array(repeating: "0", count: 4 - parts.count)).joined(separator: ".")
        }
        guard let network = MonitoringIPAddress(text) else { return nil }
        let maxBits = network.bytes.count * 8
        let bits = prefix ?? maxBits
        guard (0...maxBits).contains(bits) else { return nil }
        self.grantsWrite = grantsWrite
        self.network = network
        self.prefixLength = bits
    }

    /// Whether `client` is inside this entry's network.
    package func matches(_ client: MonitoringIPAddress) -> Bool {
        client.matches(network, prefixLength: prefixLength)
    }

    /// Whether the entry names only loopback clients (127.0.0.0/8 or narrower, ::1/128).
    package var isLoopbackOnly: Bool {
        network.isLoopback && prefixLength >= (network.bytes.count == 4 ? 8 : 128)
    }

    /// The entries of `allow` that are not well-formed (for configuration checks).
    package static func invalidEntries(_ allow: [String]) -> [String] {
        allow.filter { APIAllowEntry($0) == nil }
    }
}
