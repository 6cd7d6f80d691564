import HashingEngine
import MiningCore
import StratumClient

/// The jobs a worker may still submit shares for: by session (epoch, extranonce1) and job id, the
/// newest `capacity` since the last clean job. It decides whether a candidate is stale before it
/// is submitted, and which job it is re-verified against. (The session still refuses, at the
/// moment of sending, a share whose job a `clean_jobs` notify invalidated while it was on its way,
/// and sends version bits only under the mask it agreed.)
struct JobTable {
    struct Key: Hashable {
        let epoch: UInt64
        let extranonce1: [UInt8]
        let jobID: String
    }

    /// How many earlier jobs stay valid for shares (until a clean job clears them): as many as the
    /// session accepts submits for.
    static let capacity = StratumSession.maxValidJobs

    private var jobs: [Key: MiningJob] = [:]
    private var order: [Key] = []
    /// The job being mined, with its session's epoch; nil while disconnected.
    private(set) var current: (job: MiningJob, epoch: UInt64)?

    var currentTemplate: WorkTemplate? { current.map { WorkTemplate(job: $0.job, epoch: $0.epoch) } }

    /// Makes `job` the current one; a clean job invalidates every earlier one.
    mutating func install(_ job: MiningJob, epoch: UInt64, clean: Bool) {
        let key = Key(epoch: epoch, extranonce1: job.extranonce1, jobID: job.jobID)
        if clean {
            jobs.removeAll()
            order.removeAll()
        }
        if jobs[key] == nil { order.append(key) }
        jobs[key] = job
        while order.count > Self.capacity { jobs[order.removeFirst()] = nil }
        current = (job, epoch)
    }

    /// The connection ended: nothing to mine. The jobs stay, for shares a resumed session takes.
    mutating func dropCurrent() { current = nil }

    /// The job `candidate` was found for, if it is still valid.
    func job(for candidate: ShareCandidate) -> MiningJob? {
        jobs[Key(epoch: candidate.epoch, extranonce1: candidate.extranonce1, jobID: candidate.jobID)]
    }
}
