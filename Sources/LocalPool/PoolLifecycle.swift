/// Where a test pool stands (both `LocalPool` and `SV2LocalPool`): started at most once, listening
/// while running, and once stopped refusing new connections.
struct PoolLifecycle {
    private(set) var listener: PoolListener?
    private(set) var started = false
    private(set) var stopped = false

    /// Marks the start; a second one throws.
    mutating func start() throws(LocalPoolError) {
        guard !started else { throw .alreadyStarted }
        started = true
    }

    /// The start failed before the pool listened: it may be started again.
    mutating func startFailed() { started = false }

    mutating func listening(_ listener: PoolListener) { self.listener = listener }

    /// Marks the stop and hands over the listener to close (nil when it never listened).
    mutating func stop() -> PoolListener? {
        stopped = true
        defer { listener = nil }
        return listener
    }

    /// The bound port while listening.
    var port: Int? { listener?.server.localAddress?.port }
}
