import MiningCore
import StratumProtocol

/// A job as the pool built it, with the fake transactions behind its merkle branch.
public struct LocalPoolJob: Sendable, Hashable {
    public var jobID: String
    /// Block height (pushed first in the coinbase scriptSig, BIP 34).
    public var height: UInt32
    /// Header prevhash bytes (internal order).
    public var prevHash: [UInt8]
    public var version: UInt32
    public var nbits: UInt32
    public var ntime: UInt32
    public var clean: Bool
    /// Increases with every clean job: jobs of an older generation are stale.
    public var generation: Int
    /// The fake txids (internal order) of the block's other transactions: the coinbase is leaf 0,
    /// these are leaves 1....
    public var transactionIDs: [[UInt8]]
    /// `Merkle.coinbaseBranch` over [coinbase placeholder] + `transactionIDs`.
    public var merkleBranch: [[UInt8]]
    /// Extra bytes pushed in the scriptSig after the extranonce.
    public var coinbaseTag: [UInt8]
    /// The scriptPubKey of the single coinbase output.
    public var outputScript: [UInt8]
    /// Value of the coinbase output, in satoshi.
    public var outputValue: UInt64

    /// coinb1 and coinb2 around an extranonce (extranonce1 ‖ extranonce2) of `extranonceSize` bytes.
    public func coinbaseParts(extranonceSize: Int) -> (coinbase1: [UInt8], coinbase2: [UInt8]) {
        let heightPush = Self.scriptNumberPush(Int64(height))
        let extranoncePush = Self.pushOpcode(length: extranonceSize)
        let tagPush = coinbaseTag.isEmpty ? [] : Self.pushOpcode(length: coinbaseTag.count) + coinbaseTag
        let scriptLength = heightPush.count + extranoncePush.count + extranonceSize + tagPush.count
        var c1 = [UInt8]()
        c1 += Self.littleEndian(UInt32(1))                       // tx version
        c1.append(1)                                             // one input
        c1 += [UInt8](repeating: 0, count: 32)                   // null prevout hash
        c1 += [0xff, 0xff, 0xff, 0xff]                           // prevout index
        c1 += Self.compactSize(scriptLength)
        c1 += heightPush
        c1 += extranoncePush
        var c2 = [UInt8]()
        c2 += tagPush
        c2 += [0xff, 0xff, 0xff, 0xff]                           // sequence
        c2.append(1)                                             // one output
        c2 += Self.littleEndian(outputValue)
        c2 += Self.compactSize(outputScript.count)
        c2 += outputScript
        c2 += [0, 0, 0, 0]                                       // lock time
        return (c1, c2)
    }

    /// The `mining.notify` of this job for a session with the given extranonce sizes.
    public func notify(extranonce1Size: Int, extranonce2Size: Int) -> MiningNotify {
        let parts = coinbaseParts(extranonceSize: extranonce1Size + extranonce2Size)
        return MiningNotify(jobID: jobID, prevHash: prevHash, coinbase1: parts.coinbase1, coinbase2: parts.coinbase2,
                            merkleBranch: merkleBranch, version: version, nbits: nbits, ntime: ntime, cleanJobs: clean)
    }

    static func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }

    static func compactSize(_ n: Int) -> [UInt8] {
        switch n {
        case ..<0xfd: [UInt8(n)]
        case ...0xffff: [0xfd] + littleEndian(UInt16(n))
        default: [0xfe] + littleEndian(UInt32(n))
        }
    }

    static func pushOpcode(length: Int) -> [UInt8] {
        switch length {
        case ..<0x4c: [UInt8(length)]
        case ...0xff: [0x4c, UInt8(length)]
        default: [0x4d] + littleEndian(UInt16(length))
        }
    }

    /// Minimal CScriptNum push of a non-negative number (as BIP 34 requires for the height).
    static func scriptNumberPush(_ value: Int64) -> [UInt8] {
        var bytes = [UInt8]()
        var v = value
        while v > 0 {
            bytes.append(UInt8(v & 0xff))
            v >>= 8
        }
        if let last = bytes.last, last & 0x80 != 0 { bytes.append(0) }
        return [UInt8(bytes.count)] + bytes
    }
}
