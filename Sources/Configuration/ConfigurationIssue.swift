/// One problem in a configuration file: where it is and which key it concerns.
/// Never carries a secret: messages describe values, they do not repeat them.
public struct ConfigurationIssue: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    /// Full key path, e.g. `worker[0].pool[1].url` (nil for syntax errors).
    public var key: String?
    public var message: String

    public init(file: String, line: Int?, key: String?, message: String) {
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }

    /// `FILE:LINE: key worker[0].pool[1].url: message`.
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ":"
        if let key { text += " key \(key):" }
        return text + " " + message
    }
}

/// Every problem found in a file (all of them, not just the first).
public struct ConfigurationErrors: Error, Sendable, CustomStringConvertible {
    public var issues: [ConfigurationIssue]
    public init(_ issues: [ConfigurationIssue]) { self.issues = issues }
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}
