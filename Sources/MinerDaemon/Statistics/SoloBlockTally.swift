import Foundation
import SoloMining
import StratumClient

/// Counts a solo worker's blocks by the node's answer. `SoloWorkSource` hands the answer back as
/// a `ShareResult` whose message is the node's reason string (already folded into Core's known
/// set by `BlockRejectReason`), so the count needs nothing else.
struct SoloBlockTally {
    private(set) var status = StatusDocument.Worker.Solo()

    mutating func record(_ result: ShareResult, at date: Date) {
        let reason: String
        switch result {
        case .accepted:
            reason = "accepted"
            status.blocksAccepted += 1
            status.lastBlockAcceptedAt = date
        case .rejected(.stale, _):
            // Found for a tip that had already moved on: never sent (see `SoloWorkSource.submit`).
            return
        case .rejected(_, let message):
            reason = BlockRejectReason(message ?? "rejected").rawValue
        case .lost:
            reason = "unanswered"
        }
        status.blocksSubmitted += 1
        status.blockResults[reason, default: 0] += 1
    }
}
