import MiningCore
import SoloMining
import StratumProtocol
import XCTest

/// Template decoding, the coinbase builder and the job handed to the engine, on a hand-made
/// template with a legacy and a segwit transaction.
final class SoloJobTests: XCTestCase {
    static let payout = try! CoinbaseAddress("bcrt1qdavt4j2sd7dlhqsavtnfxvzppw6k7qy97tmnu9", network: .regtest)

    static func transaction(_ seed: UInt8, witness: Bool) -> BitcoinTransaction {
        let input = BitcoinTransaction.Input(previousTxid: [UInt8](repeating: seed, count: 32), previousIndex: 0,
                                             scriptSig: witness ? [] : [0x01, seed], sequence: 0xffff_ffff,
                                             witness: witness ? [[seed, seed], [UInt8](repeating: seed, count: 33)] : [])
        return BitcoinTransaction(version: 2, inputs: [input], outputs: [.init(value: 1000 + UInt64(seed), scriptPubKey: [0x51])], lockTime: 0)
    }

    static func templateJSON(transactions: [BitcoinTransaction], version: Int64 = 0x2000_0000,
                             extra: [String: JSONValue] = [:]) -> JSONValue {
        var object: [String: JSONValue] = [
            "version": .integer(version), "rules": ["csv", "!segwit", "taproot"], "vbavailable": [:],
            "previousblockhash": .string(String(repeating: "ab", count: 31) + "01"),
            "transactions": .array(transactions.map { tx in
                ["data": .string(Hex.encode(tx.serialized())), "txid": .string(Hex.encode(tx.txid.reversed())),
                 "hash": .string(Hex.encode(tx.wtxid.reversed())), "fee": 100]
            }),
            "coinbasevalue": 5_000_000_200, "longpollid": "abc1", "mintime": 1_700_000_000, "curtime": 1_700_000_100,
            "bits": "207fffff", "height": 300, "mutable": ["time", "transactions", "prevblock"],
            "default_witness_commitment": .string(Hex.encode(WitnessCommitment.script(transactionWTXIDs: transactions.map(\.wtxid)))),
        ]
        for (key, value) in extra { object[key] = value }
        return .object(object)
    }

    let transactions = [transaction(1, witness: false), transaction(2, witness: true), transaction(3, witness: true)]

    func testTemplateDecoding() throws {
        let template = try BlockTemplate(result: Self.templateJSON(transactions: transactions))
        XCTAssertEqual(template.height, 300)
        XCTAssertEqual(template.bits, 0x207f_ffff)
        XCTAssertEqual(template.transactions.map(\.txid), transactions.map(\.txid))
        XCTAssertTrue(template.hasWitnessTransactions)
        XCTAssertEqual(template.previousBlockHash.first, 0x01, "display hex is reversed into header order")
        XCTAssertEqual(template.longPollID, "abc1")
        XCTAssertEqual(template.timeRange, 1_700_000_000...1_700_007_300)

        var tampered = Self.templateJSON(transactions: transactions)
        if case .object(var object) = tampered, case .array(var list) = object["transactions"]!, case .object(var first) = list[0] {
            first["txid"] = .string(String(repeating: "00", count: 32))
            list[0] = .object(first)
            object["transactions"] = .array(list)
            tampered = .object(object)
        }
        XCTAssertThrowsError(try BlockTemplate(result: tampered)) { XCTAssertTrue("\($0)".contains("txid")) }
        XCTAssertThrowsError(try BlockTemplate(result: Self.templateJSON(transactions: transactions, extra: ["bits": "00800001"])))
        XCTAssertThrowsError(try BlockTemplate(result: Self.templateJSON(transactions: transactions, extra: ["height": .null])))
        XCTAssertThrowsError(try BlockTemplate(result: Self.templateJSON(transactions: transactions, extra: ["default_witness_commitment": "6a"])))
    }

    func testCoinbaseLayout() throws {
        let template = try BlockTemplate(result: Self.templateJSON(transactions: transactions))
        let coinbase = try SoloCoinbase(template: template, payoutScript: Self.payout.scriptPubKey,
                                        extranonce1: [0xde, 0xad, 0xbe, 0xef], extranonce2Size: 8)
        let extranonce2: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8]
        let tx = coinbase.transaction(extranonce2: extranonce2)
        XCTAssertTrue(tx.isCoinbase)
        XCTAssertEqual(tx.serialized(includingWitness: false), coinbase.coinbase1 + [0xde, 0xad, 0xbe, 0xef] + extranonce2 + coinbase.coinbase2)
        let scriptSig = tx.inputs[0].scriptSig
        XCTAssertTrue(scriptSig.starts(with: Script.heightPush(300)))
        XCTAssertLessThanOrEqual(scriptSig.count, 100)
        XCTAssertEqual(tx.outputs[0].value, 5_000_000_200)
        XCTAssertEqual(tx.outputs[0].scriptPubKey, Self.payout.scriptPubKey)
        XCTAssertEqual(tx.outputs[1].scriptPubKey, template.defaultWitnessCommitment)
        XCTAssertEqual(WitnessCommitment.outputIndex(in: tx), 1)
        XCTAssertEqual(tx.inputs[0].witness, [[UInt8](repeating: 0, count: 32)], "BIP 141 witness reserved value")
        XCTAssertNotEqual(coinbase.transaction(extranonce2: [0, 0, 0, 0, 0, 0, 0, 1]).txid,
                          coinbase.transaction(extranonce2: [0, 0, 0, 0, 0, 0, 0, 2]).txid)

        // Without any witness transaction and without a commitment, the coinbase has no witness.
        let legacyOnly = try BlockTemplate(result: Self.templateJSON(transactions: [transactions[0]], extra: ["default_witness_commitment": .null]))
        let legacyCoinbase = try SoloCoinbase(template: legacyOnly, payoutScript: Self.payout.scriptPubKey, extranonce1: [1], extranonce2Size: 4)
        XCTAssertEqual(legacyCoinbase.transactionTemplate.outputs.count, 1)
        XCTAssertFalse(legacyCoinbase.transactionTemplate.hasWitness)

        XCTAssertThrowsError(try SoloCoinbase(template: template, payoutScript: Self.payout.scriptPubKey,
                                              extranonce1: [UInt8](repeating: 0, count: 60), extranonce2Size: 16))
        XCTAssertThrowsError(try SoloCoinbase(template: template, payoutScript: [], extranonce1: [1], extranonce2Size: 4))
    }

    func testJobForTheEngine() throws {
        let template = try BlockTemplate(result: Self.templateJSON(transactions: transactions))
        let solo = try SoloJob(template: template, payoutScript: Self.payout.scriptPubKey, jobID: "t1", extranonce1: [9, 9, 9, 9])
        let job = solo.job
        XCTAssertEqual(job.shareTarget, template.networkTarget.target, "shares are blocks: share target = network target exactly")
        XCTAssertEqual(job.extranonce2Size, 8)
        XCTAssertEqual(job.notify.ntime, 1_700_000_100)
        XCTAssertEqual(job.versionMask, SoloJob.bip320Mask)
        let extranonce2: [UInt8] = [5, 0, 0, 0, 0, 0, 0, 0]
        let coinbaseTxid = solo.coinbase.transaction(extranonce2: extranonce2).txid
        XCTAssertEqual(job.merkleRoot(extranonce2: extranonce2), Merkle.root(leaves: [coinbaseTxid] + transactions.map(\.txid)))

        // The full block parses back with every template transaction and the witness commitment.
        let header = job.header(extranonce2: extranonce2, nonce: 42, versionBits: 0x0000_2000)
        XCTAssertEqual(header.version, 0x2000_2000)
        let block = try BitcoinBlock(bytes: solo.block(extranonce2: extranonce2, header: header))
        XCTAssertEqual(block.transactions.count, 4)
        XCTAssertEqual(Array(block.transactions.dropFirst()), transactions)
        XCTAssertEqual(block.computedMerkleRoot, header.merkleRoot)
        let root = WitnessCommitment.witnessRoot(transactionWTXIDs: transactions.map(\.wtxid))
        XCTAssertEqual(Array(block.transactions[0].outputs[1].scriptPubKey[6...]), WitnessCommitment.commitment(witnessRoot: root))

        // Version rolling stays off a deployment's bit, off bits the template sets, and off for non-BIP 9 versions.
        let signalling = try BlockTemplate(result: Self.templateJSON(transactions: transactions, version: 0x2000_4000,
                                                                    extra: ["vbavailable": ["testdummy": 13]]))
        let mask = try SoloJob(template: signalling, payoutScript: Self.payout.scriptPubKey, jobID: "t2", extranonce1: [1]).job.versionMask
        XCTAssertEqual(mask, SoloJob.bip320Mask & ~0x4000 & ~0x2000)
        let old = try BlockTemplate(result: Self.templateJSON(transactions: transactions, version: 4))
        XCTAssertEqual(try SoloJob(template: old, payoutScript: Self.payout.scriptPubKey, jobID: "t3", extranonce1: [1]).job.versionMask, 0)
        XCTAssertEqual(try SoloJob(template: template, payoutScript: Self.payout.scriptPubKey, jobID: "t4", extranonce1: [1],
                                   allowVersionRolling: false).job.versionMask, 0)
        // ntime outside the template's bounds is refused.
        XCTAssertThrowsError(try SoloJob(template: template, payoutScript: Self.payout.scriptPubKey, jobID: "t5", extranonce1: [1],
                                         ntime: 1_699_999_999))
        XCTAssertThrowsError(try SoloJob(template: template, payoutScript: Self.payout.scriptPubKey, jobID: "t6", extranonce1: [1],
                                         ntime: 1_700_007_301))
    }

    func testSubmitBlockAnswers() throws {
        XCTAssertEqual(SubmitBlockResult(result: .null), .accepted)
        XCTAssertEqual(SubmitBlockResult(result: "high-hash"), .rejected(BlockRejectReason("high-hash")))
        XCTAssertEqual(BlockRejectReason("bad-version(0x00000001)").rawValue, "bad-version")
        XCTAssertEqual(BlockRejectReason("something a node made up").rawValue, "other")
        XCTAssertThrowsError(try NodeRPCMessage.result(status: 401, body: [])) { XCTAssertEqual(($0 as? NodeRPCError)?.kind, .unauthorized) }
        let ibd = Array(#"{"result":null,"error":{"code":-10,"message":"Bitcoin Core is in initial sync and waiting for blocks..."},"id":1}"#.utf8)
        XCTAssertThrowsError(try NodeRPCMessage.result(status: 500, body: ibd)) { error in
            guard case .initialBlockDownload = (error as? NodeRPCError)?.kind else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(try NodeRPCMessage.result(status: 200, body: Array(#"{"result":null,"error":null,"id":1}"#.utf8)), .null)
    }
}
