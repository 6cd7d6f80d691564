/// What flows from the workers to the status reporter, in order.
public enum WorkerUpdate: Sendable {
    case snapshot(WorkerSnapshot)
    case share(ShareEvent)
}
