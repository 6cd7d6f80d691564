import StratumProtocol

/// The node's answer to `submitblock` (BIP 22): JSON null when the block was accepted, else a
/// reason string. The strings are Bitcoin Core's BlockValidationState reject reasons
/// (src/validation.cpp) plus the BIP 22 ones submitblock adds itself (src/rpc/mining.cpp:
/// "duplicate", "duplicate-invalid", "duplicate-inconclusive", "inconclusive", "rejected").
public enum SubmitBlockResult: Sendable, Hashable, CustomStringConvertible {
    case accepted
    case rejected(BlockRejectReason)

    public init(result: JSONValue) {
        if result.isNull {
            self = .accepted
        } else {
            self = .rejected(BlockRejectReason(result.stringValue ?? "rejected"))
        }
    }

    public var isAccepted: Bool { self == .accepted }

    public var description: String {
        switch self {
        case .accepted: "accepted"
        case .rejected(let reason): reason.rawValue
        }
    }
}

/// A reject reason folded into a bounded set of Core's strings, so a node cannot grow the
/// per-reason counters without bound; anything else counts as `other`.
public struct BlockRejectReason: Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String

    public static let known: Set<String> = [
        "duplicate", "duplicate-invalid", "duplicate-inconclusive", "inconclusive", "rejected",
        "high-hash", "bad-diffbits", "bad-txnmrklroot", "bad-txns-duplicate", "bad-witness-merkle-match",
        "bad-witness-nonce-size", "unexpected-witness", "bad-cb-height", "bad-cb-amount", "bad-cb-length",
        "bad-cb-missing", "bad-cb-multiple", "time-too-old", "time-too-new", "prev-blk-not-found",
        "bad-prevblk", "bad-blk-length", "bad-blk-weight", "bad-version", "bad-txns-inputs-missingorspent",
        "bad-txns-nonfinal", "bad-blk-sigops", "stale",
    ]

    public init(_ text: String) {
        let trimmed = String(text.prefix(64))
        // Core words some as "bad-version(0x00000001)"; keep the stem.
        let stem = trimmed.split(separator: "(").first.map(String.init) ?? trimmed
        rawValue = Self.known.contains(stem) ? stem : "other"
    }

    public var description: String { rawValue }
}
