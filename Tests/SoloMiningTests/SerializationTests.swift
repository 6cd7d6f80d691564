import MiningCore
import SoloMining
import StratumProtocol
import TestVectors
import XCTest

/// The transaction and block serializers against the real blocks in Tests/Fixtures/vectors.json.
final class SerializationTests: XCTestCase {
    private func vector(_ id: String) throws -> JSONValue {
        guard let vector = try VectorFile.all().first(where: { $0.id == id }) else { throw VectorError("no vector \(id)") }
        return vector
    }

    /// Block 170: the header and both raw transactions serialize to a block that parses back to
    /// the same bytes, whose merkle root and hash are the real ones.
    func testBlock170SerializesAndParsesBack() throws {
        let v = try vector("block_txids_mainnet_170")
        let header = try XCTUnwrap(BlockHeader(bytes: try XCTUnwrap(Hex.decode(try v.string("header_hex")))))
        let raw = try XCTUnwrap(v["raw_txs_hex"]?.arrayValue).map { try XCTUnwrap(Hex.decode($0.stringValue ?? "")) }
        let bytes = BitcoinBlock.serialize(header: header, coinbase: raw[0], transactions: Array(raw.dropFirst()))
        XCTAssertEqual(bytes.count, 80 + 1 + raw.reduce(0) { $0 + $1.count })
        let block = try BitcoinBlock(bytes: bytes)
        XCTAssertEqual(block.serialized(), bytes)
        XCTAssertEqual(block.transactions.map { Hex.encode($0.txid.reversed()) }, try XCTUnwrap(v["txids"]?.arrayValue).compactMap(\.stringValue))
        XCTAssertEqual(block.computedMerkleRoot, header.merkleRoot)
        XCTAssertEqual(block.header.displayHash, try v["expected"]!.string("block_hash"))
        XCTAssertTrue(block.transactions[0].isCoinbase)
        XCTAssertFalse(block.transactions[1].isCoinbase)
    }

    /// Genesis blocks of every chain: header + coinbase serialize to a block whose merkle root is
    /// the coinbase txid. The mainnet genesis block is 285 bytes (en.bitcoin.it/wiki/Genesis_block).
    func testGenesisBlocks() throws {
        for v in try VectorFile.vectors(kind: "block_header") {
            guard let coinbaseHex = v["coinbase_tx_hex"]?.stringValue, let headerHex = v["header_hex"]?.stringValue else { continue }
            let header = try XCTUnwrap(BlockHeader(bytes: try XCTUnwrap(Hex.decode(headerHex))))
            let coinbase = try BitcoinTransaction(bytes: try XCTUnwrap(Hex.decode(coinbaseHex)))
            XCTAssertEqual(Hex.encode(coinbase.txid.reversed()), try v["expected"]!.string("coinbase_txid_display"), v.id)
            let bytes = BitcoinBlock(header: header, transactions: [coinbase]).serialized()
            let parsed = try BitcoinBlock(bytes: bytes)
            XCTAssertEqual(parsed.computedMerkleRoot, header.merkleRoot, v.id)
            XCTAssertEqual(parsed.header.displayHash, try v["expected"]!.string("block_hash"), v.id)
            if v.id == "block_header_genesis_mainnet" { XCTAssertEqual(bytes.count, 285) }
        }
    }

    /// Real coinbases parse and re-serialize byte for byte; their BIP 34 height push is ours.
    func testRealCoinbasesAndTheirHeightPush() throws {
        let v277316 = try vector("txid_coinbase_mainnet_277316")
        let raw = try XCTUnwrap(Hex.decode(try v277316.string("tx_hex")))
        let coinbase = try BitcoinTransaction(bytes: raw)
        XCTAssertEqual(coinbase.serialized(), raw)
        XCTAssertEqual(Hex.encode(coinbase.txid.reversed()), try v277316["expected"]!.string("txid_display"))
        XCTAssertTrue(coinbase.inputs[0].scriptSig.starts(with: Script.heightPush(277_316)))

        let job = try vector("job_from_block_mainnet_540107")
        let notify = try XCTUnwrap(job["notify"])
        let parts = [try notify.string("coinb1"), try job["subscribe"]!.string("extranonce1"),
                     try job["submit"]!.string("extranonce2"), try notify.string("coinb2")]
        let bytes = try XCTUnwrap(Hex.decode(parts.joined()))
        let tx540107 = try BitcoinTransaction(bytes: bytes)
        XCTAssertEqual(tx540107.serialized(), bytes)
        XCTAssertEqual(Hex.encode(tx540107.txid), try job["derived"]!.string("coinbase_txid_internal_hex"))
        XCTAssertTrue(tx540107.inputs[0].scriptSig.starts(with: Script.heightPush(540_107)))
        XCTAssertFalse(tx540107.inputs[0].scriptSig.starts(with: Script.heightPush(540_108)))
    }

    func testHeightPushMatchesCScriptOperator() {
        XCTAssertEqual(Script.heightPush(1), [0x51])
        XCTAssertEqual(Script.heightPush(16), [0x60])
        XCTAssertEqual(Script.heightPush(17), [0x01, 0x11])
        XCTAssertEqual(Script.heightPush(127), [0x01, 0x7f])
        XCTAssertEqual(Script.heightPush(128), [0x02, 0x80, 0x00])  // sign bit needs an extra byte
        XCTAssertEqual(Script.heightPush(256), [0x02, 0x00, 0x01])
        XCTAssertEqual(Script.heightPush(840_000), [0x03, 0x40, 0xd1, 0x0c])
        XCTAssertEqual(Script.heightPush(8_388_608), [0x04, 0x00, 0x00, 0x80, 0x00])
    }

    func testSegwitTransactionRoundTripAndIDs() throws {
        let input = BitcoinTransaction.Input(previousTxid: [UInt8](repeating: 7, count: 32), previousIndex: 1, scriptSig: [],
                                             sequence: 0xffff_fffd, witness: [[1, 2, 3], [UInt8](repeating: 9, count: 33)])
        let tx = BitcoinTransaction(version: 2, inputs: [input], outputs: [.init(value: 1234, scriptPubKey: [0x00, 0x14] + [UInt8](repeating: 1, count: 20))], lockTime: 0)
        let full = tx.serialized()
        XCTAssertEqual(Array(full[4..<6]), [0x00, 0x01], "BIP 144 marker and flag")
        XCTAssertEqual(try BitcoinTransaction(bytes: full), tx)
        XCTAssertEqual(try BitcoinTransaction(bytes: tx.serialized(includingWitness: false)).hasWitness, false)
        XCTAssertNotEqual(tx.txid, tx.wtxid)
        XCTAssertEqual(tx.txid, SHA256.hashTwice(tx.serialized(includingWitness: false)))
        // The marker with all-empty witnesses is invalid (BIP 144), and so are trailing bytes.
        var empty = tx
        empty.inputs[0].witness = []
        var marked = empty.serialized()
        marked.insert(contentsOf: [0x00, 0x01], at: 4)
        marked.insert(0x00, at: marked.count - 4)
        XCTAssertThrowsError(try BitcoinTransaction(bytes: marked)) { XCTAssertEqual($0 as? BitcoinTransaction.ParseError, .superfluousWitness) }
        XCTAssertThrowsError(try BitcoinTransaction(bytes: full + [0])) { XCTAssertEqual($0 as? BitcoinTransaction.ParseError, .trailingBytes) }
        XCTAssertThrowsError(try BitcoinTransaction(bytes: Array(full.dropLast())))
    }

    func testCompactSize() throws {
        for value in [0, 1, 0xfc, 0xfd, 0xffff, 0x1_0000, 0xffff_ffff, 0x1_0000_0000] {
            var writer = ByteWriter()
            writer.append(compactSize: value)
            XCTAssertEqual(writer.bytes.count, value < 0xfd ? 1 : value <= 0xffff ? 3 : value <= 0xffff_ffff ? 5 : 9)
            var reader = ByteReader(writer.bytes)
            XCTAssertEqual(try reader.readCompactSize(limit: .max), value)
        }
        var nonCanonical = ByteReader([0xfd, 0x10, 0x00])
        XCTAssertThrowsError(try nonCanonical.readCompactSize())
    }
}
