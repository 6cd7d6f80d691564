import MiningCore

/// Settings of an `SV2LocalPool` and its `SV2PoolCore`. Every field has a default, so
/// `SV2LocalPoolConfiguration()` is a working pool on an ephemeral loopback port.
public struct SV2LocalPoolConfiguration: Sendable, Hashable {
    /// Address to bind (loopback by default).
    public var host: String
    /// Port to bind; 0 picks an ephemeral port (`start()` returns the one bound).
    public var port: Int
    /// The difficulty every channel's initial target is made from (`Difficulty.target(for:)`);
    /// fractions below 1 are allowed.
    public var initialDifficulty: Double
    /// Serve the Noise transport (sv2-spec §4: NX handshake, certificate, encrypted frames). False
    /// serves plaintext frames (§3.2 framing only), for a test client that speaks no Noise.
    public var encrypted: Bool
    /// The pool's authority secret key (32 bytes): it signs the certificate of the static key
    /// (sv2-spec §4.5.1). Defaults to `SV2LocalPoolConfiguration.testAuthoritySecretKey`.
    public var authoritySecretKey: [UInt8]
    /// The server's static Noise secret key (32 bytes); nil draws a random one at `start()`.
    public var staticSecretKey: [UInt8]?
    /// The certificate's valid_from, in seconds relative to the moment `start()` signs it
    /// (negative: in the past). A positive value makes a not-yet-valid certificate.
    public var certificateValidFromOffset: Int64
    /// The certificate's not_valid_after, in seconds relative to `start()`. A negative value makes
    /// an expired certificate.
    public var certificateNotValidAfterOffset: Int64
    /// Accept standard channels. False models a pool that requires extended channels: it sets
    /// REQUIRES_EXTENDED_CHANNELS in SetupConnection.Success (§5.3.1) and answers
    /// OpenStandardMiningChannel with OpenMiningChannel.Error "unsupported-channel-type".
    public var standardChannels: Bool
    /// Accepted shares per SubmitShares.Success (§5.3.13 lets a pool acknowledge a batch); 1 answers
    /// every share. A partly filled batch is sent by `flushSuccesses` (and before a new prevhash).
    public var batchSuccesses: Int
    /// Bytes of extranonce_prefix that tell channels apart (a counter, unique per channel).
    public var extranoncePrefixSize: Int
    /// The extranonce_size given to extended channels that ask for less (a larger
    /// min_extranonce_size is granted up to `MiningJob.maxExtranonce2Size`). Standard channels get a
    /// prefix of `extranoncePrefixSize + extendedExtranonceSize` bytes, so every channel of a
    /// connection has the same full extended extranonce size (§5.2.3).
    public var extendedExtranonceSize: Int
    /// Seconds between automatic new (non-clean) jobs; 0 sends one only on request.
    public var jobInterval: Double
    /// How far past the pool's clock a share's ntime may be, in seconds.
    public var ntimeTolerance: UInt32
    /// How many recent jobs each channel keeps for judging shares (older: "invalid-job-id").
    public var retainedJobs: Int
    /// Header nbits of the generated jobs (0x207fffff: regtest).
    public var nbits: UInt32
    /// Header version of the generated jobs.
    public var blockVersion: UInt32
    /// Largest frame payload accepted from a client; a larger one closes the connection.
    public var maximumPayloadLength: Int

    /// A fixed authority key for tests (sha256 of "SwiftMiner SV2LocalPool test authority"): never
    /// use it for anything real.
    public static let testAuthoritySecretKey = SHA256.hash(Array("SwiftMiner SV2LocalPool test authority".utf8))

    public init(host: String = "127.0.0.1", port: Int = 0, initialDifficulty: Double = 1, encrypted: Bool = true,
                authoritySecretKey: [UInt8] = SV2LocalPoolConfiguration.testAuthoritySecretKey,
                staticSecretKey: [UInt8]? = nil, certificateValidFromOffset: Int64 = -3600,
                certificateNotValidAfterOffset: Int64 = 86_400, standardChannels: Bool = true, batchSuccesses: Int = 1,
                extranoncePrefixSize: Int = 4, extendedExtranonceSize: Int = 8, jobInterval: Double = 0,
                ntimeTolerance: UInt32 = 7200, retainedJobs: Int = 16, nbits: UInt32 = 0x207f_ffff,
                blockVersion: UInt32 = 0x2000_0000, maximumPayloadLength: Int = 64 * 1024) {
        self.host = host
        self.port = port
        self.initialDifficulty = initialDifficulty
        self.encrypted = encrypted
        self.authoritySecretKey = authoritySecretKey
        self.staticSecretKey = staticSecretKey
        self.certificateValidFromOffset = certificateValidFromOffset
        self.certificateNotValidAfterOffset = certificateNotValidAfterOffset
        self.standardChannels = standardChannels
        self.batchSuccesses = batchSuccesses
        self.extranoncePrefixSize = extranoncePrefixSize
        self.extendedExtranonceSize = extendedExtranonceSize
        self.jobInterval = jobInterval
        self.ntimeTolerance = ntimeTolerance
        self.retainedJobs = retainedJobs
        self.nbits = nbits
        self.blockVersion = blockVersion
        self.maximumPayloadLength = maximumPayloadLength
    }

    /// Checks the values a pool cannot run with.
    public func validate() throws(LocalPoolError) {
        guard (0...65535).contains(port) else { throw .invalidConfiguration("port \(port) outside 0...65535") }
        guard Difficulty.target(for: initialDifficulty) != nil else {
            throw .invalidConfiguration("initial difficulty \(initialDifficulty) is not a positive finite number")
        }
        guard authoritySecretKey.count == 32 else { throw .invalidConfiguration("authority secret key is not 32 bytes") }
        if let key = staticSecretKey, key.count != 32 { throw .invalidConfiguration("static secret key is not 32 bytes") }
        guard batchSuccesses >= 1 else { throw .invalidConfiguration("batch of successes below 1") }
        guard (1...8).contains(extranoncePrefixSize) else {
            throw .invalidConfiguration("extranonce prefix size \(extranoncePrefixSize) outside 1...8")
        }
        guard (0...MiningJob.maxExtranonce2Size).contains(extendedExtranonceSize) else {
            throw .invalidConfiguration("extended extranonce size \(extendedExtranonceSize) outside 0...\(MiningJob.maxExtranonce2Size)")
        }
        guard jobInterval.isFinite, jobInterval >= 0 else {
            throw .invalidConfiguration("job interval \(jobInterval) is not a non-negative number")
        }
        guard retainedJobs >= 1 else { throw .invalidConfiguration("retained jobs below 1") }
        guard maximumPayloadLength >= 1024 else { throw .invalidConfiguration("maximum payload length below 1024") }
    }
}
