import Foundation
import MiningCore

/// Settings of a `LocalPool`. Every field has a default, so `LocalPoolConfiguration()` is a
/// working pool on an ephemeral loopback port.
public struct LocalPoolConfiguration: Sendable, Hashable {
    /// Address to bind (loopback by default).
    public var host: String
    /// Port to bind; 0 picks an ephemeral port (`start()` returns the one bound).
    public var port: Int
    /// Difficulty sent after subscribe; fractions below 1 are allowed (e.g. 0.001).
    public var initialDifficulty: Double
    /// Bytes of extranonce1 the pool assigns to each session.
    public var extranonce1Size: Int
    /// Bytes of extranonce2 the miner rolls.
    public var extranonce2Size: Int
    /// The version-rolling mask offered to `mining.configure` (nil refuses version rolling).
    public var versionRollingMask: UInt32?
    /// Seconds between automatic new (non-clean) jobs; 0 never sends one on its own.
    public var jobInterval: Double
    /// How far past the pool's clock a submitted ntime may be, in seconds.
    public var ntimeTolerance: UInt32
    /// Accepted credentials: nil accepts anyone; otherwise entries "user:password" (user and
    /// password must match) or "user" (any password).
    public var authorizedUsers: Set<String>?
    /// Reject `mining.submit` from a worker that was not authorized on the session (24).
    public var requireAuthorization: Bool
    /// Longest request line accepted (bytes, without the newline); a longer one closes the session.
    public var maximumLineLength: Int
    /// How many recent jobs each session keeps for judging shares (older ones: "Job not found").
    public var retainedJobs: Int
    /// Header nbits of the generated jobs (0x207fffff: regtest, so nearly any share is a block).
    public var nbits: UInt32
    /// Header version of the generated jobs.
    public var blockVersion: UInt32
    /// Unparseable lines a session may send before it is closed.
    public var maximumInvalidLines: Int
    /// `mining.suggest_difficulty` changes the session's difficulty (for jobs sent after it).
    public var honorSuggestedDifficulty: Bool
    /// Serve Stratum over TLS with this certificate and key (nil: plain TCP).
    public var tls: LocalPoolTLS?
    /// Whose wire behaviour to reproduce (see `LocalPoolPersonality`).
    public var personality: LocalPoolPersonality

    public init(host: String = "127.0.0.1", port: Int = 0, initialDifficulty: Double = 1,
                extranonce1Size: Int = 4, extranonce2Size: Int = 4,
                versionRollingMask: UInt32? = VersionRolling.standardMask, jobInterval: Double = 30,
                ntimeTolerance: UInt32 = 7200, authorizedUsers: Set<String>? = nil,
                requireAuthorization: Bool = true, maximumLineLength: Int = 16 * 1024, retainedJobs: Int = 16,
                nbits: UInt32 = 0x207f_ffff, blockVersion: UInt32 = 0x2000_0000, maximumInvalidLines: Int = 16,
                honorSuggestedDifficulty: Bool = true, tls: LocalPoolTLS? = nil,
                personality: LocalPoolPersonality = .standard) {
        self.personality = personality
        self.host = host
        self.port = port
        self.initialDifficulty = initialDifficulty
        self.extranonce1Size = extranonce1Size
        self.extranonce2Size = extranonce2Size
        self.versionRollingMask = versionRollingMask
        self.jobInterval = jobInterval
        self.ntimeTolerance = ntimeTolerance
        self.authorizedUsers = authorizedUsers
        self.requireAuthorization = requireAuthorization
        self.maximumLineLength = maximumLineLength
        self.retainedJobs = retainedJobs
        self.nbits = nbits
        self.blockVersion = blockVersion
        self.maximumInvalidLines = maximumInvalidLines
        self.honorSuggestedDifficulty = honorSuggestedDifficulty
        self.tls = tls
    }

    /// A pool that behaves like `personality`, with its start difficulty when it has one.
    public static func mimicking(_ personality: LocalPoolPersonality) -> LocalPoolConfiguration {
        var configuration = LocalPoolConfiguration(personality: personality)
        if let start = personality.startDifficulty { configuration.initialDifficulty = start }
        return configuration
    }

    /// Checks the values a pool cannot run with.
    public func validate() throws(LocalPoolError) {
        guard (0...65535).contains(port) else { throw .invalidConfiguration("port \(port) outside 0...65535") }
        guard initialDifficulty.isFinite, initialDifficulty > 0 else {
            throw .invalidConfiguration("initial difficulty \(initialDifficulty) is not a positive finite number")
        }
        guard (1...LocalPool.maximumExtranonce1Size).contains(extranonce1Size) else {
            throw .invalidConfiguration("extranonce1 size \(extranonce1Size) outside 1...\(LocalPool.maximumExtranonce1Size)")
        }
        guard (0...MiningJob.maxExtranonce2Size).contains(extranonce2Size) else {
            throw .invalidConfiguration("extranonce2 size \(extranonce2Size) outside 0...\(MiningJob.maxExtranonce2Size)")
        }
        guard jobInterval.isFinite, jobInterval >= 0 else {
            throw .invalidConfiguration("job interval \(jobInterval) is not a non-negative number")
        }
        guard maximumLineLength >= 256 else { throw .invalidConfiguration("maximum line length below 256") }
        guard retainedJobs >= 1 else { throw .invalidConfiguration("retained jobs below 1") }
    }
}

/// The server certificate of a TLS `LocalPool` (`stratum+ssl://`), as PEM text.
public struct LocalPoolTLS: Sendable, Hashable {
    /// The leaf certificate first, then any intermediates.
    public var certificateChainPEM: String
    public var privateKeyPEM: String

    public init(certificateChainPEM: String, privateKeyPEM: String) {
        self.certificateChainPEM = certificateChainPEM
        self.privateKeyPEM = privateKeyPEM
    }

    /// Reads both PEM files.
    public init(certificateChainFile: String, privateKeyFile: String) throws {
        func read(_ path: String) throws -> String {
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw LocalPoolError.invalidConfiguration("cannot read \(path)")
            }
            return text
        }
        self.init(certificateChainPEM: try read(certificateChainFile), privateKeyPEM: try read(privateKeyFile))
    }
}

public enum LocalPoolError: Error, Hashable, CustomStringConvertible {
    case invalidConfiguration(String)
    case alreadyStarted
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let text): "invalid local pool configuration: \(text)"
        case .alreadyStarted: "the local pool is already started"
        case .invalidArgument(let text): "invalid argument: \(text)"
        }
    }
}
