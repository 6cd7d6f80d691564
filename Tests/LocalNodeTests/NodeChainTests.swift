import LocalNode
import MiningCore
import SoloMining
import StratumProtocol
import XCTest

/// Mines with the reference scanner: the first nonce whose header meets the target.
func mine(_ header: BlockHeader) -> BlockHeader {
    let scanner = ReferenceNonceScanner(work: KernelWork(header: header.bytes, target: CompactTarget(nbits: header.nbits).target))
    var found: UInt32?
    var first: UInt32 = 0
    while found == nil {
        scanner.scan(firstNonce: first, count: 1024) { nonce in if found == nil { found = nonce } }
        first &+= 1024
    }
    var mined = header
    mined.nonce = found!
    return mined
}

/// A nonce whose header does NOT meet the target (for high-hash).
func unmine(_ header: BlockHeader) -> BlockHeader {
    var candidate = header
    for nonce in UInt32(0)... {
        candidate.nonce = nonce
        if !CompactTarget(nbits: header.nbits).isMet(by: candidate.hashValue256) { return candidate }
    }
    fatalError("unreachable")
}

let regtestPayout = try! CoinbaseAddress("bcrt1qdavt4j2sd7dlhqsavtnfxvzppw6k7qy97tmnu9", network: .regtest)

/// NodeChain without sockets: templates decode, mined blocks are accepted, and every broken block
/// gets Bitcoin Core's reason.
final class NodeChainTests: XCTestCase {
    var now: UInt32 { UInt32(Date().timeIntervalSince1970) }

    private func soloJob(_ chain: NodeChain, extranonce1: [UInt8] = [0, 0, 0, 1]) throws -> SoloJob {
        let template = try BlockTemplate(result: chain.template(now: now))
        return try SoloJob(template: template, payoutScript: regtestPayout.scriptPubKey, jobID: "j", extranonce1: extranonce1)
    }

    /// A block from a job with the coinbase and header edited before mining.
    private func block(_ solo: SoloJob, editCoinbase: (inout BitcoinTransaction) -> Void = { _ in },
                       editTransactions: (inout [BitcoinTransaction]) -> Void = { _ in },
                       editHeader: (inout BlockHeader) -> Void = { _ in }, pow: Bool = true,
                       recommit: Bool = false) throws -> [UInt8] {
        var coinbase = solo.coinbase.transaction(extranonce2: [UInt8](repeating: 0, count: 8))
        editCoinbase(&coinbase)
        var transactions = try solo.template.transactions.map { try BitcoinTransaction(bytes: $0.data) }
        editTransactions(&transactions)
        if recommit { coinbase.outputs[1].scriptPubKey = WitnessCommitment.script(transactionWTXIDs: transactions.map(\.wtxid)) }
        let all = [coinbase] + transactions
        var header = BlockHeader(version: solo.job.notify.version, prevHash: solo.template.previousBlockHash,
                                 merkleRoot: Merkle.root(leaves: all.map(\.txid)), ntime: solo.job.notify.ntime,
                                 nbits: solo.template.bits, nonce: 0)
        editHeader(&header)
        header = pow ? mine(header) : unmine(header)
        return BitcoinBlock(header: header, transactions: all).serialized()
    }

    func testTemplateMinedBlockIsAcceptedAndAdvancesTheTip() throws {
        var chain = NodeChain(genesisTime: now - 3600)
        for height in 1...5 {
            let solo = try soloJob(chain)
            XCTAssertEqual(solo.template.height, height)
            XCTAssertTrue(solo.template.hasWitnessTransactions)
            XCTAssertEqual(solo.template.coinbaseValue, 50 * 100_000_000 + solo.template.transactions.compactMap(\.fee).reduce(0, +))
            let previousPoll = chain.longPollID
            let header = mine(solo.job.header(extranonce2: [UInt8](repeating: 0, count: 8), nonce: 0))
            XCTAssertEqual(chain.submit(blockBytes: solo.block(extranonce2: [UInt8](repeating: 0, count: 8), header: header), now: now), .accepted)
            XCTAssertEqual(chain.height, height)
            XCTAssertEqual(chain.tipHashHex, header.displayHash)
            XCTAssertNotEqual(chain.longPollID, previousPoll)
        }
    }

    func testEveryBrokenBlockGetsCoresReason() throws {
        var chain = NodeChain(genesisTime: now - 3600)
        let solo = try soloJob(chain)
        let good = try block(solo)
        let cases: [(String, [UInt8])] = [
            ("high-hash", try block(solo, pow: false)),
            ("bad-txnmrklroot", try block(solo, editHeader: { $0.merkleRoot[0] ^= 1 })),
            ("bad-cb-height", try block(solo, editCoinbase: { $0.inputs[0].scriptSig[0] = 0x52 })),
            ("bad-cb-amount", try block(solo, editCoinbase: { $0.outputs[0].value += 1 })),
            ("bad-witness-merkle-match", try block(solo, editCoinbase: { $0.outputs[1].scriptPubKey[10] ^= 1 })),
            ("bad-witness-nonce-size", try block(solo, editCoinbase: { $0.inputs[0].witness = [[0, 0]] })),
            ("unexpected-witness", try block(solo, editCoinbase: { $0.outputs.removeLast(); $0.inputs[0].witness = [] })),
            ("time-too-old", try block(solo, editHeader: { $0.ntime = chain.medianTimePast })),
            ("time-too-new", try block(solo, editHeader: { [now] in $0.ntime = now + 2 * 3600 + 60 })),
            ("bad-diffbits", try block(solo, editHeader: { $0.nbits = 0x207f_fffe })),
            ("prev-blk-not-found", try block(solo, editHeader: { $0.prevHash = [UInt8](repeating: 0x42, count: 32) })),
            ("bad-txns-inputs-missingorspent", try block(solo, editTransactions: { $0[0].lockTime = 1 }, recommit: true)),
            ("bad-cb-length", try block(solo, editCoinbase: { $0.inputs[0].scriptSig += [UInt8](repeating: 0, count: 100) })),
        ]
        for (reason, bytes) in cases {
            XCTAssertEqual(chain.submit(blockBytes: bytes, now: now), .rejected(reason), reason)
            XCTAssertEqual(chain.height, 0, reason)
        }
        XCTAssertEqual(chain.submit(blockBytes: [1, 2, 3], now: now), .rpcError(code: -22, message: "Block decode failed"))
        // The untouched block is still accepted after all that, once; then it is a duplicate.
        XCTAssertEqual(chain.submit(blockBytes: good, now: now), .accepted)
        XCTAssertEqual(chain.submit(blockBytes: good, now: now), .rejected("duplicate"))
        // A block of the old template, after the tip moved: valid, but on a side branch.
        let stale = try block(solo, editCoinbase: { $0.inputs[0].scriptSig[6] ^= 0xff })
        XCTAssertEqual(chain.submit(blockBytes: stale, now: now), .rejected("inconclusive"))
        XCTAssertEqual(chain.height, 1)
    }

    func testSubsidyHalvesEvery150BlocksLikeRegtest() {
        let chain = NodeChain(genesisTime: now)
        XCTAssertEqual(chain.subsidy(height: 149), 5_000_000_000)
        XCTAssertEqual(chain.subsidy(height: 150), 2_500_000_000)
        XCTAssertEqual(chain.subsidy(height: 150 * 64), 0)
    }
}
