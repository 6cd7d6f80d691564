import NIOCore

/// The part a connection plays for the client: its `.current` connection (events go out, submits
/// come in); a `.probe` of the primary while mining on a backup (events are kept until the client
/// promotes it); or a `.retired` backup after the switch to the primary (events are dropped, the
/// shares it was sent are answered, then it closes).
enum PoolConnectionRole {
    case current, probe, retired

    /// Most events a probe keeps before it is promoted (jobs beyond it drop the oldest).
    static let maximumProbeBacklog = 256
}

/// What `StratumClient` asks of a connection's last handler, whichever protocol it speaks. Called
/// on the connection's event loop.
protocol PoolConnectionHandler: AnyObject {
    /// Completed when the connection is over (never fails).
    var outcome: EventLoopFuture<ConnectionOutcome> { get }
    /// A probe's answer: true once authorized, false when it ended before (never fails).
    var probeAnswer: EventLoopFuture<Bool> { get }
    /// This connection's session number (`JobAssignment.epoch`, `ShareSubmission.epoch`).
    var epoch: UInt64 { get }
    func submit(_ share: ShareSubmission, token: UInt64)
    func suggestDifficulty(_ value: Double)
    /// A probe becomes the current connection; false when it is not an authorized, open probe.
    func promote() -> Bool
    /// The current connection becomes a retiring backup that closes once `drain` says so.
    func retire(_ drain: BackupDrain)
    func shutdown()
}
