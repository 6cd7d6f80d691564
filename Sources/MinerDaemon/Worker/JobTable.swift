import HashingEngine
import MiningCore
import StratumClient

/// The jobs a worker may still submit shares for: by session (epoch, extranonce1) and job id, the
/// newest `capacity` since the last clean job. The one place that decides whether a candidate is
/// stale, and which job it is re-verified against. (At the moment of sending, the session only
/// checks that no clean job came after the share's job while the share was on its way — by the
/// `jobGeneration` each job and share carry — and that it belongs to that connection.)
struct JobTable {
    struct Key: Hashable {
        let epoch: UInt64
        let extranonce1: [UInt8]
        let jobID: String
    }

    /// How many earlier jobs stay valid for shares until a clean job clears them (pools keep a
    /// few: a non-clean notify every 30-60 s, cleared by the next block).
    static let capacity = 64

    /// A job and the session's `jobGeneration` it came with.
    struct Entry {
        let job: MiningJob
        let generation: UInt64
    }

    private var jobs: [Key: Entry] = [:]
    /// Difficulties a job was handed out at before the pool re-sent it, same id and same
    /// headers, at a new difficulty (miningcore's vardiff): a candidate found at one of them is
    /// judged by it (the pool does the same: ckpool's old_diff, miningcore's PreviousDifficulty).
    private var earlierDifficulties: [Key: Set<Double>] = [:]
    private var order: [Key] = []
    /// The job being mined, with its session's epoch and generation; nil while disconnected.
    private(set) var current: (job: MiningJob, epoch: UInt64, generation: UInt64)?

    var currentTemplate: WorkTemplate? { current.map { WorkTemplate(job: $0.job, epoch: $0.epoch) } }

    /// Makes `job` the current one; a clean job invalidates every earlier one.
    mutating func install(_ job: MiningJob, epoch: UInt64, generation: UInt64, clean: Bool) {
        let key = Key(epoch: epoch, extranonce1: job.extranonce1, jobID: job.jobID)
        let previous = jobs[key]?.job
        if clean {
            jobs.removeAll()
            order.removeAll()
        }
        if let previous, previous.makesSameHeaders(as: job) {
            if previous.difficulty != job.difficulty { earlierDifficulties[key, default: []].insert(previous.difficulty) }
        } else {
            earlierDifficulties[key] = nil
        }
        if jobs[key] == nil { order.append(key) }
        jobs[key] = Entry(job: job, generation: generation)
        while order.count > Self.capacity {
            let dropped = order.removeFirst()
            jobs[dropped] = nil
            earlierDifficulties[dropped] = nil
        }
        if clean { earlierDifficulties = earlierDifficulties.filter { jobs[$0.key] != nil } }
        current = (job, epoch, generation)
    }

    /// The connection ended: nothing to mine. The jobs stay, for shares a resumed session takes.
    mutating func dropCurrent() { current = nil }

    /// The job `candidate` was found for, if it is still valid, at the difficulty the candidate
    /// was found at when the pool re-sent the same job at another one since.
    func job(for candidate: ShareCandidate) -> Entry? {
        let key = Key(epoch: candidate.epoch, extranonce1: candidate.extranonce1, jobID: candidate.jobID)
        guard let entry = jobs[key] else { return nil }
        let job = entry.job
        guard candidate.targetDifficulty != job.difficulty,
              earlierDifficulties[key]?.contains(candidate.targetDifficulty) == true else { return entry }
        guard let earlier = try? MiningJob(notify: job.notify, extranonce1: job.extranonce1, extranonce2Size: job.extranonce2Size,
                                           difficulty: candidate.targetDifficulty, versionMask: job.versionMask,
                                           fixedMerkleRoot: job.fixedMerkleRoot) else { return entry }
        return Entry(job: earlier, generation: entry.generation)
    }
}
