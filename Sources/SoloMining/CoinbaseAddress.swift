import MiningCore

/// A payout address decoded to the output script the coinbase pays, for one chain.
///
/// Legacy: Base58Check P2PKH (`OP_DUP OP_HASH160 <20> OP_EQUALVERIFY OP_CHECKSIG`) and P2SH
/// (`OP_HASH160 <20> OP_EQUAL`). Segwit (BIP 173/350): `OP_n <program>`; version 0 needs the
/// Bech32 checksum and a 20-byte (P2WPKH) or 32-byte (P2WSH) program, versions 1–16 need Bech32m
/// (a 32-byte v1 program is P2TR, BIP 341); programs are 2–40 bytes (BIP 141).
public struct CoinbaseAddress: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        case p2pkh, p2sh, p2wpkh, p2wsh, p2tr
        /// A segwit version or program length no soft fork defines yet (valid to pay, BIP 350).
        case witnessUnknown(version: Int)
    }

    public let text: String
    public let network: BitcoinNetwork
    public let kind: Kind
    public let scriptPubKey: [UInt8]

    public var description: String { text }

    public init(_ text: String, network: BitcoinNetwork) throws(AddressError) {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw AddressError(.empty, address: text, network: network) }
        self.text = trimmed
        self.network = network
        let lower = Array(trimmed.lowercased().utf8)
        let hrp = lower.lastIndex(of: UInt8(ascii: "1")).map { String(decoding: lower[..<$0], as: UTF8.self) }
        if let hrp, !BitcoinNetwork.chains(forBech32HRP: hrp).isEmpty {
            (kind, scriptPubKey) = try Self.decodeSegwit(trimmed, hrp: hrp, network: network)
        } else {
            (kind, scriptPubKey) = try Self.decodeBase58(trimmed, network: network)
        }
    }

    private static func decodeSegwit(_ text: String, hrp: String, network: BitcoinNetwork) throws(AddressError) -> (Kind, [UInt8]) {
        let decoded: (hrp: String, data: [UInt8], encoding: Bech32.Encoding)
        do {
            decoded = try Bech32.decode(text)
        } catch {
            throw AddressError(.invalidEncoding("bech32: \(error)"), address: text, network: network)
        }
        guard decoded.hrp == network.bech32HRP else {
            throw AddressError(.wrongNetwork(addressChains: BitcoinNetwork.chains(forBech32HRP: decoded.hrp)),
                               address: text, network: network)
        }
        guard let version = decoded.data.first, version <= 16 else {
            throw AddressError(.invalidEncoding("witness version outside 0...16"), address: text, network: network)
        }
        guard let program = Bech32.convertBits(Array(decoded.data.dropFirst()), from: 5, to: 8, pad: false) else {
            throw AddressError(.invalidEncoding("bad padding in the witness program"), address: text, network: network)
        }
        guard (2...40).contains(program.count) else {
            throw AddressError(.invalidEncoding("witness program of \(program.count) bytes (2...40)"), address: text, network: network)
        }
        // BIP 350: version 0 keeps Bech32, every later version uses Bech32m.
        guard decoded.encoding == (version == 0 ? .bech32 : .bech32m) else {
            throw AddressError(.invalidEncoding("witness version \(version) with the \(decoded.encoding) checksum"),
                               address: text, network: network)
        }
        let kind: Kind
        switch (version, program.count) {
        case (0, 20): kind = .p2wpkh
        case (0, 32): kind = .p2wsh
        case (0, _):
            throw AddressError(.invalidEncoding("version 0 program of \(program.count) bytes (20 or 32)"), address: text, network: network)
        case (1, 32): kind = .p2tr
        default: kind = .witnessUnknown(version: Int(version))
        }
        let versionOpcode: UInt8 = version == 0 ? 0x00 : 0x50 + version  // OP_0, OP_1…OP_16
        return (kind, [versionOpcode, UInt8(program.count)] + program)
    }

    private static func decodeBase58(_ text: String, network: BitcoinNetwork) throws(AddressError) -> (Kind, [UInt8]) {
        let decoded: (version: UInt8, payload: [UInt8])
        do {
            decoded = try Base58Check.decode(text)
        } catch {
            throw AddressError(.invalidEncoding("base58check: \(error)"), address: text, network: network)
        }
        guard decoded.payload.count == 20 else {
            throw AddressError(.invalidEncoding("payload of \(decoded.payload.count) bytes (20)"), address: text, network: network)
        }
        switch decoded.version {
        case network.pubkeyHashVersion:
            return (.p2pkh, [0x76, 0xa9, 0x14] + decoded.payload + [0x88, 0xac])
        case network.scriptHashVersion:
            return (.p2sh, [0xa9, 0x14] + decoded.payload + [0x87])
        default:
            let chains = BitcoinNetwork.chains(forBase58Version: decoded.version)
            if chains.isEmpty {
                throw AddressError(.invalidEncoding("unknown version byte \(decoded.version)"), address: text, network: network)
            }
            throw AddressError(.wrongNetwork(addressChains: chains), address: text, network: network)
        }
    }
}

/// Why an address cannot be paid on the node's chain.
public struct AddressError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Reason: Hashable, Sendable {
        case empty
        case invalidEncoding(String)
        /// A well-formed address of another chain.
        case wrongNetwork(addressChains: [BitcoinNetwork])
    }

    public let reason: Reason
    public let address: String
    public let network: BitcoinNetwork

    init(_ reason: Reason, address: String, network: BitcoinNetwork) {
        self.reason = reason
        self.address = address
        self.network = network
    }

    public var isWrongNetwork: Bool { if case .wrongNetwork = reason { true } else { false } }

    public var description: String {
        switch reason {
        case .empty:
            "coinbase address is empty"
        case .invalidEncoding(let detail):
            "coinbase address \(address) is not a valid address (\(detail))"
        case .wrongNetwork(let chains):
            "coinbase address \(address) is for \(chains.map(\.rawValue).joined(separator: "/")), but the node runs \(network.rawValue)"
        }
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
