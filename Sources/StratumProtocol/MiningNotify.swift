/// A validated `mining.notify`: every field decoded from its wire form, nothing trusted.
///
/// params: [job_id, prevhash, coinb1, coinb2, merkle_branch, version, nbits, ntime, clean_jobs]
public struct MiningNotify: Sendable, Hashable {
    /// Opaque job id, echoed back unchanged in `mining.submit`.
    public var jobID: String
    /// The 32 prevhash bytes as they go into the header (wire form word-swapped).
    public var prevHash: [UInt8]
    public var coinbase1: [UInt8]
    public var coinbase2: [UInt8]
    /// Merkle branch entries: raw sha256d outputs (internal byte order), 32 bytes each.
    public var merkleBranch: [[UInt8]]
    public var version: UInt32
    public var nbits: UInt32
    public var ntime: UInt32
    public var cleanJobs: Bool

    /// Bounds on what a pool may send; real jobs are far below them.
    public enum Limits {
        public static let maxJobIDLength = 256
        /// A block has at most a few thousand transactions: log2 of that is about 12.
        public static let maxMerkleBranchCount = 32
        public static let maxCoinbaseBytes = 100_000
    }

    public init(jobID: String, prevHash: [UInt8], coinbase1: [UInt8], coinbase2: [UInt8], merkleBranch: [[UInt8]],
                version: UInt32, nbits: UInt32, ntime: UInt32, cleanJobs: Bool) {
        self.jobID = jobID
        self.prevHash = prevHash
        self.coinbase1 = coinbase1
        self.coinbase2 = coinbase2
        self.merkleBranch = merkleBranch
        self.version = version
        self.nbits = nbits
        self.ntime = ntime
        self.cleanJobs = cleanJobs
    }

    /// Validates the params of a `mining.notify`. A `clean_jobs` that is missing, null or not a
    /// boolean (a string, a number) is false, as cgminer and cpuminer read it (`json_is_true` on
    /// params[8]); `hasBooleanCleanJobs` tells the caller to count the deviation.
    public init(params: [JSONValue]) throws(StratumProtocolError) {
        guard params.count >= 8 else {
            throw .invalidField("mining.notify", "expected 9 params, got \(params.count)")
        }
        guard let jobID = params[0].stringValue ?? params[0].integerValue.map({ String($0) }) else {
            throw .invalidField("job_id", "not a string")
        }
        guard !jobID.isEmpty, jobID.utf8.count <= Limits.maxJobIDLength else {
            throw .invalidField("job_id", "length \(jobID.utf8.count) outside 1...\(Limits.maxJobIDLength)")
        }
        guard let prevText = params[1].stringValue, let prevHash = WireEncoding.headerPrevHash(fromWire: prevText) else {
            throw .invalidField("prevhash", "not 64 hex digits")
        }
        guard let c1 = params[2].stringValue, let coinbase1 = Hex.decode(c1) else {
            throw .invalidField("coinb1", "not hex")
        }
        guard let c2 = params[3].stringValue, let coinbase2 = Hex.decode(c2) else {
            throw .invalidField("coinb2", "not hex")
        }
        guard coinbase1.count + coinbase2.count <= Limits.maxCoinbaseBytes else {
            throw .invalidField("coinb1/coinb2", "coinbase longer than \(Limits.maxCoinbaseBytes) bytes")
        }
        guard let branchValues = params[4].arrayValue else {
            throw .invalidField("merkle_branch", "not an array")
        }
        guard branchValues.count <= Limits.maxMerkleBranchCount else {
            throw .invalidField("merkle_branch", "\(branchValues.count) entries (at most \(Limits.maxMerkleBranchCount))")
        }
        var branch = [[UInt8]]()
        branch.reserveCapacity(branchValues.count)
        for (index, value) in branchValues.enumerated() {
            guard let text = value.stringValue, let bytes = Hex.decode(text), bytes.count == 32 else {
                throw .invalidField("merkle_branch[\(index)]", "not 64 hex digits")
            }
            branch.append(bytes)
        }
        guard let versionText = params[5].stringValue, let version = WireEncoding.uint32(fromHex: versionText) else {
            throw .invalidField("version", "not 8 hex digits")
        }
        guard let nbitsText = params[6].stringValue, let nbits = WireEncoding.uint32(fromHex: nbitsText) else {
            throw .invalidField("nbits", "not 8 hex digits")
        }
        guard let ntimeText = params[7].stringValue, let ntime = WireEncoding.uint32(fromHex: ntimeText) else {
            throw .invalidField("ntime", "not 8 hex digits")
        }
        // Only a JSON `true` is true: anything else (missing, null, "true", 1) is false.
        let cleanJobs = params.count > 8 && params[8].boolValue == true
        self.init(jobID: jobID, prevHash: prevHash, coinbase1: coinbase1, coinbase2: coinbase2,
                  merkleBranch: branch, version: version, nbits: nbits, ntime: ntime, cleanJobs: cleanJobs)
    }

    /// Whether these notify params carry `clean_jobs` as a JSON boolean (the standard form).
    public static func hasBooleanCleanJobs(_ params: [JSONValue]) -> Bool {
        params.count > 8 && params[8].boolValue != nil
    }

    /// The wire params again (for the pool side and for tests).
    public var params: [JSONValue] {
        [.string(jobID), .string(WireEncoding.wirePrevHash(fromHeader: prevHash)), .string(Hex.encode(coinbase1)),
         .string(Hex.encode(coinbase2)), .array(merkleBranch.map { .string(Hex.encode($0)) }),
         .string(WireEncoding.hex(version)), .string(WireEncoding.hex(nbits)), .string(WireEncoding.hex(ntime)),
         .bool(cleanJobs)]
    }
}
