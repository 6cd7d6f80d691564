import MiningCore

/// BIP 141 witness commitment: the coinbase carries an output
/// `OP_RETURN 0x24 0xaa21a9ed <sha256d(witness root ‖ witness reserved value)>`, where the
/// witness root is the merkle root over every wtxid with the coinbase's taken as 32 zero bytes,
/// and the coinbase input's witness is the one 32-byte reserved value.
public enum WitnessCommitment {
    /// The four bytes after OP_RETURN and the push of 36.
    public static let header: [UInt8] = [0xaa, 0x21, 0xa9, 0xed]
    /// What Bitcoin Core's miner uses as the reserved value (32 zero bytes).
    public static let defaultReservedValue = [UInt8](repeating: 0, count: 32)

    /// Witness merkle root over the non-coinbase wtxids (internal order).
    public static func witnessRoot(transactionWTXIDs: [[UInt8]]) -> [UInt8] {
        Merkle.root(leaves: [[UInt8](repeating: 0, count: 32)] + transactionWTXIDs)
    }

    public static func commitment(witnessRoot: [UInt8], reservedValue: [UInt8] = defaultReservedValue) -> [UInt8] {
        SHA256.hashTwice(witnessRoot + reservedValue)
    }

    /// The commitment output's script (38 bytes).
    public static func script(commitment: [UInt8]) -> [UInt8] {
        [0x6a, 0x24] + header + commitment
    }

    public static func script(transactionWTXIDs: [[UInt8]], reservedValue: [UInt8] = defaultReservedValue) -> [UInt8] {
        script(commitment: commitment(witnessRoot: witnessRoot(transactionWTXIDs: transactionWTXIDs), reservedValue: reservedValue))
    }

    /// The index of the commitment output in a coinbase: the last output whose script is at
    /// least 38 bytes and starts with OP_RETURN 0x24 aa21a9ed (Core's GetWitnessCommitmentIndex).
    public static func outputIndex(in coinbase: BitcoinTransaction) -> Int? {
        coinbase.outputs.lastIndex { output in
            output.scriptPubKey.count >= 38 && Array(output.scriptPubKey.prefix(6)) == [0x6a, 0x24] + header
        }
    }
}
