import LocalPool
import MiningCore
import StratumV2Protocol
import XCTest

/// One client session of an `SV2PoolCore`, driven with plaintext frames: what a test sends goes
/// through `handle`, what the pool sends back to this session is decoded into messages.
struct SV2CoreHarness {
    var core: SV2PoolCore
    let session: SV2PoolSessionID
    var now: UInt32 = 1_700_000_000
    /// Every event the pool reported, in order.
    private(set) var events: [SV2PoolEvent] = []
    /// Whether the pool closed this session.
    private(set) var closed = false

    init(_ configuration: SV2LocalPoolConfiguration) {
        core = SV2PoolCore(configuration: configuration)
        let (id, effects) = core.openSession()
        session = id
        _ = take(effects)
    }

    /// Sends one message as a client would; returns what the pool sent to this session.
    mutating func send(_ message: some SV2Message) throws -> [SV2AnyMessage] {
        take(core.handle(try message.frame(), session: session, now: now))
    }

    /// Applies effects of a control operation; returns what this session was sent.
    mutating func take(_ effects: [SV2PoolEffect]) -> [SV2AnyMessage] {
        var messages: [SV2AnyMessage] = []
        for effect in effects {
            switch effect {
            case .send(let id, let frame) where id == session:
                guard let message = try? SV2AnyMessage(frame: frame) else {
                    XCTFail("pool sent an undecodable frame \(frame.header)")
                    continue
                }
                messages.append(message)
            case .close(let id) where id == session: closed = true
            case .event(let event): events.append(event)
            default: break
            }
        }
        return messages
    }

    /// SetupConnection for the Mining Protocol, versions 2...2.
    static func setupConnection(subProtocol: UInt8 = SetupConnection.SubProtocol.mining, minVersion: UInt16 = 2,
                                maxVersion: UInt16 = 2, flags: UInt32 = 0) -> SetupConnection {
        SetupConnection(subProtocol: subProtocol, minVersion: minVersion, maxVersion: maxVersion, flags: flags,
                        endpointHost: "127.0.0.1", endpointPort: 3336, vendor: "SwiftMiner tests", hardwareVersion: "cpu",
                        firmware: "", deviceID: "")
    }

    /// Share verdicts reported so far.
    var verdicts: [SV2ShareVerdict] {
        events.compactMap { if case .share(let verdict) = $0 { verdict } else { nil } }
    }
}

/// What a test miner knows about one channel's work: enough to build headers as a real client would,
/// from the messages alone (never from the pool's state).
struct SV2TestWork {
    var channelID: UInt32
    var target: UInt256
    /// For a standard channel: the whole extranonce; for an extended channel: the pool's part.
    var extranoncePrefix: [UInt8]
    var extranonceSize: Int
    var prevHash: [UInt8] = []
    var nbits: UInt32 = 0
    var minNTime: UInt32 = 0
    /// Job id → (version, merkle root) for standard jobs.
    var standardJobs: [UInt32: (version: UInt32, merkleRoot: [UInt8])] = [:]
    var extendedJobs: [UInt32: NewExtendedMiningJob] = [:]
    var activeJobID: UInt32?

    /// Takes in jobs, prevhashes and targets for this channel.
    mutating func apply(_ messages: [SV2AnyMessage]) {
        for message in messages {
            switch message {
            case .newMiningJob(let job) where job.channelID == channelID:
                standardJobs[job.jobID] = (job.version, job.merkleRoot.littleEndianBytes)
                if let minNTime = job.minNTime {
                    activeJobID = job.jobID
                    self.minNTime = minNTime
                }
            case .newExtendedMiningJob(let job) where job.channelID == channelID:
                extendedJobs[job.jobID] = job
                if let minNTime = job.minNTime {
                    activeJobID = job.jobID
                    self.minNTime = minNTime
                }
            case .setNewPrevHash(let prev) where prev.channelID == channelID:
                prevHash = prev.prevHash.littleEndianBytes
                nbits = prev.nbits
                minNTime = prev.minNTime
                activeJobID = prev.jobID
            case .setTarget(let set) where set.channelID == channelID:
                target = UInt256(littleEndianBytes: set.maximumTarget.littleEndianBytes)!
            default: break
            }
        }
    }

    /// The header of a share for a job (the client's own merkle root for an extended job).
    func header(jobID: UInt32, extranonce: [UInt8] = [], nonce: UInt32, version: UInt32? = nil) -> BlockHeader? {
        if let job = standardJobs[jobID] {
            return BlockHeader(version: version ?? job.version, prevHash: prevHash, merkleRoot: job.merkleRoot,
                               ntime: minNTime, nbits: nbits, nonce: nonce)
        }
        guard let job = extendedJobs[jobID] else { return nil }
        // §5.3.16: coinbase_tx_prefix ‖ extranonce_prefix ‖ extranonce ‖ coinbase_tx_suffix, folded with the path.
        let coinbase = job.coinbaseTxPrefix + extranoncePrefix + extranonce + job.coinbaseTxSuffix
        let root = Merkle.root(coinbaseHash: SHA256.hashTwice(coinbase), branch: job.merklePath.map(\.littleEndianBytes))
        return BlockHeader(version: version ?? job.version, prevHash: prevHash, merkleRoot: root, ntime: minNTime,
                           nbits: nbits, nonce: nonce)
    }

    /// The first nonce from `start` whose hash satisfies `accept` (hash as a little-endian number).
    func findNonce(jobID: UInt32, extranonce: [UInt8] = [], from start: UInt32 = 0, limit: UInt32 = 1_000_000,
                   _ accept: (UInt256) -> Bool) -> UInt32? {
        guard var header = header(jobID: jobID, extranonce: extranonce, nonce: start) else { return nil }
        for nonce in start..<(start &+ limit) {
            header.nonce = nonce
            if accept(UInt256(littleEndianBytes: header.hash)!) { return nonce }
        }
        return nil
    }
}
