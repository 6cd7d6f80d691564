import MiningCore
import SoloMining
import StratumProtocol
import XCTest

/// BIP 173 / BIP 350 test vectors (bitcoin/bips bip-0173.mediawiki, bip-0350.mediawiki) and
/// addresses with their scripts from Bitcoin Core's src/test/data/key_io_valid.json.
final class AddressTests: XCTestCase {
    func testBech32ValidStringsOfBIP173() throws {
        for text in ["A12UEL5L", "a12uel5l",
                     "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
                     "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
                     "11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j",
                     "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w", "?1ezyfcl"] {
            let decoded = try Bech32.decode(text)
            XCTAssertEqual(decoded.encoding, .bech32, text)
            XCTAssertEqual(Bech32.encode(hrp: decoded.hrp, data: decoded.data, encoding: .bech32), text.lowercased(), text)
        }
    }

    func testBech32mValidStringsOfBIP350() throws {
        for text in ["A1LQFN3A", "a1lqfn3a",
                     "an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6",
                     "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
                     "11llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllludsr8",
                     "split1checkupstagehandshakeupstreamerranterredcaperredlc445v", "?1v759aa"] {
            let decoded = try Bech32.decode(text)
            XCTAssertEqual(decoded.encoding, .bech32m, text)
            XCTAssertEqual(Bech32.encode(hrp: decoded.hrp, data: decoded.data, encoding: .bech32m), text.lowercased(), text)
        }
    }

    func testBech32mInvalidStringsOfBIP350() {
        let invalid: [(String, Bech32.DecodingError)] = [
            ("\u{20}1xj0phk", .invalidHRPCharacter), ("\u{7f}1g6xzxy", .invalidHRPCharacter),
            ("an84characterslonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11d6pts4", .tooLong),
            ("qyrz8wqd2c9m", .noSeparator), ("1qyrz8wqd2c9m", .emptyHRP), ("y1b0jsk6g", .invalidDataCharacter),
            ("lt1igcx5c0", .invalidDataCharacter), ("in1muywd", .checksumTooShort), ("mm1crxm3i", .invalidDataCharacter),
            ("au1s5cgom", .invalidDataCharacter), ("M1VUXWEZ", .invalidChecksum), ("16plkw9", .emptyHRP), ("1p2gdwpf", .emptyHRP),
        ]
        for (text, expected) in invalid {
            XCTAssertThrowsError(try Bech32.decode(text), text) { XCTAssertEqual($0 as? Bech32.DecodingError, expected, text) }
        }
        // 0x80 + "1vctc34": a non-ASCII HRP byte.
        XCTAssertThrowsError(try Bech32.decode("\u{80}1vctc34"))
    }

    func testSegwitAddressesOfBIP350() throws {
        let valid = [
            ("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "0014751e76e8199196d454941c45d1b3a323f1433bd6"),
            ("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7", "00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262"),
            ("bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
             "5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6"),
            ("BC1SW50QGDZ25J", "6002751e"),
            ("bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", "5210751e76e8199196d454941c45d1b3a323"),
            ("tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy", "0020000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433"),
            ("tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c", "5120000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433"),
            ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", "512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"),
        ]
        for (text, script) in valid {
            let network: BitcoinNetwork = text.lowercased().hasPrefix("bc1") ? .mainnet : .testnet4
            XCTAssertEqual(Hex.encode(try CoinbaseAddress(text, network: network).scriptPubKey), script, text)
        }
        XCTAssertEqual(try CoinbaseAddress(valid[0].0, network: .mainnet).kind, .p2wpkh)
        XCTAssertEqual(try CoinbaseAddress(valid[1].0, network: .testnet3).kind, .p2wsh)
        XCTAssertEqual(try CoinbaseAddress(valid[7].0, network: .mainnet).kind, .p2tr)
        XCTAssertEqual(try CoinbaseAddress(valid[3].0, network: .mainnet).kind, .witnessUnknown(version: 16))

        let invalid = [
            "tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut",
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",
            "tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf",
            "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",
            "tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47",
            "bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4",
            "BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R",
            "bc1pw5dgrnzv",
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav",
            "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P",
            "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq",
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf",
            "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j",
            "bc1gmk9yu",
        ]
        for text in invalid {
            let network: BitcoinNetwork = text.lowercased().hasPrefix("tb1") ? .testnet4 : .mainnet
            XCTAssertThrowsError(try CoinbaseAddress(text, network: network), text) { error in
                XCTAssertFalse((error as? AddressError)?.isWrongNetwork ?? true, "\(text): \(error)")
            }
        }
    }

    /// Every address entry of key_io_valid.json used here, with the chain Core lists it for.
    static let coreAddresses: [(String, String, BitcoinNetwork)] = [
        ("1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo", "76a914a31c06bd463e3923bc1aadbde48b16976c08071788ac", .mainnet),
        ("36j4NfKv6Akva9amjWrLG6MuSQym1GuEmm", "a914373b819a068f32b7a6b38b6b38729647cfde01c287", .mainnet),
        ("mzK2FFDEhxqHcmrJw1ysqFkVyhUULo45hZ", "76a914ce28b26c57472737f5c3561a1761185bd8589a4388ac", .testnet4),
        ("2NC2hEhe28ULKAJkW5MjZ3jtTMJdvXmByvK", "a914ce0bba75891ff9ec60148d4bd4a09ee2dc5c933187", .testnet4),
        ("mww4LvqtTMKvmeQvizPz2EQv26xTneWrbg", "76a914b4110ba93ac54afc14da3bdd19614774a2d55d2988ac", .signet),
        ("2N1r7aC69VHeE7yQJPDLi9T1PYq4wnwvjuT", "a9145e5a35ab44b3efaea5129ba22b88ba3e2976614587", .signet),
        ("n4fajahJrAuKbN7uNsKjLjQkz9Qn5ewJXQ", "76a914fdeca3b08e38af53d7c4c60e3ad208ce5066441088ac", .regtest),
        ("2MxFajLApXpYk4VodBSZSt7rw8y4ryABkfA", "a91436e9f191e0b75036a77f65e2eaa4752443233fbe87", .regtest),
        ("bc1qvyq0cc6rahyvsazfdje0twl7ez82ndmuac2lhv", "00146100fc6343edc8c874496cb2f5bbfec88ea9b77c", .mainnet),
        ("bc1qyucykdlhp62tezs0hagqury402qwhk589q80tqs5myh3rxq34nwqhkdhv7", "002027304b37f70e94bc8a0fbf500e0c957a80ebda87280ef58214d92f119811acdc", .mainnet),
        ("bc1p83n3au0rjylefxq2nc2xh2y4jzz4pm6zxj4mw5pagdjjr2a9f36s6jjnnu", "51203c671ef1e3913f94980a9e146ba895908550ef4234abb7503d436521aba54c75", .mainnet),
        ("bc1z2rksukkjr8", "520250ed", .mainnet),
        ("tb1qcrh3yqn4nlleplcez2yndq2ry8h9ncg3qh7n54", "0014c0ef1202759fff90ff19128936814321ee59e111", .testnet4),
        ("tb1p35n52jy6xkm4wd905tdy8qtagrn73kqdz73xe4zxpvq9t3fp50aqk3s6gz", "51208d2745489a35b75734afa2da43817d40e7e8d80d17a26cd4460b0055c521a3fa", .testnet4),
        ("tb1q3vya2h5435jkugq2few7dmktlrwq4ejmfaw7kr", "00148b09d55e958d256e200a4e5de6eecbf8dc0ae65b", .signet),
        ("tb1pae5um27ahn8n73pgexe3kcwlp8dhswpn684h2k2w6t9a7w3eq65qephd5y", "5120ee69cdabddbccf3f4428c9b31b61df09db783833d1eb75594ed2cbdf3a3906a8", .signet),
        ("bcrt1qdavt4j2sd7dlhqsavtnfxvzppw6k7qy97tmnu9", "00146f58bac9506f9bfb821d62e69330410bb56f0085", .regtest),
        ("bcrt1qan8gntac7z7me2ejt4hpru42ad2f759fmy0m3ejvs98656znv7eqga4uhv", "0020ecce89afb8f0bdbcab325d6e11f2aaeb549f50a9d91fb8e64c814faa685367b2", .regtest),
        ("bcrt1pfwxjqvtt4tcxrtdluukfmy2dv7xd2qzdfy6kajv5nwn4yam3wxkq3553uh", "51204b8d20316baaf061adbfe72c9d914d678cd5004d49356ec9949ba752777171ac", .regtest),
        ("1FjL87pn8ky6Vbavd1ZHeChRXtoxwRGCRd", "76a914a19331b7b2627e663e25a7b001e4c0dcc5e21bc788ac", .mainnet),
        ("3BZECeAH8gSKkjrTx8PwMrNQBLG18yHpvf", "a9146c382dcdf5b284760c8e3fead91f7422cd76aa8787", .mainnet),
        ("mfhE6jAUwjUDNZhaX1PAsDTKfneQF2Nshc", "76a91401f15a4cc063dae4f4d56b89bfbc8bcc9ae5387c88ac", .regtest),
    ]

    static func isBech32(_ text: String) -> Bool {
        ["bc1", "tb1", "bcrt1"].contains { text.lowercased().hasPrefix($0) }
    }

    func testCoreAddressesOnEveryChainTheyBelongTo() throws {
        for (text, script, chain) in Self.coreAddresses {
            XCTAssertEqual(Hex.encode(try CoinbaseAddress(text, network: chain).scriptPubKey), script, text)
            // Case-flipped bech32 is the same address.
            if Self.isBech32(text) {
                XCTAssertEqual(Hex.encode(try CoinbaseAddress(text.uppercased(), network: chain).scriptPubKey), script, text)
            }
        }
    }

    func testWrongChainIsAClearError() throws {
        for (text, _, chain) in Self.coreAddresses {
            let isBase58 = !Self.isBech32(text)
            for other in BitcoinNetwork.allCases {
                let sharesPrefix = isBase58 ? (other == .mainnet) == (chain == .mainnet) : other.bech32HRP == chain.bech32HRP
                if sharesPrefix {
                    XCTAssertNoThrow(try CoinbaseAddress(text, network: other), "\(text) on \(other)")
                } else {
                    XCTAssertThrowsError(try CoinbaseAddress(text, network: other), "\(text) on \(other)") { error in
                        let addressError = error as? AddressError
                        XCTAssertEqual(addressError?.isWrongNetwork, true, "\(text) on \(other): \(error)")
                        XCTAssertTrue("\(error)".contains("but the node runs \(other.rawValue)"), "\(error)")
                    }
                }
            }
        }
    }

    func testBase58Check() throws {
        // en.bitcoin.it "Technical background of version 1 Bitcoin addresses": hash160 → address.
        let decoded = try Base58Check.decode("1PMycacnJaSqwwJqjawXBErnLsZ7RkXUAs")
        XCTAssertEqual(decoded.version, 0)
        XCTAssertEqual(Hex.encode(decoded.payload), "f54a5851e9372b87810a8e60cdd2e7cfd80b6e31")
        XCTAssertEqual(Base58Check.encode(version: 0, payload: decoded.payload), "1PMycacnJaSqwwJqjawXBErnLsZ7RkXUAs")
        for (text, _, _) in Self.coreAddresses where !Self.isBech32(text) {
            let (version, payload) = try Base58Check.decode(text)
            XCTAssertEqual(Base58Check.encode(version: version, payload: payload), text)
        }
        // One changed character breaks the checksum; characters outside the alphabet are refused.
        XCTAssertThrowsError(try Base58Check.decode("1PMycacnJaSqwwJqjawXBErnLsZ7RkXUAt")) {
            XCTAssertEqual($0 as? Base58Check.DecodingError, .invalidChecksum)
        }
        XCTAssertThrowsError(try Base58Check.decode("1PMycacnJaSqwwJqjawXBErnLsZ7RkXUA0")) {
            XCTAssertEqual($0 as? Base58Check.DecodingError, .invalidCharacter)
        }
        XCTAssertThrowsError(try CoinbaseAddress("", network: .regtest))
    }
}
