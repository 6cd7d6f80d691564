import MiningCore
import StratumProtocol

/// Identifies one TCP connection to the pool (unique for the pool's lifetime).
public typealias LocalPoolSessionID = UInt64

/// Why the pool rejected a share (and the Stratum error code it answered with).
public enum LocalPoolRejectReason: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// 21: the job id was never sent to this session, or it is too old to be kept.
    case jobNotFound = "job-not-found"
    /// 21: the job was replaced by a clean job (new prevhash).
    case staleJob = "stale"
    /// 22: the same (job, extranonce2, ntime, nonce, version bits) was already accepted.
    case duplicate
    /// 23: the header hash is above the share target of the job.
    case lowDifficulty = "low-difficulty"
    /// 24: the worker was not authorized on this session.
    case unauthorized
    /// 25: `mining.submit` before `mining.subscribe`.
    case notSubscribed = "not-subscribed"
    /// 20: malformed params (field lengths, hex, ntime range, version bits).
    case invalid

    /// The Stratum error code sent for this reason.
    public var code: Int {
        switch self {
        case .jobNotFound, .staleJob: 21
        case .duplicate: 22
        case .lowDifficulty: 23
        case .unauthorized: 24
        case .notSubscribed: 25
        case .invalid: 20
        }
    }

    public var description: String { rawValue }
}

/// One share the pool accepted.
public struct LocalPoolShare: Sendable, Hashable {
    public var session: LocalPoolSessionID
    public var worker: String
    public var jobID: String
    /// Hex as submitted (lower-cased).
    public var extranonce2: String
    public var ntime: UInt32
    public var nonce: UInt32
    /// The version bits submitted (nil when the submit had none).
    public var versionBits: UInt32?
    /// The difficulty of the job the share was judged against.
    public var difficulty: Double
    /// The difficulty the share's hash achieves.
    public var shareDifficulty: Double
    /// The block hash (display order).
    public var hash: String
    /// The hash also meets the job's nbits target (a block, on a real network).
    public var meetsNetworkTarget: Bool
}

/// One rejected share.
public struct LocalPoolRejection: Sendable, Hashable {
    public var session: LocalPoolSessionID
    public var worker: String?
    public var jobID: String?
    public var reason: LocalPoolRejectReason
    /// The message sent to the client.
    public var message: String
}

/// Things that happen in the pool, in order, for tests and for `swiftminer demo`.
public enum LocalPoolEvent: Sendable, Hashable {
    case sessionOpened(session: LocalPoolSessionID, remote: String)
    case subscribed(session: LocalPoolSessionID, extranonce1: String, extranonce2Size: Int, userAgent: String?, resumed: Bool)
    case versionRollingConfigured(session: LocalPoolSessionID, mask: UInt32?)
    case authorized(session: LocalPoolSessionID, worker: String, accepted: Bool)
    case difficultySent(session: LocalPoolSessionID, difficulty: Double)
    case jobSent(session: LocalPoolSessionID, jobID: String, clean: Bool)
    case shareAccepted(LocalPoolShare)
    case shareRejected(LocalPoolRejection)
    /// A line that was not a valid JSON-RPC request (malformed JSON, wrong shape, unknown method).
    case invalidRequest(session: LocalPoolSessionID, reason: String)
    case sessionClosed(session: LocalPoolSessionID)
}

/// Per-session counters in a `LocalPoolStats` snapshot.
public struct LocalPoolSessionStats: Sendable, Hashable {
    public var session: LocalPoolSessionID
    public var remote: String
    public var connected: Bool
    public var subscribed: Bool
    public var extranonce1: String?
    public var extranonce2Size: Int
    public var userAgent: String?
    public var authorizedWorkers: [String]
    public var difficulty: Double
    public var versionRollingMask: UInt32?
    public var accepted: Int
    public var rejected: Int
    public var rejectedByReason: [LocalPoolRejectReason: Int]
}

/// A snapshot of the pool's counters.
public struct LocalPoolStats: Sendable, Hashable {
    public var accepted: Int
    public var rejected: Int
    public var rejectedByReason: [LocalPoolRejectReason: Int]
    /// Sessions, open ones and closed ones (closed ones keep their counters), by id.
    public var sessions: [LocalPoolSessionStats]
    /// Accepted shares in order (the most recent `LocalPool.maximumRecordedShares`).
    public var acceptedShares: [LocalPoolShare]
    public var currentJobID: String?
    public var jobsCreated: Int
    /// `mining.submit` lines dropped unanswered while `LocalPool.ignoreSubmits(true)` was on.
    public var ignoredSubmits: Int
    /// Submits judged (and counted) but left unanswered while `LocalPool.withholdSubmitAnswers(true)` was on.
    public var withheldAnswers: Int

    public init() {
        accepted = 0
        rejected = 0
        rejectedByReason = [:]
        sessions = []
        acceptedShares = []
        currentJobID = nil
        jobsCreated = 0
        ignoredSubmits = 0
        withheldAnswers = 0
    }
}

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
