import MiningCore

/// A transaction in Bitcoin's wire format, with the BIP 144 segwit serialization (marker 0x00,
/// flag 0x01, one witness stack per input after the outputs).
public struct BitcoinTransaction: Sendable, Hashable {
    public struct Input: Sendable, Hashable {
        /// Spent output: txid (internal order) and index.
        public var previousTxid: [UInt8]
        public var previousIndex: UInt32
        public var scriptSig: [UInt8]
        public var sequence: UInt32
        public var witness: [[UInt8]]

        public init(previousTxid: [UInt8], previousIndex: UInt32, scriptSig: [UInt8], sequence: UInt32, witness: [[UInt8]] = []) {
            self.previousTxid = previousTxid
            self.previousIndex = previousIndex
            self.scriptSig = scriptSig
            self.sequence = sequence
            self.witness = witness
        }
    }

    public struct Output: Sendable, Hashable {
        /// Satoshis.
        public var value: UInt64
        public var scriptPubKey: [UInt8]

        public init(value: UInt64, scriptPubKey: [UInt8]) {
            self.value = value
            self.scriptPubKey = scriptPubKey
        }
    }

    public var version: UInt32
    public var inputs: [Input]
    public var outputs: [Output]
    public var lockTime: UInt32

    public init(version: UInt32, inputs: [Input], outputs: [Output], lockTime: UInt32) {
        self.version = version
        self.inputs = inputs
        self.outputs = outputs
        self.lockTime = lockTime
    }

    public var hasWitness: Bool { inputs.contains { !$0.witness.isEmpty } }

    /// A coinbase spends the null outpoint (32 zero bytes, index 0xffffffff) with its one input.
    public var isCoinbase: Bool {
        inputs.count == 1 && inputs[0].previousIndex == 0xffff_ffff && inputs[0].previousTxid.allSatisfy { $0 == 0 }
    }

    /// The wire bytes; with `includingWitness` the BIP 144 form when any input has a witness.
    public func serialized(includingWitness: Bool = true) -> [UInt8] {
        var writer = ByteWriter(capacity: 256)
        write(to: &writer, includingWitness: includingWitness)
        return writer.bytes
    }

    public func write(to writer: inout ByteWriter, includingWitness: Bool = true) {
        let witness = includingWitness && hasWitness
        writer.append(littleEndian: version)
        if witness { writer.append([0x00, 0x01]) }
        writer.append(compactSize: inputs.count)
        for input in inputs {
            writer.append(input.previousTxid)
            writer.append(littleEndian: input.previousIndex)
            writer.append(varBytes: input.scriptSig)
            writer.append(littleEndian: input.sequence)
        }
        writer.append(compactSize: outputs.count)
        for output in outputs {
            writer.append(littleEndian: output.value)
            writer.append(varBytes: output.scriptPubKey)
        }
        if witness {
            for input in inputs {
                writer.append(compactSize: input.witness.count)
                for item in input.witness { writer.append(varBytes: item) }
            }
        }
        writer.append(littleEndian: lockTime)
    }

    /// sha256d of the serialization without witness (internal order).
    public var txid: [UInt8] { SHA256.hashTwice(serialized(includingWitness: false)) }
    /// sha256d of the full serialization (equals the txid without witness; BIP 141).
    public var wtxid: [UInt8] { SHA256.hashTwice(serialized(includingWitness: true)) }

    public enum ParseError: Error, Hashable, Sendable {
        case truncated
        case superfluousWitness
        case noInputs
        case trailingBytes
    }

    /// Parses one transaction from the reader (either serialization).
    public init(reading reader: inout ByteReader) throws(ParseError) {
        do {
            version = try reader.readUInt32()
            var isSegwit = false
            if reader.peekByte() == 0x00 && reader.peekByte(at: 1) == 0x01 {
                _ = try reader.read(count: 2)
                isSegwit = true
            }
            let inputCount = try reader.readCompactSize(limit: reader.remaining / 41)
            guard inputCount > 0 else { throw ParseError.noInputs }
            inputs = []
            for _ in 0..<inputCount {
                let txid = try reader.read(count: 32)
                let index = try reader.readUInt32()
                let script = try reader.readVarBytes()
                let sequence = try reader.readUInt32()
                inputs.append(Input(previousTxid: txid, previousIndex: index, scriptSig: script, sequence: sequence))
            }
            let outputCount = try reader.readCompactSize(limit: reader.remaining / 9)
            outputs = []
            for _ in 0..<outputCount {
                let value = try reader.readUInt64()
                outputs.append(Output(value: value, scriptPubKey: try reader.readVarBytes()))
            }
            if isSegwit {
                for index in inputs.indices {
                    let items = try reader.readCompactSize(limit: reader.remaining)
                    for _ in 0..<items { inputs[index].witness.append(try reader.readVarBytes()) }
                }
                // BIP 144: the marker must not be used when every witness is empty.
                guard inputs.contains(where: { !$0.witness.isEmpty }) else { throw ParseError.superfluousWitness }
            }
            lockTime = try reader.readUInt32()
        } catch let error as ParseError {
            throw error
        } catch {
            throw .truncated
        }
    }

    /// Parses exactly one transaction from `bytes`.
    public init(bytes: [UInt8]) throws(ParseError) {
        var reader = ByteReader(bytes)
        try self.init(reading: &reader)
        guard reader.isAtEnd else { throw .trailingBytes }
    }
}
