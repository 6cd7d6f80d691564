/// One rejected share.
public struct LocalPoolRejection: Sendable, Hashable {
    public var session: LocalPoolSessionID
    public var worker: String?
    public var jobID: String?
    public var reason: LocalPoolRejectReason
    /// The message sent to the client.
    public var message: String
}
