/// A worker's state at one moment, published by `WorkerCore` after every event it handles.
public struct WorkerSnapshot: Sendable {
    /// The worker's part of the status document.
    public var status: StatusDocument.Worker
    public var threads: Int
    public var counters: ShareCounters

    /// Authorized with a job in hand: the hash counters should advance.
    public var hasJob: Bool { status.pool.state == .mining && status.pool.jobID != nil }
}
