import FarmProxyCore
import MiningCore
import MonitoringAddresses
import PoolSettings
import StratumProtocol
import XCTest

/// Drives a `ProxyCore` as miners and a pool would, and reads back what it sent.
struct ProxyHarness {
    var core: ProxyCore
    var now: Double = 1_800_000_000
    /// Every effect so far, in order.
    var effects: [ProxyEffect] = []
    var nextRequestID: Int64 = 1
    var epoch: UInt64 = 1
    var upstreamExtranonce1: [UInt8] = [0xde, 0xad, 0xbe, 0xef]
    var upstreamExtranonce2Size = 4
    var upstreamDifficulty = 0x1p-20
    var upstreamMask: UInt32? = 0x1fff_e000
    var jobCounter = 0

    init(_ adjust: (inout ProxyConfiguration) -> Void = { _ in }) {
        var configuration = ProxyConfiguration(user: "acct.farm", pools: [PoolConfiguration(url: "stratum+tcp://127.0.0.1:1")],
                                               downstreamMinimumDifficulty: 0x1p-30, downstreamMaximumDifficulty: 1e6)
        adjust(&configuration)
        core = ProxyCore(configuration: configuration, now: now)
    }

    @discardableResult
    mutating func run(_ body: (inout ProxyCore, Double) -> [ProxyEffect]) -> [ProxyEffect] {
        let produced = body(&core, now)
        effects += produced
        return produced
    }

    /// A fresh upstream job (clean when asked, or a new prevhash every clean job).
    @discardableResult
    mutating func upstreamJob(clean: Bool = false, ntime: UInt32 = 1_800_000_000) -> [ProxyEffect] {
        jobCounter += 1
        let notify = MiningNotify(
            jobID: "up\(jobCounter)", prevHash: [UInt8](repeating: UInt8(clean ? jobCounter : 1), count: 32),
            coinbase1: [0x01, 0x00, 0x00, 0x00, 0x01] + [UInt8](repeating: 0, count: 32) + [0xff, 0xff, 0xff, 0xff, 0x20],
            coinbase2: [0xff, 0xff, 0xff, 0xff, 0x01, 0x00, 0xf2, 0x05, 0x2a, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00],
            merkleBranch: [[UInt8](repeating: 7, count: 32)], version: 0x2000_0000, nbits: 0x1d00_ffff, ntime: ntime,
            cleanJobs: clean)
        let job = UpstreamJob(notify: notify, epoch: epoch, jobGeneration: UInt64(jobCounter), extranonce1: upstreamExtranonce1,
                              extranonce2Size: upstreamExtranonce2Size, difficulty: upstreamDifficulty, versionMask: upstreamMask,
                              isClean: clean, poolURL: "stratum+tcp://127.0.0.1:1")
        return run { core, now in core.upstreamJob(job, now: now) }
    }

    mutating func connect(address: String = "10.0.0.7") -> DownstreamID {
        var id: DownstreamID?
        run { core, now in
            let (opened, effects) = core.openDownstream(address: address, now: now)
            id = opened
            return effects
        }
        return id!
    }

    @discardableResult
    mutating func send(_ id: DownstreamID, _ method: String, _ params: [JSONValue]) -> [ProxyEffect] {
        let requestID = nextRequestID
        nextRequestID += 1
        let line = JSONValue.object(["id": .integer(requestID), "method": .string(method), "params": .array(params)]).serialized
        return run { core, now in core.handleLine(Array(line.utf8), from: id, now: now) }
    }

    @discardableResult
    mutating func raw(_ id: DownstreamID, _ line: String) -> [ProxyEffect] {
        run { core, now in core.handleLine(Array(line.utf8), from: id, now: now) }
    }

    /// Subscribes and authorizes a miner; returns it.
    mutating func readyMiner(user: String = "rig1", address: String = "10.0.0.7", extranonceSubscribe: Bool = false,
                             suggest: Double? = nil) -> DownstreamID {
        let id = connect(address: address)
        if extranonceSubscribe { send(id, "mining.extranonce.subscribe", []) }
        send(id, "mining.subscribe", ["test-miner/1.0"])
        if let suggest { send(id, "mining.suggest_difficulty", [.double(suggest)]) }
        send(id, "mining.authorize", [.string(user), "x"])
        return id
    }

    /// The JSON lines a miner received (sends and broadcasts), in order.
    func lines(to id: DownstreamID, in list: [ProxyEffect]? = nil) -> [[String: JSONValue]] {
        (list ?? effects).compactMap { effect -> String? in
            switch effect {
            case .send(let target, let line) where target == id: line
            case .broadcast(let targets, let line) where targets.contains(id): line
            default: nil
            }
        }.compactMap { line in
            guard case .object(let object)? = try? JSONValue.parse(Array(line.utf8)) else { return nil }
            return object
        }
    }

    func notifications(_ method: String, to id: DownstreamID, in list: [ProxyEffect]? = nil) -> [[JSONValue]] {
        lines(to: id, in: list).filter { $0["method"]?.stringValue == method }.compactMap { $0["params"]?.arrayValue }
    }

    /// The answer to the last request sent (its `result` and `error`).
    func answer(to id: DownstreamID, in list: [ProxyEffect]) -> (result: JSONValue, error: JSONValue)? {
        lines(to: id, in: list).last { $0["method"] == nil }.map { ($0["result"] ?? .null, $0["error"] ?? .null) }
    }

    func forwards(in list: [ProxyEffect]? = nil) -> [ForwardedShare] {
        (list ?? effects).compactMap { if case .forward(let share) = $0 { share } else { nil } }
    }

    func closes(in list: [ProxyEffect]? = nil) -> [(DownstreamID, String)] {
        (list ?? effects).compactMap { if case .close(let id, let reason) = $0 { (id, reason) } else { nil } }
    }

    /// The subscribe answer's extranonce1 and extranonce2 size.
    func extranonce(of id: DownstreamID) -> (extranonce1: [UInt8], size: Int)? {
        guard let result = lines(to: id).first(where: { $0["result"]?.arrayValue?.count == 3 })?["result"]?.arrayValue,
              let text = result[1].stringValue, let bytes = Hex.decode(text), let size = result[2].integerValue else { return nil }
        return (bytes, Int(size))
    }

    /// A share for the miner's newest job whose hash achieves at least `atLeast` (and, when given,
    /// stays below `below`), found by trying nonces the way the miner's engine would.
    func findShare(for id: DownstreamID, atLeast: Double, below: Double = .infinity, extranonce2: [UInt8]? = nil,
                   versionBits: UInt32? = nil, mask: UInt32 = 0) -> (params: [JSONValue], difficulty: Double)? {
        guard let notifyParams = notifications("mining.notify", to: id).last, let notify = try? MiningNotify(params: notifyParams),
              let (extranonce1, size) = extranonce(of: id),
              let job = try? MiningJob(notify: notify, extranonce1: extranonce1, extranonce2Size: size, difficulty: 1, versionMask: mask)
        else { return nil }
        let extranonce2 = extranonce2 ?? [UInt8](repeating: 0x42, count: size)
        for nonce in UInt32(0)..<2_000_000 {
            let evaluation = job.evaluate(extranonce2: extranonce2, ntime: notify.ntime, nonce: nonce, versionBits: versionBits)
            guard evaluation.shareDifficulty >= atLeast, evaluation.shareDifficulty < below else { continue }
            var params: [JSONValue] = ["rig", .string(notify.jobID), .string(Hex.encode(extranonce2)),
                                       .string(WireEncoding.hex(notify.ntime)), .string(WireEncoding.hex(nonce))]
            if let versionBits { params.append(.string(WireEncoding.hex(versionBits))) }
            return (params, evaluation.shareDifficulty)
        }
        return nil
    }
}
