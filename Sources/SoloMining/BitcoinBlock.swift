import MiningCore

/// A full block: the 80-byte header, a CompactSize transaction count and every transaction in
/// its full (witness) serialization — what `submitblock` takes as hex.
public struct BitcoinBlock: Sendable, Hashable {
    public var header: BlockHeader
    public var transactions: [BitcoinTransaction]

    public init(header: BlockHeader, transactions: [BitcoinTransaction]) {
        self.header = header
        self.transactions = transactions
    }

    public func serialized() -> [UInt8] {
        var writer = ByteWriter(capacity: 80 + transactions.count * 256)
        writer.append(header.bytes)
        writer.append(compactSize: transactions.count)
        for transaction in transactions { transaction.write(to: &writer) }
        return writer.bytes
    }

    /// Serializes a block from already serialized transactions (the template's `data`), so
    /// they go out byte for byte as the node gave them.
    public static func serialize(header: BlockHeader, coinbase: [UInt8], transactions: [[UInt8]]) -> [UInt8] {
        var writer = ByteWriter(capacity: 80 + coinbase.count + transactions.reduce(0) { $0 + $1.count } + 9)
        writer.append(header.bytes)
        writer.append(compactSize: 1 + transactions.count)
        writer.append(coinbase)
        for transaction in transactions { writer.append(transaction) }
        return writer.bytes
    }

    public enum ParseError: Error, Hashable, Sendable {
        case truncatedHeader
        case badTransactionCount
        case badTransaction(index: Int, BitcoinTransaction.ParseError)
        case trailingBytes
    }

    public init(bytes: [UInt8]) throws(ParseError) {
        guard bytes.count >= 80, let header = BlockHeader(bytes: Array(bytes[0..<80])) else { throw .truncatedHeader }
        var reader = ByteReader(bytes)
        _ = try? reader.read(count: 80)
        guard let count = try? reader.readCompactSize(limit: reader.remaining / 60) else { throw .badTransactionCount }
        var transactions = [BitcoinTransaction]()
        transactions.reserveCapacity(count)
        for index in 0..<count {
            do {
                transactions.append(try BitcoinTransaction(reading: &reader))
            } catch {
                throw .badTransaction(index: index, error)
            }
        }
        guard reader.isAtEnd else { throw .trailingBytes }
        self.init(header: header, transactions: transactions)
    }

    /// The merkle root over the txids (what the header must commit to).
    public var computedMerkleRoot: [UInt8] { Merkle.root(leaves: transactions.map(\.txid)) }
}
