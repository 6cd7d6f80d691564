import Foundation
import HashingEngine
import MiningCore
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import StratumClient
import StratumProtocol

/// A miner a test scripts line by line over a real TCP connection to 127.0.0.1 (an ASIC's
/// firmware, a broken client, a flood): it sends whatever the test says and keeps every message
/// it receives, in order, for the test to wait on and read. Nothing blocks a thread: waits poll.
final class ScriptedMiner: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// What the connection received so far, filled on its event loop.
    fileprivate final class Inbox: @unchecked Sendable {
        let lock = NIOLock()
        var messages: [JSONValue] = []
        var closed = false
    }

    private let inbox: Inbox
    private let channel: any Channel
    private let lock = NIOLock()
    private var nextID: Int64 = 1

    private init(inbox: Inbox, channel: any Channel) {
        self.inbox = inbox
        self.channel = channel
    }

    static func connect(port: Int) async throws -> ScriptedMiner {
        let inbox = Inbox()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFrameDecoder(maximumLineLength: 1 << 20)))
                    try channel.pipeline.syncOperations.addHandler(InboxHandler(inbox: inbox))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return ScriptedMiner(inbox: inbox, channel: channel)
    }

    /// Everything received, in order (lines that are not JSON are dropped).
    var messages: [JSONValue] { inbox.lock.withLock { inbox.messages } }
    /// The server closed the connection (or it was closed here).
    var isClosed: Bool { inbox.lock.withLock { inbox.closed } }

    /// The params of every server call of `method` received so far.
    func notifications(_ method: String) -> [[JSONValue]] {
        messages.filter { $0["method"]?.stringValue == method }.map { $0["params"]?.arrayValue ?? [] }
    }

    func sendRaw(_ bytes: [UInt8]) {
        var buffer = channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        channel.writeAndFlush(buffer, promise: nil)
    }

    func sendLine(_ text: String) { sendRaw(Array((text + "\n").utf8)) }

    /// Sends a request without waiting; returns its id.
    @discardableResult
    func send(_ method: String, _ params: [JSONValue]) -> Int64 {
        let id = lock.withLock { () -> Int64 in
            defer { nextID += 1 }
            return nextID
        }
        sendLine(JSONValue.object(["id": .integer(id), "method": .string(method), "params": .array(params)]).serialized)
        return id
    }

    /// The answer to request `id`; throws when none came within `timeout` or the connection closed.
    func response(id: Int64, timeout: Duration = .seconds(5)) async throws -> JSONValue {
        var found: JSONValue?
        let answered = await Polling.wait(timeout * EndToEndRun.timeScale) {
            found = messages.first { $0["method"] == nil && $0["id"]?.integerValue == id }
            return found != nil || isClosed
        }
        if let found { return found }
        throw Failure(description: answered ? "connection closed awaiting answer \(id)" : "no answer to \(id) within \(timeout)")
    }

    /// Sends a request and returns its answer.
    @discardableResult
    func request(_ method: String, _ params: [JSONValue], timeout: Duration = .seconds(5)) async throws -> JSONValue {
        try await response(id: send(method, params), timeout: timeout)
    }

    /// Waits (polling) until `condition` holds; false when it did not within `timeout`.
    func wait(_ timeout: Duration = .seconds(5), until condition: (ScriptedMiner) -> Bool) async -> Bool {
        await Polling.wait(timeout * EndToEndRun.timeScale) { condition(self) }
    }

    /// Closes the connection at once (the way a miner that loses power or its network does).
    func close() async {
        try? await channel.close()
    }

    // MARK: Stratum

    /// `mining.subscribe` then `mining.authorize` (with `mining.extranonce.subscribe` first when
    /// asked); throws unless both answers are results.
    func subscribeAndAuthorize(user: String, agent: String = "scripted/1.0", extranonceSubscribe: Bool = false) async throws {
        if extranonceSubscribe { try Self.requireResult(await request("mining.extranonce.subscribe", [])) }
        try Self.requireResult(await request("mining.subscribe", [.string(agent)]))
        try Self.requireResult(await request("mining.authorize", [.string(user), "x"]))
    }

    @discardableResult
    static func requireResult(_ answer: JSONValue) throws -> JSONValue {
        guard answer["error"]?.isNull ?? true, let result = answer["result"], !result.isNull else {
            throw Failure(description: "not a result: \(answer.serialized)")
        }
        return result
    }

    /// The Stratum error code of an answer (nil for a result).
    static func errorCode(_ answer: JSONValue) -> Int64? {
        answer["error"]?.arrayValue?.first?.integerValue
    }

    /// Whether the answer is `"result": true` with no error.
    static func isTrue(_ answer: JSONValue) -> Bool {
        answer["result"] == .bool(true) && (answer["error"]?.isNull ?? true)
    }

    /// The session as the server described it so far: extranonce from the subscribe answer or
    /// the latest `mining.set_extranonce`, the version mask from `mining.configure` or
    /// `mining.set_version_mask`, and the latest job at the difficulty in force when it came.
    struct Work {
        var extranonce1: [UInt8]
        var extranonce2Size: Int
        var versionMask: UInt32
        var difficulty: Double
        var job: MiningJob
        /// Index of the job's `mining.notify` in `messages`.
        var index: Int
    }

    /// The newest job (nil before the first one).
    var work: Work? {
        var extranonce1: [UInt8]?, size = 0, mask: UInt32 = 0, difficulty = 1.0
        var latest: Work?
        for (index, message) in messages.enumerated() {
            if let method = message["method"]?.stringValue {
                let params = message["params"]?.arrayValue ?? []
                switch method {
                case "mining.set_difficulty": difficulty = params.first?.doubleValue ?? difficulty
                case "mining.set_extranonce":
                    extranonce1 = params.first?.stringValue.flatMap { Hex.decode($0) }
                    size = Int(params.dropFirst().first?.integerValue ?? Int64(size))
                case "mining.set_version_mask":
                    mask = params.first?.stringValue.flatMap { WireEncoding.uint32(fromHex: $0) } ?? 0
                case "mining.notify":
                    guard let extranonce1, let notify = try? MiningNotify(params: params),
                          let job = try? MiningJob(notify: notify, extranonce1: extranonce1, extranonce2Size: size,
                                                   difficulty: difficulty, versionMask: mask) else { continue }
                    latest = Work(extranonce1: extranonce1, extranonce2Size: size, versionMask: mask, difficulty: difficulty,
                                  job: job, index: index)
                default: break
                }
            } else if let result = message["result"] {
                if let array = result.arrayValue, array.count == 3, let text = array[1].stringValue, let value = array[2].integerValue {
                    extranonce1 = Hex.decode(text)
                    size = Int(value)
                } else if let granted = result["version-rolling.mask"]?.stringValue {
                    mask = WireEncoding.uint32(fromHex: granted) ?? 0
                }
            }
        }
        return latest
    }

    /// Waits for a job sent after message `index` (or any job when nil) that `matching` accepts.
    func waitForWork(after index: Int? = nil, timeout: Duration = .seconds(5),
                     matching: (Work) -> Bool = { _ in true }) async throws -> Work {
        var found: Work?
        _ = await wait(timeout) { miner in
            found = miner.work.flatMap { (index == nil || $0.index > index!) && matching($0) ? $0 : nil }
            return found != nil || miner.isClosed
        }
        guard let found else { throw Failure(description: "no new job (after message \(index ?? -1)) within \(timeout)") }
        return found
    }

    /// `mining.submit` of one share of `work`.
    func submit(_ worker: String, _ work: Work, _ share: FoundShare) async throws -> JSONValue {
        var params: [JSONValue] = [.string(worker), .string(work.job.jobID), .string(Hex.encode(share.extranonce2)),
                                   .string(WireEncoding.hex(work.job.notify.ntime)), .string(WireEncoding.hex(share.nonce))]
        if let bits = share.versionBits { params.append(.string(WireEncoding.hex(bits))) }
        return try await request("mining.submit", params)
    }
}

/// One share a scripted miner found: the header fields it chose.
struct FoundShare: Hashable {
    var extranonce2: [UInt8]
    var nonce: UInt32
    var versionBits: UInt32?
}

extension ScriptedMiner.Work {
    /// A share meeting `difficulty` (the job's own by default): nonces scanned with this CPU's
    /// fastest kernel, like an ASIC would, and the result checked with `MiningJob.evaluate`.
    /// `extranonce2` is filled with `fill` to the job's size; nil when none in `2^32` nonces.
    func findShare(difficulty: Double? = nil, fill: UInt8 = 0, versionBits: UInt32? = nil,
                   excluding: Set<FoundShare> = []) -> FoundShare? {
        guard let target = try? MiningJob(notify: job.notify, extranonce1: extranonce1, extranonce2Size: extranonce2Size,
                                          difficulty: difficulty ?? self.difficulty, versionMask: versionMask) else { return nil }
        let extranonce2 = [UInt8](repeating: fill, count: extranonce2Size)
        let work = target.kernelWork(extranonce2: extranonce2, versionBits: versionBits)
        let kernel = KernelSelection.automatic()
        var found = [UInt32](repeating: 0, count: 64)
        var first: UInt32 = 0
        let step: UInt32 = 1 << 22
        for _ in 0..<(1 << 10) {
            let count = found.withUnsafeMutableBufferPointer { kernel.scan(work, firstNonce: first, count: step, found: $0) }
            for nonce in found.prefix(min(count, found.count)) {
                let share = FoundShare(extranonce2: extranonce2, nonce: nonce, versionBits: versionBits)
                let evaluation = target.evaluate(extranonce2: extranonce2, ntime: job.notify.ntime, nonce: nonce,
                                                 versionBits: versionBits)
                if evaluation.meetsShareTarget && !excluding.contains(share) { return share }
            }
            first &+= step
        }
        return nil
    }

    /// A share below the job's difficulty (evaluated nonce by nonce with `MiningJob`).
    func findLowShare(fill: UInt8 = 0) -> FoundShare? {
        let extranonce2 = [UInt8](repeating: fill, count: extranonce2Size)
        for nonce in UInt32(0)..<10_000 {
            let evaluation = job.evaluate(extranonce2: extranonce2, ntime: job.notify.ntime, nonce: nonce, versionBits: nil)
            if !evaluation.meetsShareTarget { return FoundShare(extranonce2: extranonce2, nonce: nonce, versionBits: nil) }
        }
        return nil
    }

    /// What the share achieves on this job.
    func evaluate(_ share: FoundShare) -> ShareEvaluation {
        job.evaluate(extranonce2: share.extranonce2, ntime: job.notify.ntime, nonce: share.nonce, versionBits: share.versionBits)
    }
}

/// Keeps every line the connection delivers, parsed, in the inbox.
private final class InboxHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let inbox: ScriptedMiner.Inbox

    init(inbox: ScriptedMiner.Inbox) {
        self.inbox = inbox
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = Array(unwrapInboundIn(data).readableBytesView)
        let message = try? JSONValue.parse(bytes)
        guard let message else { return }
        inbox.lock.withLock { inbox.messages.append(message) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        inbox.lock.withLock { inbox.closed = true }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
