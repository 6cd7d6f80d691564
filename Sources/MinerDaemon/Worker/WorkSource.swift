import StratumClient

/// Where a worker's jobs come from and where its shares go: a Stratum pool (`StratumClient`) or
/// the worker's own node (`SoloWorkSource`). Both speak in `WorkSourceEvent`s, so the worker
/// core, the status file, the metrics and the API treat them alike.
public protocol WorkSource: Sendable {
    /// Connection, login and job events, in order; finishes when `run()` returns.
    var workEvents: any AsyncSequence<WorkSourceEvent, Never> { get async }
    /// Sends one share and waits for its answer.
    func submit(_ share: ShareSubmission) async -> ShareResult
    /// Runs until cancelled.
    func run() async throws
    /// Solo work: every share is a block and is counted by the node's answer.
    var isSolo: Bool { get }
    /// Asks for this share difficulty (`mining.suggest_difficulty`); a node has none to set.
    func suggestDifficulty(_ value: Double)
}
