import StratumClient

/// A Stratum pool as a worker's work source: the client's session events become the worker's.
extension StratumClient: WorkSource {
    public nonisolated var isSolo: Bool { false }

    public var workEvents: any AsyncSequence<WorkSourceEvent, Never> { events.map(WorkSourceEvent.init) }
}

extension WorkSourceEvent {
    /// The worker's event for one of the Stratum client's.
    init(_ event: StratumClientEvent) {
        switch event {
        case .connecting(let url, let attempt): self = .connecting(url: url, attempt: attempt)
        case .connected(let url): self = .connected(url: url)
        case .subscribed(let url, let extranonce1, let size, let resumed):
            self = .subscribed(url: url, extranonce1: extranonce1, extranonce2Size: size, resumed: resumed)
        case .authorized(let worker): self = .authorized(worker: worker)
        case .authorizationFailed(let worker, let reason): self = .authorizationFailed(worker: worker, reason: reason)
        case .versionRollingMask(let mask): self = .versionRollingMask(mask)
        case .difficulty(let difficulty): self = .difficulty(difficulty)
        case .job(let assignment): self = .job(assignment)
        case .disconnected(let url, let reason): self = .disconnected(url: url, reason: reason)
        case .poolMessage(let message): self = .poolMessage(message)
        case .sharesResubmitted(let count): self = .sharesResubmitted(count: count)
        case .protocolError(let message): self = .protocolError(message)
        }
    }
}
