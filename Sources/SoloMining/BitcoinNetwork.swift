/// The chains a node can run, with the address prefixes each accepts (Bitcoin Core
/// `src/kernel/chainparams.cpp`: base58Prefixes PUBKEY_ADDRESS / SCRIPT_ADDRESS and bech32_hrp).
public enum BitcoinNetwork: String, Sendable, Hashable, CaseIterable {
    case mainnet = "main"
    case testnet3 = "test"
    case testnet4
    case signet
    case regtest

    /// From the `chain` field of `getblockchaininfo` ("main", "test", "testnet4", "signet",
    /// "regtest"); also accepts the common spellings "mainnet", "testnet", "testnet3".
    public init?(chainName: String) {
        switch chainName.lowercased() {
        case "main", "mainnet", "bitcoin": self = .mainnet
        case "test", "testnet", "testnet3": self = .testnet3
        case "testnet4": self = .testnet4
        case "signet": self = .signet
        case "regtest": self = .regtest
        default: return nil
        }
    }

    /// Base58Check version byte of P2PKH addresses: 0 on mainnet, 111 on every test chain.
    public var pubkeyHashVersion: UInt8 { self == .mainnet ? 0x00 : 0x6f }
    /// Base58Check version byte of P2SH addresses: 5 on mainnet, 196 on every test chain.
    public var scriptHashVersion: UInt8 { self == .mainnet ? 0x05 : 0xc4 }
    /// Segwit address prefix (BIP 173): bc, tb (testnet3, testnet4, signet), bcrt (regtest).
    public var bech32HRP: String {
        switch self {
        case .mainnet: "bc"
        case .testnet3, .testnet4, .signet: "tb"
        case .regtest: "bcrt"
        }
    }

    /// The chains an address with this network's prefixes is valid on (test chains share
    /// prefixes; regtest shares only the base58 ones).
    static func chains(forBech32HRP hrp: String) -> [BitcoinNetwork] {
        allCases.filter { $0.bech32HRP == hrp }
    }

    static func chains(forBase58Version version: UInt8) -> [BitcoinNetwork] {
        allCases.filter { $0.pubkeyHashVersion == version || $0.scriptHashVersion == version }
    }
}
