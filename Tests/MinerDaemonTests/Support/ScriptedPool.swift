import Foundation
import MiningCore
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import StratumProtocol

/// A raw TCP "pool" on 127.0.0.1 that a test scripts line by line: it records every line the
/// client sends (parsed when it is JSON), counts accepted connections with their times, and lets
/// the test send anything at all — valid Stratum, garbage, binary junk, a line split over many
/// writes, many messages in one write — or close, stop listening and listen again on the same port.
///
/// `onConnect` and `onLine` run on the connection's event loop; they must not block (use
/// `send(after:)` for delayed answers).
final class ScriptedPool: @unchecked Sendable {
    struct Received: Sendable {
        let connection: Int
        let line: String
        let json: JSONValue?
        let at: ContinuousClock.Instant
        var method: String? { json?["method"]?.stringValue }
        var id: JSONValue { json?["id"] ?? .null }
        var params: [JSONValue] { json?["params"]?.arrayValue ?? [] }
    }

    private let lock = NIOLock()
    private var _received: [Received] = []
    private var _connections: [ScriptedConnection] = []
    private var _connectTimes: [ContinuousClock.Instant] = []
    private var serverChannel: (any Channel)?
    private(set) var port = 0

    /// Called for each accepted connection.
    let onConnect: @Sendable (ScriptedConnection) -> Void
    /// Called for each complete line the client sent (after it is recorded).
    let onLine: @Sendable (ScriptedConnection, Received) -> Void

    init(onConnect: @escaping @Sendable (ScriptedConnection) -> Void = { _ in },
         onLine: @escaping @Sendable (ScriptedConnection, Received) -> Void) {
        self.onConnect = onConnect
        self.onLine = onLine
    }

    var received: [Received] { lock.withLock { _received } }
    var connections: [ScriptedConnection] { lock.withLock { _connections } }
    var connectTimes: [ContinuousClock.Instant] { lock.withLock { _connectTimes } }
    var connectionCount: Int { lock.withLock { _connectTimes.count } }
    func received(method: String) -> [Received] { received.filter { $0.method == method } }
    var submits: [Received] { received(method: "mining.submit") }

    /// Binds 127.0.0.1 (port 0: an ephemeral port, kept for `listen()` after `stopListening()`).
    @discardableResult
    func start(port: Int = 0) async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [self] channel in
                let connection = lock.withLock { () -> ScriptedConnection in
                    let connection = ScriptedConnection(index: _connections.count, channel: channel)
                    _connections.append(connection)
                    _connectTimes.append(.now)
                    return connection
                }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(LineHandler(pool: self, connection: connection))
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
        lock.withLock { serverChannel = channel }
        self.port = channel.localAddress?.port ?? port
        return self.port
    }

    /// Stops accepting connections (the port refuses them); open connections stay.
    func stopListening() async {
        let channel = lock.withLock { () -> (any Channel)? in
            defer { serverChannel = nil }
            return serverChannel
        }
        try? await channel?.close()
    }

    /// Listens again on the same port.
    func listen() async throws { try await start(port: port) }

    /// Stops listening and closes every connection.
    func stop() async {
        await stopListening()
        for connection in connections { connection.close() }
    }

    fileprivate func record(_ line: String, connection: ScriptedConnection) {
        let json = try? JSONValue.parse(Array(line.utf8))
        let received = Received(connection: connection.index, line: line, json: json, at: .now)
        lock.withLock { _received.append(received) }
        onLine(connection, received)
    }

    fileprivate func connected(_ connection: ScriptedConnection) { onConnect(connection) }
}

/// One accepted client connection.
final class ScriptedConnection: @unchecked Sendable {
    let index: Int
    let channel: any Channel

    init(index: Int, channel: any Channel) {
        self.index = index
        self.channel = channel
    }

    var isActive: Bool { channel.isActive }
    private let lock = NIOLock()
    /// While a line goes out in pieces, other lines wait so they do not land inside it.
    private var splitting = false
    private var held: [[UInt8]] = []

    func send(bytes: [UInt8]) {
        let sendNow = lock.withLock { () -> Bool in
            if splitting { held.append(bytes) }
            return !splitting
        }
        if sendNow { write(bytes) }
    }

    private func write(_ bytes: [UInt8]) {
        var buffer = channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        channel.writeAndFlush(buffer, promise: nil)
    }

    /// Sends `line` and a newline.
    func send(_ line: String) { send(bytes: Array((line + "\n").utf8)) }

    /// Sends several lines in one write (one TCP segment for small ones).
    func send(lines: [String]) { send(bytes: Array(lines.map { $0 + "\n" }.joined().utf8)) }

    func send(after delay: Duration, _ line: String) {
        Task {
            try? await Task.sleep(for: delay)
            self.send(line)
        }
    }

    /// Sends `bytes` in pieces of `chunk` bytes, `gap` apart (completes when all are written).
    /// Lines sent meanwhile (answers to submits) are held and written after the last piece.
    func sendSplit(_ bytes: [UInt8], chunk: Int, gap: Duration) async {
        lock.withLock { splitting = true }
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + chunk, bytes.count)
            write(Array(bytes[offset..<end]))
            offset = end
            try? await Task.sleep(for: gap)
        }
        let waiting = lock.withLock { () -> [[UInt8]] in
            splitting = false
            defer { held = [] }
            return held
        }
        for bytes in waiting { write(bytes) }
    }

    func close() { channel.close(promise: nil) }

    /// Closes with a TCP reset (SO_LINGER 0): the miner reads "connection reset by peer".
    func reset() {
        guard let socket = channel as? any SocketOptionProvider else { return close() }
        socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { [channel] _ in channel.close(promise: nil) }
    }
}

private final class LineHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    let pool: ScriptedPool
    let connection: ScriptedConnection
    var pending: [UInt8] = []

    init(pool: ScriptedPool, connection: ScriptedConnection) {
        self.pool = pool
        self.connection = connection
    }

    func channelActive(context: ChannelHandlerContext) {
        pool.connected(connection)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        pending += buffer.readBytes(length: buffer.readableBytes) ?? []
        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
            let line = String(decoding: pending[..<newline], as: UTF8.self)
            pending.removeSubrange(...newline)
            pool.record(line, connection: connection)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

// MARK: - A standard script

/// A well-behaved pool script with knobs for each fault: answers configure/subscribe/authorize,
/// sends a difficulty and a job, checks every submit against the jobs it sent (job known, values
/// valid, hash meets that job's difficulty) and answers it.
final class StandardScript: @unchecked Sendable {
    static let defaultExtranonce1 = "f000000d"
    /// Several shares a second on one thread with the kernel this machine picks.
    static let difficulty = EndToEndRun.difficulty / 4

    private let lock = NIOLock()
    /// Raw JSON of the subscribe result's extranonce1 and extranonce2_size for connection n
    /// (absurd values go here).
    var subscribeValues: @Sendable (Int) -> (extranonce1: String, extranonce2Size: String) = { _ in
        ("\"\(StandardScript.defaultExtranonce1)\"", "4")
    }
    var answerConfigure = true
    var answerSubscribe = true
    /// Raw JSON of the authorize result ("true", or "false" with an error).
    var authorizeReply = #""result":true,"error":null"#
    /// Raw JSON of the difficulty sent after authorize (nil: none sent).
    var difficultyJSON: String? = "\(StandardScript.difficulty)"
    /// Send a valid job after authorize.
    var sendJob = true
    /// How to answer a submit: the `result`/`error` JSON fields and a delay; nil: no answer.
    var submitReply: @Sendable (ScriptedPool.Received, Int) -> (json: String, delay: Duration)? = { _, _ in
        (#""result":true,"error":null"#, .zero)
    }
    /// Extra lines sent right after the job.
    var afterJob: @Sendable (ScriptedConnection) -> Void = { _ in }

    /// Jobs sent (valid ones only are kept), keyed by job id, for judging submits.
    private var jobs: [String: [MiningJob]] = [:]
    private var _invalidSubmits: [String] = []
    private var _validSubmits = 0
    private var _matched: [(String, Int)] = []
    /// For each valid submit: its job id and which contents of that id (0: first sent) it was for.
    var matched: [(jobID: String, version: Int)] { lock.withLock { _matched.map { ($0.0, $0.1) } } }
    private var submitCount = 0
    private var nextJob = 1

    /// Submits that were not for a job we sent or do not meet its difficulty: must stay empty.
    var invalidSubmits: [String] { lock.withLock { _invalidSubmits } }
    var validSubmits: Int { lock.withLock { _validSubmits } }

    func makePool() -> ScriptedPool {
        ScriptedPool { [self] connection, received in handle(connection, received) }
    }

    /// A valid job (nbits 1d00ffff: shares are never blocks), remembered with `difficulty` for
    /// judging submits. Returns its notify line.
    func job(id: String? = nil, difficulty: Double = StandardScript.difficulty, extranonce1: String = defaultExtranonce1,
             extranonce2Size: Int = 4, clean: Bool = true, ntime: UInt32 = UInt32(Date().timeIntervalSince1970),
             remember: Bool = true) -> String {
        let jobID = id ?? lock.withLock { () -> String in
            defer { nextJob += 1 }
            return "job\(nextJob)"
        }
        var prev = [UInt8](repeating: 0, count: 32)
        for i in 0..<32 { prev[i] = UInt8(truncatingIfNeeded: jobID.hashValue >> (i % 8 * 8)) }
        let notify = MiningNotify(jobID: jobID, prevHash: prev, coinbase1: Hex.decode("01000000010000")!,
                                  coinbase2: Hex.decode("ffffffff00000000")!, merkleBranch: [],
                                  version: 0x2000_0000, nbits: 0x1d00_ffff, ntime: ntime, cleanJobs: clean)
        if remember, let built = try? MiningJob(notify: notify, extranonce1: Hex.decode(extranonce1) ?? [],
                                                extranonce2Size: extranonce2Size, difficulty: difficulty) {
            lock.withLock { jobs[jobID, default: []].append(built) }
        }
        return #"{"id":null,"method":"mining.notify","params":\#(JSONValue.array(notify.params).serialized)}"#
    }

    func forget(job id: String) { lock.withLock { jobs[id] = nil } }

    func handle(_ connection: ScriptedConnection, _ received: ScriptedPool.Received) {
        let id = received.id.serialized
        switch received.method {
        case "mining.configure":
            if answerConfigure {
                connection.send(#"{"id":\#(id),"result":{"version-rolling":false},"error":null}"#)
            }
        case "mining.subscribe":
            if answerSubscribe {
                let (e1, size) = subscribeValues(connection.index)
                connection.send(#"{"id":\#(id),"result":[[["mining.notify","s\#(connection.index)"]],\#(e1),\#(size)],"error":null}"#)
            }
        case "mining.authorize":
            connection.send(#"{"id":\#(id),\#(authorizeReply)}"#)
            guard authorizeReply.contains("true") else { return }
            if let difficultyJSON {
                connection.send(#"{"id":null,"method":"mining.set_difficulty","params":[\#(difficultyJSON)]}"#)
            }
            if sendJob {
                let (e1, size) = subscribeValues(connection.index)
                connection.send(job(extranonce1: e1.replacingOccurrences(of: "\"", with: ""), extranonce2Size: Int(size) ?? 4))
            }
            afterJob(connection)
        case "mining.submit":
            judge(received)
            let count = lock.withLock { () -> Int in
                submitCount += 1
                return submitCount
            }
            if let (json, delay) = submitReply(received, count) {
                let line = #"{"id":\#(id),\#(json)}"#
                if delay == .zero { connection.send(line) } else { connection.send(after: delay, line) }
            }
        default:
            break
        }
    }

    private func judge(_ received: ScriptedPool.Received) {
        let p = received.params
        func bad(_ why: String) { lock.withLock { _invalidSubmits.append("\(why): \(received.line.prefix(200))") } }
        guard p.count >= 5, let jobID = p[1].stringValue, let e2 = p[2].stringValue.flatMap(Hex.decode),
              let ntime = p[3].stringValue.flatMap(WireEncoding.uint32(fromHex:)),
              let nonce = p[4].stringValue.flatMap(WireEncoding.uint32(fromHex:)) else {
            return bad("malformed submit")
        }
        guard let versions = lock.withLock({ jobs[jobID] }), !versions.isEmpty else { return bad("job never sent as valid") }
        let bits = p.count > 5 ? p[5].stringValue.flatMap(WireEncoding.uint32(fromHex:)) : nil
        // A job id sent again with new contents (NiceHash): the share must be valid for one of them.
        guard let index = versions.lastIndex(where: { job in
            e2.count == job.extranonce2Size
                && job.evaluate(extranonce2: e2, ntime: ntime, nonce: nonce, versionBits: bits).meetsShareTarget
        }) else { return bad("not valid for job \(jobID.prefix(40)) at difficulty \(versions.last!.difficulty)") }
        lock.withLock {
            _validSubmits += 1
            _matched.append((jobID, index))
        }
    }
}
