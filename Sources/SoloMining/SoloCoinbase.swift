/// The coinbase of a solo block, split for the hashing engine around its extranonce space.
///
/// scriptSig = BIP 34 height ‖ push(extranonce1 ‖ extranonce2) ‖ push(tag). extranonce1 tells
/// this miner's work units (daemon instances, workers) apart; extranonce2 is what the engine
/// counts in, distinct per thread. The non-witness serialization is coinbase1 ‖ extranonce1 ‖
/// extranonce2 ‖ coinbase2, exactly what `MiningJob` hashes for the txid.
public struct SoloCoinbase: Sendable, Hashable {
    public let coinbase1: [UInt8]
    public let coinbase2: [UInt8]
    public let extranonce1: [UInt8]
    public let extranonce2Size: Int
    /// The transaction with a zero extranonce2 (outputs, witness as they will be).
    public let transactionTemplate: BitcoinTransaction
    /// Byte offset of extranonce1 in the scriptSig.
    let scriptSigExtranonceOffset: Int

    /// Bitcoin Core's limits on a coinbase scriptSig ("bad-cb-length", CheckTransaction).
    public static let scriptSigLengthRange = 2...100

    public init(template: BlockTemplate, payoutScript: [UInt8], extranonce1: [UInt8], extranonce2Size: Int,
                tag: [UInt8] = Array("/SwiftMiner/".utf8)) throws(SoloWorkError) {
        guard !payoutScript.isEmpty else { throw .invalidCoinbase("empty payout script") }
        let height = Script.heightPush(template.height)
        let extranonceLength = extranonce1.count + extranonce2Size
        guard (1...75).contains(extranonceLength) else { throw .invalidCoinbase("extranonce of \(extranonceLength) bytes (1...75)") }
        var scriptSig = height + [UInt8(extranonceLength)] + [UInt8](repeating: 0, count: extranonceLength)
        if !tag.isEmpty { scriptSig += Script.push(tag) }
        guard Self.scriptSigLengthRange.contains(scriptSig.count) else {
            throw .invalidCoinbase("scriptSig of \(scriptSig.count) bytes (\(Self.scriptSigLengthRange))")
        }
        var outputs = [BitcoinTransaction.Output(value: UInt64(template.coinbaseValue), scriptPubKey: payoutScript)]
        var witness = [[UInt8]]()
        let commitment = template.defaultWitnessCommitment
            ?? (template.hasWitnessTransactions ? WitnessCommitment.script(transactionWTXIDs: template.transactions.map(\.wtxid)) : nil)
        if let commitment {
            outputs.append(BitcoinTransaction.Output(value: 0, scriptPubKey: commitment))
            witness = [WitnessCommitment.defaultReservedValue]
        }
        let input = BitcoinTransaction.Input(previousTxid: [UInt8](repeating: 0, count: 32), previousIndex: 0xffff_ffff,
                                             scriptSig: scriptSig, sequence: 0xffff_ffff, witness: witness)
        let transaction = BitcoinTransaction(version: 2, inputs: [input], outputs: outputs, lockTime: 0)
        let legacy = transaction.serialized(includingWitness: false)
        // version(4) ‖ input count(1) ‖ outpoint(36) ‖ scriptSig length(1, ≤ 100) ‖ height ‖ push opcode
        let offset = 4 + 1 + 36 + 1 + height.count + 1
        coinbase1 = Array(legacy[..<offset])
        coinbase2 = Array(legacy[(offset + extranonceLength)...])
        self.extranonce1 = extranonce1
        self.extranonce2Size = extranonce2Size
        transactionTemplate = transaction
        scriptSigExtranonceOffset = height.count + 1
    }

    /// The coinbase transaction for one extranonce2.
    public func transaction(extranonce2: [UInt8]) -> BitcoinTransaction {
        precondition(extranonce2.count == extranonce2Size, "extranonce2 must have extranonce2Size bytes")
        var transaction = transactionTemplate
        let start = scriptSigExtranonceOffset
        transaction.inputs[0].scriptSig.replaceSubrange(start..<(start + extranonce1.count + extranonce2Size),
                                                        with: extranonce1 + extranonce2)
        return transaction
    }
}

public enum SoloWorkError: Error, Hashable, Sendable, CustomStringConvertible {
    case invalidCoinbase(String)
    case invalidTemplate(String)

    public var description: String {
        switch self {
        case .invalidCoinbase(let detail): "cannot build the coinbase: \(detail)"
        case .invalidTemplate(let detail): "unusable block template: \(detail)"
        }
    }
}
