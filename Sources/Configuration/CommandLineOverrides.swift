import Logging

/// Command-line flags of `swiftminer run`; each one given overrides the file.
public struct CommandLineOverrides: Sendable {
    /// `-o` (repeatable): replaces the pool list of the first worker (creates it when the file has none).
    public var urls: [String] = []
    /// `-u`: the first worker's user.
    public var user: String?
    /// `-p`: the first worker's password.
    public var password: String?
    /// `-t`: hashing threads of every worker.
    public var threads: Int?
    public var kernel: KernelChoice?
    /// `--status-file` ("" disables it).
    public var statusFile: String?
    /// `--share-log` ("" disables it).
    public var shareLog: String?
    public var logLevel: Logger.Level?
    /// `--coinbase-addr`: solo mining's payout address (with `-o http://…`).
    public var coinbaseAddress: String?

    public init(urls: [String] = [], user: String? = nil, password: String? = nil, threads: Int? = nil, kernel: KernelChoice? = nil,
                statusFile: String? = nil, shareLog: String? = nil, logLevel: Logger.Level? = nil, coinbaseAddress: String? = nil) {
        self.coinbaseAddress = coinbaseAddress
        self.urls = urls
        self.user = user
        self.password = password
        self.threads = threads
        self.kernel = kernel
        self.statusFile = statusFile
        self.shareLog = shareLog
        self.logLevel = logLevel
    }
}
