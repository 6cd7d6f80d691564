import Foundation
import Logging
import PoolSettings

/// TOML configuration → `MinerSettings`. Keys and their defaults are documented in
/// `Config/swiftminer.toml`; unknown keys are errors.
public enum ConfigurationFile {
    /// "trace, debug, info, notice, warning, error, critical": what `log_level` and `--log-level` take.
    /// What a pool URL must look like (a `[[worker.pool]]` url or `-o`).
    static let poolURLExpected =
        "not a pool URL (expected stratum+tcp://HOST:PORT, stratum+ssl:// for TLS, or stratum2+tcp://HOST:PORT/KEY for Stratum V2)"

    /// Why `url` is not a pool URL: the authority-key problem of a `stratum2+tcp://` URL in its own
    /// words, the general expectation otherwise. nil for a valid URL.
    static func poolURLProblem(_ url: String) -> String? {
        switch PoolEndpoint.parse(url) {
        case .success: nil
        case .failure(let why):
            switch why {
            case .missingAuthorityKey, .authorityKey: "not a Stratum V2 pool URL: \(why)"
            default: poolURLExpected
            }
        }
    }
    /// What a solo node's URL must look like.
    static let nodeURLExpected = "not a node URL (expected http://HOST:PORT or https://HOST:PORT)"

    static var logLevelNames: String { Logger.Level.allCases.map(\.rawValue).joined(separator: ", ") }

    /// Reads and parses `path`. A file without `[[worker]]` is valid here (flags may add one).
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(ConfigurationErrors) -> MinerSettings
    {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            var message = "cannot read the file: \(Self.reason(error))"
            if FileManager.default.fileExists(atPath: path) && !FileManager.default.isReadableFile(atPath: path) {
                // The usual cause under systemd: a file the service's user may not read.
                message += " (the service reads it as the user swiftminer: make it root:swiftminer 0640, "
                    + "as `make install` does, with chgrp swiftminer and chmod 0640)"
            }
            throw ConfigurationErrors([ConfigurationIssue(file: path, line: nil, key: nil, message: message)])
        }
        return try parse(text, file: path, environment: environment)
    }

    /// Parses a document; `file` names it in errors.
    public static func parse(_ text: String, file: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(ConfigurationErrors) -> MinerSettings
    {
        let root: TOMLTable
        do {
            root = try TOMLParser.parse(text)
        } catch {
            throw ConfigurationErrors([ConfigurationIssue(file: file, line: error.line, key: nil, message: error.message)])
        }
        var reader = Reader(file: file)
        let settings = reader.settings(root, environment: environment)
        if !reader.issues.isEmpty {
            // In file order (stable: issues of one line keep their order).
            let sorted = reader.issues.enumerated().sorted { ($0.element.line ?? .max, $0.offset) < ($1.element.line ?? .max, $1.offset) }
            throw ConfigurationErrors(sorted.map(\.element))
        }
        return settings
    }

    static func reason(_ error: any Error) -> String {
        if let cocoa = error as? CocoaError, let underlying = cocoa.userInfo[NSUnderlyingErrorKey] as? NSError {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if let cocoa = error as? CocoaError {
            switch cocoa.code {
            case .fileReadNoSuchFile: return "no such file"
            case .fileReadNoPermission: return "permission denied"
            default: break
            }
        }
        return "\(error.localizedDescription)"
    }
}
