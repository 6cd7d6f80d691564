import Logging

/// Command-line flags of `swiftminer proxy`; each one given overrides the file. The proxy flags
/// apply to the first `[[proxy]]`, which they create when the file has none.
public struct ProxyCommandLineOverrides: Sendable {
    /// `--listen HOST:PORT`: where miners connect.
    public var listen: String?
    /// `--allow ADDRESS/PREFIX` (repeatable): replaces the allow list.
    public var allow: [String] = []
    /// `-o` (repeatable): replaces the upstream pools, in failover order.
    public var urls: [String] = []
    /// `-u`: the upstream login.
    public var user: String?
    /// `-p`: the upstream password.
    public var password: String?
    /// `--status-file` ("" disables it).
    public var statusFile: String?
    /// `--share-log` ("" disables it).
    public var shareLog: String?
    public var logLevel: Logger.Level?

    public init(listen: String? = nil, allow: [String] = [], urls: [String] = [], user: String? = nil, password: String? = nil,
                statusFile: String? = nil, shareLog: String? = nil, logLevel: Logger.Level? = nil) {
        self.listen = listen
        self.allow = allow
        self.urls = urls
        self.user = user
        self.password = password
        self.statusFile = statusFile
        self.shareLog = shareLog
        self.logLevel = logLevel
    }

    /// Whether any flag of the first proxy is given.
    var changesFirstProxy: Bool {
        listen != nil || !allow.isEmpty || !urls.isEmpty || user != nil || password != nil
    }
}
