/// What flows from the workers and the proxies to the status reporter, in order.
public enum WorkerUpdate: Sendable {
    case snapshot(WorkerSnapshot)
    case share(ShareEvent)
    /// A farm proxy's state, for the status document's `proxies`.
    case proxy(StatusDocument.Proxy)
    /// One of a proxy's miners' shares, for the share log.
    case proxyShare(ShareLogRecord)
}
