import NIOConcurrencyHelpers
import NIOCore
import StratumProtocol

/// One simulated miner of the load generator: a raw Stratum v1 connection that subscribes,
/// suggests a difficulty and authorizes (pipelined), stamps each `mining.notify` as it is read,
/// and submits shares for its current job when told to, timing each answer. It hashes nothing:
/// at the tiny difficulty it suggests every header is a valid share.
///
/// Its state sits behind its own lock: the connection's event loop writes it, the generator
/// reads it between phases.
final class SimulatedMiner: Sendable {
    struct Job {
        let id: String
        /// As the notify gave it (8 hex digits): every submit uses the job's own ntime.
        let ntime: String
    }

    private struct State {
        var channel: (any Channel)?
        var closed = false
        var extranonce2Size: Int?
        var authorized = false
        var job: Job?
        /// Wire prevhash → when its first `mining.notify` was read (monotonic nanoseconds).
        var notifyArrivals: [String: UInt64] = [:]
        var nextRequestID = SimulatedMiner.firstSubmitID
        var extranonce2: UInt64 = 0
        var nonce: UInt32 = 0
        /// Submit request id → when it was written.
        var pending: [Int: UInt64] = [:]
        var tally = SubmitTally()
    }

    static let subscribeID = 1, suggestID = 2, authorizeID = 3
    static let firstSubmitID = 100

    let worker: String
    let difficulty: Double
    private let state = NIOLockedValueBox(State())

    init(worker: String, difficulty: Double) {
        self.worker = worker
        self.difficulty = difficulty
    }

    /// Monotonic nanoseconds, the clock of every stamp the generator takes.
    static func now() -> UInt64 { NIODeadline.now().uptimeNanoseconds }

    // MARK: Read by the generator

    /// Subscribed (its extranonce2 size known), authorized, and given a job.
    var isReady: Bool {
        state.withLockedValue { $0.extranonce2Size != nil && $0.authorized && $0.job != nil && !$0.closed }
    }

    var isClosed: Bool { state.withLockedValue { $0.closed } }

    /// When the first notify with this wire prevhash was read; nil: not (yet).
    func notifyArrival(prevHash: String) -> UInt64? {
        state.withLockedValue { $0.notifyArrivals[prevHash] }
    }

    /// Submits written and not answered.
    var pendingCount: Int { state.withLockedValue { $0.pending.count } }

    /// The submits since the last call, and a fresh tally from now on.
    func takeTally() -> SubmitTally {
        state.withLockedValue { state in
            defer { state.tally = SubmitTally() }
            return state.tally
        }
    }

    /// Forgets unanswered submits (after a phase's drain time), returning how many there were.
    func dropPending() -> Int {
        state.withLockedValue { state in
            defer { state.pending = [:] }
            return state.pending.count
        }
    }

    // MARK: Connection (its event loop)

    /// The connection is up: the handshake goes out in one write.
    func connected(_ channel: any Channel) {
        state.withLockedValue { $0.channel = channel }
        let lines = [
            #"{"id":\#(Self.subscribeID),"method":"mining.subscribe","params":["swiftminer-load/1.0"]}"#,
            #"{"id":\#(Self.suggestID),"method":"mining.suggest_difficulty","params":[\#(difficulty)]}"#,
            #"{"id":\#(Self.authorizeID),"method":"mining.authorize","params":["\#(worker)","x"]}"#,
        ]
        var buffer = channel.allocator.buffer(capacity: 256)
        for line in lines {
            buffer.writeString(line)
            buffer.writeInteger(UInt8(ascii: "\n"))
        }
        channel.writeAndFlush(buffer, promise: nil)
    }

    func disconnected() {
        state.withLockedValue {
            $0.closed = true
            $0.channel = nil
        }
    }

    /// Writes one share for the current job (the next extranonce2/nonce: never a duplicate);
    /// false when there is no job or no connection.
    @discardableResult
    func submit() -> Bool {
        let written: ((any Channel), ByteBuffer)? = state.withLockedValue { state in
            guard let channel = state.channel, let job = state.job, let size = state.extranonce2Size else { return nil }
            let id = state.nextRequestID
            state.nextRequestID += 1
            state.nonce &+= 1
            if state.nonce == 0 { state.extranonce2 &+= 1 }
            let extranonce2 = Self.hex(state.extranonce2, bytes: size)
            let line = #"{"id":\#(id),"method":"mining.submit","params":["\#(worker)","\#(job.id)","\#(extranonce2)","\#(job.ntime)","\#(WireEncoding.hex(state.nonce))"]}"#
            var buffer = channel.allocator.buffer(capacity: line.utf8.count + 1)
            buffer.writeString(line)
            buffer.writeInteger(UInt8(ascii: "\n"))
            state.tally.sent += 1
            state.pending[id] = Self.now()
            return (channel, buffer)
        }
        guard let (channel, buffer) = written else { return false }
        channel.writeAndFlush(buffer, promise: nil)
        return true
    }

    /// `bytes` bytes of `value`, big-endian, as hex (the low bytes when `value` is wider).
    static func hex(_ value: UInt64, bytes: Int) -> String {
        let digits = String(value, radix: 16)
        let width = 2 * bytes
        if digits.count >= width { return String(digits.suffix(width)) }
        return String(repeating: "0", count: width - digits.count) + digits
    }

    // MARK: Lines (its event loop)

    /// One line from the server, read at `time`.
    func received(_ line: ByteBufferView, at time: UInt64) {
        if let id = Self.acceptedAnswerID(line), id >= Self.firstSubmitID {
            return state.withLockedValue { Self.answered(id, accepted: true, error: nil, at: time, in: &$0) }
        }
        if let notify = Self.scanNotify(line) {
            return notified(jobID: notify.jobID, prevHash: notify.prevHash, ntime: notify.ntime, at: time)
        }
        guard let message = try? JSONValue.parse(line), case .object(let object) = message else { return }
        if let method = object["method"]?.stringValue {
            if method == "mining.notify", let params = object["params"]?.arrayValue { notified(params, at: time) }
            return
        }
        guard let id = object["id"]?.integerValue.map({ Int($0) }) else { return }
        state.withLockedValue { state in
            switch id {
            case Self.subscribeID:
                if let size = object["result"]?.arrayValue?.dropFirst(2).first?.integerValue { state.extranonce2Size = Int(size) }
            case Self.authorizeID:
                state.authorized = object["result"]?.boolValue == true
            case Self.firstSubmitID...:
                Self.answered(id, accepted: object["result"]?.boolValue == true, error: object["error"], at: time, in: &state)
            default:
                break
            }
        }
    }

    private func notified(_ params: [JSONValue], at time: UInt64) {
        guard params.count >= 8, let jobID = params[0].stringValue, let prevHash = params[1].stringValue,
              let ntime = params[7].stringValue else { return }
        notified(jobID: jobID, prevHash: prevHash, ntime: ntime, at: time)
    }

    private func notified(jobID: String, prevHash: String, ntime: String, at time: UInt64) {
        state.withLockedValue { state in
            state.job = Job(id: jobID, ntime: ntime)
            if state.notifyArrivals[prevHash] == nil { state.notifyArrivals[prevHash] = time }
        }
    }

    private static func answered(_ id: Int, accepted: Bool, error: JSONValue?, at time: UInt64, in state: inout State) {
        guard let sentAt = state.pending.removeValue(forKey: id) else { return }
        state.tally.roundTrips.append(time &- sentAt)
        state.tally.lastAnswerAt = max(state.tally.lastAnswerAt, time)
        if accepted {
            state.tally.accepted += 1
            return
        }
        let (code, text) = Self.error(error)
        if code == 21 {
            state.tally.stale += 1
        } else {
            state.tally.rejected += 1
            state.tally.rejections["\(code.map(String.init) ?? "-") \(text)", default: 0] += 1
        }
    }

    /// The code and message of an error as `[code, message, data]` or `{"code", "message"}`.
    private static func error(_ value: JSONValue?) -> (Int?, String) {
        if let triple = value?.arrayValue, triple.count >= 2 {
            return (triple[0].integerValue.map { Int($0) }, triple[1].stringValue ?? "")
        }
        if let object = value?.objectValue {
            return (object["code"]?.integerValue.map { Int($0) }, object["message"]?.stringValue ?? "")
        }
        return (nil, value.map { $0.serialized } ?? "result not true")
    }

    private static let notifyPrefix = Array(#"{"id":null,"method":"mining.notify","params":[""#.utf8)

    /// Job id, wire prevhash and ntime of a `mining.notify` written the way `ServerLine` writes it
    /// (keys sorted, no spaces), read without a JSON parser: at a thousand miners a parse per
    /// notify would add its own milliseconds to the fan-out being measured. nil otherwise.
    static func scanNotify(_ line: ByteBufferView) -> (jobID: String, prevHash: String, ntime: String)? {
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        guard line.starts(with: notifyPrefix), !line.contains(backslash) else { return nil }
        let jobStart = line.startIndex + notifyPrefix.count
        guard let jobEnd = line[jobStart...].firstIndex(of: quote), jobEnd > jobStart else { return nil }
        let prevStart = jobEnd + 3
        guard prevStart + 65 <= line.endIndex, line[jobEnd + 1] == UInt8(ascii: ","), line[jobEnd + 2] == quote,
              line[prevStart + 64] == quote else { return nil }
        // …,"ntime",true]} or …,"ntime",false]}
        var end = line.endIndex
        while end > prevStart, line[end - 1] == UInt8(ascii: "\r") || line[end - 1] == UInt8(ascii: " ") { end -= 1 }
        let tail = line[..<end]
        let clean = tail.reversed().starts(with: Array(#",true]}"#.utf8).reversed())
        guard clean || tail.reversed().starts(with: Array(#",false]}"#.utf8).reversed()) else { return nil }
        let ntimeEnd = end - (clean ? 7 : 8) - 1
        let ntimeStart = ntimeEnd - 8
        guard ntimeStart > prevStart + 65, line[ntimeEnd] == quote, line[ntimeStart - 1] == quote else { return nil }
        return (String(decoding: line[jobStart..<jobEnd], as: UTF8.self),
                String(decoding: line[prevStart..<(prevStart + 64)], as: UTF8.self),
                String(decoding: line[ntimeStart..<ntimeEnd], as: UTF8.self))
    }

    private static let acceptedPrefix = Array(#"{"error":null,"id":"#.utf8)
    private static let acceptedSuffix = Array(#","result":true}"#.utf8)

    /// The id of an answer written exactly `{"error":null,"id":N,"result":true}` (how every server
    /// in this package writes an accepted share), read without a JSON parser; nil otherwise.
    static func acceptedAnswerID(_ line: ByteBufferView) -> Int? {
        var bytes = line[...]
        while let last = bytes.last, last == UInt8(ascii: "\r") || last == UInt8(ascii: " ") { bytes = bytes.dropLast() }
        guard bytes.starts(with: acceptedPrefix), bytes.reversed().starts(with: acceptedSuffix.reversed()) else { return nil }
        let digits = bytes.dropFirst(acceptedPrefix.count).dropLast(acceptedSuffix.count)
        guard !digits.isEmpty, digits.count <= 18 else { return nil }
        var id = 0
        for byte in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            id = id * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return id
    }
}
