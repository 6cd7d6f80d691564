import MiningCore
import SoloMining
import StratumProtocol

/// A regtest-like chain with a mempool: the state behind `LocalNode`, as a plain value.
///
/// It serves BIP 22 templates and validates submitted blocks the way Bitcoin Core does for the
/// checks a miner can get wrong, answering with Core's reject reasons (src/validation.cpp:
/// CheckBlockHeader, CheckBlock, ContextualCheckBlockHeader, ContextualCheckBlock, ConnectBlock).
/// Transactions are well-formed but spend made-up outputs; signatures are not checked.
public struct NodeChain: Sendable {
    public struct Configuration: Sendable {
        /// Regtest's proof-of-work limit (chainparams: 0x207fffff), so about one header in two is a block.
        public var nbits: UInt32 = 0x207f_ffff
        /// Regtest halves the subsidy every 150 blocks (chainparams nSubsidyHalvingInterval).
        public var halvingInterval: Int = 150
        /// Transactions in the mempool after each block; every third one carries a witness.
        public var mempoolSize: Int = 6
        public var blockVersion: UInt32 = 0x2000_0000
        public var seed: UInt64 = 17

        public init() {}
    }

    struct StoredBlock: Sendable {
        let height: Int
        let hash: [UInt8]
        let time: UInt32
    }

    struct MempoolEntry: Sendable {
        let transaction: BitcoinTransaction
        let txid: [UInt8]
        let fee: Int64
    }

    public let configuration: Configuration
    /// The active chain from genesis, hashes in internal order.
    private(set) var active: [StoredBlock]
    private var known: [[UInt8]: StoredBlock] = [:]
    private var invalid: Set<[UInt8]> = []
    private(set) var mempool: [MempoolEntry] = []
    /// Bumped whenever the template would change (BIP 22 longpollid suffix, like Core's
    /// nTransactionsUpdated).
    private(set) var transactionsUpdated: Int = 0
    private var random: UInt64

    public init(configuration: Configuration = Configuration(), genesisTime: UInt32) {
        self.configuration = configuration
        random = configuration.seed
        let genesisHash = SHA256.hashTwice(Array("SwiftMiner LocalNode genesis \(configuration.seed)".utf8))
        let genesis = StoredBlock(height: 0, hash: genesisHash, time: genesisTime)
        active = [genesis]
        known[genesisHash] = genesis
        refillMempool()
    }

    public var height: Int { active.count - 1 }
    public var tipHash: [UInt8] { active[active.count - 1].hash }
    public var tipHashHex: String { Hex.encode(tipHash.reversed()) }
    /// Core's longpollid: the tip hash followed by the transactions-updated counter.
    public var longPollID: String { tipHashHex + String(transactionsUpdated) }

    public func subsidy(height: Int) -> Int64 {
        let halvings = height / configuration.halvingInterval
        return halvings >= 64 ? 0 : (50 * 100_000_000) >> Int64(halvings)
    }

    /// Median of the last 11 block times (Core's GetMedianTimePast).
    public var medianTimePast: UInt32 {
        let times = active.suffix(11).map(\.time).sorted()
        return times[times.count / 2]
    }

    // MARK: Templates

    /// The `getblocktemplate` result for the current tip.
    public func template(now: UInt32) -> JSONValue {
        let minTime = medianTimePast + 1
        let fees = mempool.reduce(Int64(0)) { $0 + $1.fee }
        let target = CompactTarget(nbits: configuration.nbits).target
        let transactions: [JSONValue] = mempool.map { entry in
            let data = entry.transaction.serialized()
            return ["data": .string(Hex.encode(data)), "txid": .string(Hex.encode(entry.txid.reversed())),
                    "hash": .string(Hex.encode(entry.transaction.wtxid.reversed())), "depends": [],
                    "fee": .integer(entry.fee), "sigops": 4, "weight": .integer(Int64(weight(entry.transaction)))]
        }
        let commitment = WitnessCommitment.script(transactionWTXIDs: mempool.map(\.transaction.wtxid))
        return [
            "version": .integer(Int64(configuration.blockVersion)),
            "rules": ["csv", "!segwit", "taproot"],
            "vbavailable": [:],
            "vbrequired": 0,
            "previousblockhash": .string(tipHashHex),
            "transactions": .array(transactions),
            "coinbaseaux": [:],
            "coinbasevalue": .integer(subsidy(height: height + 1) + fees),
            "longpollid": .string(longPollID),
            "target": .string(target.hex),
            "mintime": .integer(Int64(minTime)),
            "mutable": ["time", "transactions", "prevblock"],
            "noncerange": "00000000ffffffff",
            "sigoplimit": 80000,
            "sizelimit": 4_000_000,
            "weightlimit": 4_000_000,
            "curtime": .integer(Int64(max(now, minTime))),
            "bits": .string(WireEncoding.hex(configuration.nbits)),
            "height": .integer(Int64(height + 1)),
            "default_witness_commitment": .string(Hex.encode(commitment)),
        ]
    }

    private func weight(_ transaction: BitcoinTransaction) -> Int {
        3 * transaction.serialized(includingWitness: false).count + transaction.serialized().count
    }

    /// Replaces the mempool with fresh transactions (as if new ones arrived); bumps the longpollid.
    public mutating func refillMempool() {
        mempool = (0..<configuration.mempoolSize).map { index in makeTransaction(witness: index % 3 != 1) }
        transactionsUpdated += 1
    }

    private mutating func nextRandom() -> UInt64 {
        // splitmix64
        random &+= 0x9e37_79b9_7f4a_7c15
        var z = random
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    private mutating func randomBytes(_ count: Int) -> [UInt8] {
        var out = [UInt8]()
        while out.count < count {
            let word = nextRandom()
            for shift in stride(from: 0, to: 64, by: 8) where out.count < count { out.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        return out
    }

    /// A well-formed transaction spending a made-up output: P2WPKH-style (empty scriptSig, a
    /// 2-item witness) or legacy (a scriptSig with signature and key pushes).
    private mutating func makeTransaction(witness: Bool) -> MempoolEntry {
        let signature = [UInt8(0x30)] + randomBytes(70) + [0x01]
        let key = [UInt8(0x02)] + randomBytes(32)
        let input = BitcoinTransaction.Input(
            previousTxid: randomBytes(32), previousIndex: UInt32(nextRandom() % 4),
            scriptSig: witness ? [] : Script.push(signature) + Script.push(key), sequence: 0xffff_fffd,
            witness: witness ? [signature, key] : [])
        let outputs = [
            BitcoinTransaction.Output(value: 10_000 + nextRandom() % 1_000_000, scriptPubKey: [0x00, 0x14] + randomBytes(20)),
            BitcoinTransaction.Output(value: 5_000 + nextRandom() % 100_000, scriptPubKey: [0x51, 0x20] + randomBytes(32)),
        ]
        let transaction = BitcoinTransaction(version: 2, inputs: [input], outputs: outputs, lockTime: 0)
        return MempoolEntry(transaction: transaction, txid: transaction.txid, fee: Int64(500 + nextRandom() % 5_000))
    }

    // MARK: Blocks

    /// What `submitblock` answers: nil (JSON null) when the block became the new tip, else Core's
    /// reason string.
    public enum SubmitOutcome: Sendable, Hashable {
        case accepted
        case rejected(String)
        /// An RPC error instead of a result (code, message), as Core throws for undecodable blocks.
        case rpcError(code: Int64, message: String)
    }

    public mutating func submit(blockBytes: [UInt8], now: UInt32) -> SubmitOutcome {
        let block: BitcoinBlock
        do {
            block = try BitcoinBlock(bytes: blockBytes)
        } catch {
            return .rpcError(code: NodeRPCMessage.Code.deserializationError, message: "Block decode failed")
        }
        guard let first = block.transactions.first, first.isCoinbase else {
            return .rpcError(code: NodeRPCMessage.Code.verifyError, message: "Block does not start with a coinbase")
        }
        let hash = block.header.hash
        if known[hash] != nil { return .rejected("duplicate") }
        if invalid.contains(hash) { return .rejected("duplicate-invalid") }
        let outcome = validate(block, hash: hash, now: now)
        switch outcome {
        case .accepted:
            let stored = StoredBlock(height: height + 1, hash: hash, time: block.header.ntime)
            active.append(stored)
            known[hash] = stored
            refillMempool()
        case .rejected(let reason) where !Self.notRemembered.contains(reason):
            invalid.insert(hash)
        default:
            break
        }
        return outcome
    }

    /// Reasons after which the header hash is not marked invalid: the same header can come with
    /// a correct body (Core's BLOCK_MUTATED: merkle or witness malleation), or the block was not
    /// judged at all.
    static let notRemembered: Set<String> = [
        "inconclusive", "prev-blk-not-found", "bad-txnmrklroot", "bad-txns-duplicate",
        "bad-witness-nonce-size", "bad-witness-merkle-match", "unexpected-witness",
    ]

    private func validate(_ block: BitcoinBlock, hash: [UInt8], now: UInt32) -> SubmitOutcome {
        let header = block.header
        // CheckBlockHeader → CheckProofOfWork.
        let target = CompactTarget(nbits: header.nbits)
        guard target.isMet(by: header.hashValue256) else { return .rejected("high-hash") }
        // CheckBlock.
        guard block.computedMerkleRoot == header.merkleRoot else { return .rejected("bad-txnmrklroot") }
        let txids = block.transactions.map(\.txid)
        guard Set(txids).count == txids.count else { return .rejected("bad-txns-duplicate") }
        guard block.transactions.dropFirst().allSatisfy({ !$0.isCoinbase }) else { return .rejected("bad-cb-multiple") }
        let coinbase = block.transactions[0]
        guard SoloCoinbase.scriptSigLengthRange.contains(coinbase.inputs[0].scriptSig.count) else { return .rejected("bad-cb-length") }
        // AcceptBlockHeader.
        guard let parent = known[header.prevHash] else { return .rejected("prev-blk-not-found") }
        // ContextualCheckBlockHeader.
        guard header.nbits == configuration.nbits else { return .rejected("bad-diffbits") }
        let parentChain = active.prefix(parent.height + 1)
        let mtp = parentChain.suffix(11).map(\.time).sorted()[min(parentChain.count, 11) / 2]
        guard header.ntime > mtp else { return .rejected("time-too-old") }
        guard UInt64(header.ntime) <= UInt64(now) + UInt64(BlockTemplate.maxFutureBlockTime) else { return .rejected("time-too-new") }
        guard header.version >= 4 else { return .rejected("bad-version(0x\(WireEncoding.hex(header.version)))") }
        // ContextualCheckBlock: BIP 34 height, BIP 141 witness commitment.
        let expectedHeight = Script.heightPush(parent.height + 1)
        guard coinbase.inputs[0].scriptSig.starts(with: expectedHeight) else { return .rejected("bad-cb-height") }
        if let index = WitnessCommitment.outputIndex(in: coinbase) {
            let reserved = coinbase.inputs[0].witness
            guard reserved.count == 1, reserved[0].count == 32 else { return .rejected("bad-witness-nonce-size") }
            let root = WitnessCommitment.witnessRoot(transactionWTXIDs: block.transactions.dropFirst().map(\.wtxid))
            let expected = WitnessCommitment.commitment(witnessRoot: root, reservedValue: reserved[0])
            guard Array(coinbase.outputs[index].scriptPubKey[6..<38]) == expected else { return .rejected("bad-witness-merkle-match") }
        } else if block.transactions.contains(where: \.hasWitness) {
            return .rejected("unexpected-witness")
        }
        // A valid block on a side branch is stored but not connected: Core's submitblock then
        // never hears about it and says "inconclusive".
        guard parent.hash == tipHash else { return .rejected("inconclusive") }
        // ConnectBlock: inputs must exist (here: be in the mempool), coinbase ≤ subsidy + fees.
        var fees: Int64 = 0
        for transaction in block.transactions.dropFirst() {
            guard let entry = mempool.first(where: { $0.txid == transaction.txid }) else {
                return .rejected("bad-txns-inputs-missingorspent")
            }
            fees += entry.fee
        }
        let paid = coinbase.outputs.reduce(UInt64(0)) { $0 &+ $1.value }
        guard paid <= UInt64(subsidy(height: parent.height + 1) + fees) else { return .rejected("bad-cb-amount") }
        return .accepted
    }
}
