import Foundation
import SoloMining

/// Solo mining against the worker's own node: where its RPC is, how to log in, and where the
/// coinbase pays (`[[worker.pool]]` with an `http(s)://` URL, or `run -o http://… --coinbase-addr`).
public struct SoloSettings: Sendable, Hashable {
    /// `http://HOST:PORT` or `https://HOST:PORT`.
    public var url: String
    /// The payout address (checked against the node's chain when the worker starts).
    public var coinbaseAddress: String
    /// bitcoind's `.cookie`; when set it is used instead of the worker's user and password.
    public var cookieFile: String?
    /// How often to ask for a new template when the node offers no long poll.
    public var pollInterval: Duration
    /// How long to wait before trying the node again after an error (unreachable, 401, IBD, wrong chain).
    public var retryInterval: Duration
    /// `https://` only: trust exactly this certificate (SHA-256 of its DER, 64 hex digits, colons allowed).
    public var tlsFingerprintSHA256: String?
    /// `https://` only: accept any certificate (a self-signed one on one's own node).
    public var allowSelfSigned: Bool

    public static let defaultPollInterval: Duration = .seconds(5)
    public static let defaultRetryInterval: Duration = .seconds(10)

    public init(url: String, coinbaseAddress: String, cookieFile: String? = nil,
                pollInterval: Duration = SoloSettings.defaultPollInterval,
                retryInterval: Duration = SoloSettings.defaultRetryInterval,
                tlsFingerprintSHA256: String? = nil, allowSelfSigned: Bool = false) {
        self.url = url
        self.coinbaseAddress = coinbaseAddress
        self.cookieFile = cookieFile
        self.pollInterval = pollInterval
        self.retryInterval = retryInterval
        self.tlsFingerprintSHA256 = tlsFingerprintSHA256
        self.allowSelfSigned = allowSelfSigned
    }

    /// Whether `url` names a node (http/https) rather than a Stratum pool.
    public static func isNodeURL(_ url: String) -> Bool {
        let lower = url.lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://")
    }

    /// The chains `address` is valid on (empty: not an address on any chain), and the reason of
    /// the last chain's refusal — what `check-config` reports.
    public static func chains(ofAddress address: String) -> (chains: [BitcoinNetwork], problem: String?) {
        var chains: [BitcoinNetwork] = []
        var problem: String?
        for network in BitcoinNetwork.allCases {
            do {
                _ = try CoinbaseAddress(address, network: network)
                chains.append(network)
            } catch {
                problem = "\(error)"
            }
        }
        return (chains, chains.isEmpty ? problem : nil)
    }
}
