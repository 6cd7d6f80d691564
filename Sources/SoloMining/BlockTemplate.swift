import MiningCore
import StratumProtocol

/// A decoded `getblocktemplate` result (BIP 22, BIP 23, BIP 9 `rules`/`vbavailable`, BIP 141
/// `default_witness_commitment`). Every field the miner relies on is checked; nothing is
/// trusted: each transaction's txid is recomputed from its data.
public struct BlockTemplate: Sendable, Hashable {
    public struct Transaction: Sendable, Hashable {
        /// The full serialization (with witness) as the node sent it.
        public let data: [UInt8]
        /// Internal byte order (the template's display hex reversed).
        public let txid: [UInt8]
        public let wtxid: [UInt8]
        /// Satoshis, when the node gave it.
        public let fee: Int64?
    }

    public let version: UInt32
    public let rules: [String]
    /// BIP 9 deployments the node would let the miner signal: name → bit.
    public let versionBitsAvailable: [String: Int]
    /// Previous block hash, internal byte order (header order).
    public let previousBlockHash: [UInt8]
    public let transactions: [Transaction]
    /// Subsidy plus fees, in satoshis: what the coinbase may pay out at most.
    public let coinbaseValue: Int64
    public let longPollID: String?
    public let minTime: UInt32
    public let curTime: UInt32
    public let bits: UInt32
    public let height: Int
    /// The whole commitment output script (BIP 141), when the node gave one.
    public let defaultWitnessCommitment: [UInt8]?
    public let mutable: [String]

    public var networkTarget: CompactTarget { CompactTarget(nbits: bits) }
    /// Display form of the previous block hash.
    public var previousBlockHashHex: String { Hex.encode(previousBlockHash.reversed()) }
    public var hasWitnessTransactions: Bool { transactions.contains { $0.txid != $0.wtxid } }

    /// Upper bound for the header time: Bitcoin Core rejects blocks more than two hours ahead of
    /// its clock ("time-too-new", MAX_FUTURE_BLOCK_TIME = 2 * 60 * 60 in src/chain.h).
    public static let maxFutureBlockTime: UInt32 = 2 * 60 * 60

    public init(result: JSONValue) throws(BlockTemplateError) {
        guard result.objectValue != nil else { throw .field("result", "not an object") }
        func integer(_ key: String) throws(BlockTemplateError) -> Int64 {
            guard let value = result[key]?.integerValue else { throw .field(key, "missing or not an integer") }
            return value
        }
        func uint32(_ key: String) throws(BlockTemplateError) -> UInt32 {
            let value = try integer(key)
            guard let narrowed = UInt32(exactly: value) else { throw .field(key, "\(value) outside 0...2^32-1") }
            return narrowed
        }
        func displayHash(_ text: String?, _ key: String) throws(BlockTemplateError) -> [UInt8] {
            guard let text, let bytes = Hex.decode(text), bytes.count == 32 else { throw .field(key, "not 64 hex digits") }
            return bytes.reversed()
        }

        let versionValue = try integer("version")
        // Core sends the version as a signed 32-bit number.
        guard let version = UInt32(exactly: versionValue) ?? Int32(exactly: versionValue).map({ UInt32(bitPattern: $0) }) else {
            throw .field("version", "\(versionValue) is not a 32-bit version")
        }
        self.version = version
        rules = (result["rules"]?.arrayValue ?? []).compactMap(\.stringValue)
        var available = [String: Int]()
        for (name, bit) in result["vbavailable"]?.objectValue ?? [:] {
            if let bit = bit.integerValue, (0...28).contains(bit) { available[name] = Int(bit) }
        }
        versionBitsAvailable = available
        previousBlockHash = try displayHash(result["previousblockhash"]?.stringValue, "previousblockhash")

        guard let transactionValues = result["transactions"]?.arrayValue else { throw .field("transactions", "missing or not an array") }
        var transactions = [Transaction]()
        transactions.reserveCapacity(transactionValues.count)
        for (index, value) in transactionValues.enumerated() {
            let key = "transactions[\(index)]"
            guard let dataText = value["data"]?.stringValue, let data = Hex.decode(dataText) else { throw .field("\(key).data", "not hex") }
            let parsed: BitcoinTransaction
            do { parsed = try BitcoinTransaction(bytes: data) } catch { throw .field("\(key).data", "not a transaction (\(error))") }
            let txid = parsed.txid
            if let given = value["txid"]?.stringValue {
                guard try displayHash(given, "\(key).txid") == txid else { throw .field("\(key).txid", "does not match its data") }
            }
            let wtxid = parsed.wtxid
            if let given = value["hash"]?.stringValue {
                guard try displayHash(given, "\(key).hash") == wtxid else { throw .field("\(key).hash", "does not match its data") }
            }
            transactions.append(Transaction(data: data, txid: txid, wtxid: wtxid, fee: value["fee"]?.integerValue))
        }
        self.transactions = transactions

        coinbaseValue = try integer("coinbasevalue")
        guard coinbaseValue >= 0 && coinbaseValue <= 21_000_000 * 100_000_000 else { throw .field("coinbasevalue", "\(coinbaseValue) out of range") }
        longPollID = result["longpollid"]?.stringValue
        curTime = try uint32("curtime")
        minTime = result["mintime"] == nil ? 0 : try uint32("mintime")
        guard let bitsText = result["bits"]?.stringValue, let bits = WireEncoding.uint32(fromHex: bitsText) else {
            throw .field("bits", "not 8 hex digits")
        }
        guard CompactTarget(nbits: bits).isValid else { throw .field("bits", "\(bitsText) is not a valid target") }
        self.bits = bits
        let height = try integer("height")
        guard (1...Int64(Int32.max)).contains(height) else { throw .field("height", "\(height) out of range") }
        self.height = Int(height)
        if let commitmentText = result["default_witness_commitment"]?.stringValue {
            guard let script = Hex.decode(commitmentText), script.count >= 38,
                  Array(script.prefix(6)) == [0x6a, 0x24] + WitnessCommitment.header else {
                throw .field("default_witness_commitment", "not a witness commitment script")
            }
            defaultWitnessCommitment = script
        } else {
            defaultWitnessCommitment = nil
        }
        mutable = (result["mutable"]?.arrayValue ?? []).compactMap(\.stringValue)
    }

    /// A header time the node accepts: at least `mintime` (past the median time past), at most
    /// two hours past the node's `curtime`.
    public var timeRange: ClosedRange<UInt32> {
        let low = max(minTime, 0)
        let high = curTime &+ Self.maxFutureBlockTime
        return low...max(low, high)
    }
}

public enum BlockTemplateError: Error, Hashable, Sendable, CustomStringConvertible {
    case field(String, String)

    public var description: String {
        switch self {
        case .field(let key, let problem): "getblocktemplate: \(key): \(problem)"
        }
    }
}
