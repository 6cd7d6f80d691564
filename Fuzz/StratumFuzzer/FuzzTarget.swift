import FarmProxyCore
import MiningCore
import NIOCore
import PoolSettings
import StratumClient
import StratumProtocol

/// One fuzz input: a byte stream as a pool would send it. Everything else (chunking of the
/// stream, extranonce sizes, difficulty, clock steps) is derived from a hash of the input, so the
/// corpus stays plain pool lines and every run is reproducible.
///
/// Pipeline per input:
/// 1. the stream is fed in derived chunk sizes to the client's own `LineFrameDecoder.nextLine`
///    (exactly the splitting `ByteToMessageHandler(LineFrameDecoder)` does in `StratumClient`);
/// 2. each line → `JSONRPCMessage.parse` → `ServerMessage(method:params:)` → for `mining.notify`
///    a `MiningJob` (derived extranonce1/extranonce2 size/difficulty/version mask) → header,
///    `evaluate`, and `kernelWork` cross-checked against the reference scanner;
/// 3. the same lines go into a `StratumSession` after `.connected`, with a fake clock and ticks;
///    every job it emits is built and a share for it submitted back; every submit token must be
///    resolved (or carried) exactly once by the end;
/// 4. the same lines go to the farm proxy's `ProxyCore` as a miner's (`ProxyFuzz`).
/// 5. the same bytes as a Stratum V2 pool's stream: `SV2FrameDecoder`, `SV2AnyMessage` round trips,
///    the client's `SV2ClientSession`, and the Noise transport with fixed keys (`StratumV2Fuzz`).
public enum StratumFuzz {
    /// Deterministic splitmix64 stream seeded from the input.
    struct Derived {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        init(_ bytes: UnsafeRawBufferPointer) {
            var h: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
            for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
            state = h
        }
        mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8(truncatingIfNeeded: next()) } }
        mutating func difficulty() -> Double {
            switch below(6) {
            case 0: return 1
            case 1: return 0x1p-41  // saturated target: every hash is a share
            case 2: return Double(below(1 << 20) + 1) / 1024  // fractions around 1
            case 3: return Double(next() >> 11) * 0x1p-20  // huge
            case 4: return Double(bitPattern: next())  // anything, NaN and negatives included
            default: return [512, 683, 65536, 1e-9, 1e15, .leastNonzeroMagnitude][below(6)]
            }
        }
    }

    static let clockBase = ContinuousClock.now

    struct Failure: Error, CustomStringConvertible { let description: String }

    /// Traps on an invariant violation, which libFuzzer reports as a crash.
    static func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
        if !condition() { fatalError("fuzz invariant: \(message())") }
    }

    /// The whole pipeline for one input. Never throws: any trap is a finding.
    public static func run(_ data: UnsafeRawBufferPointer) {
        var derived = Derived(data)
        let lines = splitLines(data, derived: &derived)

        // (2) Decoder + parser + job builder on every line.
        var extranonce1 = derived.bytes(derived.below(9))
        var extranonce2Size = derived.below(MiningJob.maxExtranonce2Size + 3) - 1  // -1...17, out of range on purpose
        var difficulty = derived.difficulty()
        var versionMask = derived.below(2) == 0 ? UInt32(0) : UInt32(truncatingIfNeeded: derived.next())
        for line in lines {
            guard let message = try? JSONRPCMessage.parse(line) else { continue }
            switch message {
            case .response(let response):
                _ = SubmitResult(response: response)
                _ = try? SubscribeResult(result: response.result)
                _ = ConfigureResult.versionRollingMask(response)
            case .notification(let method, let params), .request(_, let method, let params):
                guard let server = try? ServerMessage(method: method, params: params) else { continue }
                switch server {
                case .notify(let notify):
                    buildAndEvaluate(notify, extranonce1: extranonce1, extranonce2Size: extranonce2Size,
                                     difficulty: difficulty, versionMask: versionMask, derived: &derived)
                case .setDifficulty(let d): difficulty = d
                case .setExtranonce(let e1, let size): extranonce1 = e1; extranonce2Size = size
                case .setVersionMask(let mask): versionMask = mask
                default: break
                }
            }
        }

        // (3) The session state machine over the same lines.
        driveSession(lines, derived: &derived)

        // (4) The same lines as a miner would send them to the farm proxy.
        ProxyFuzz.drive(lines, seed: derived.next())

        // (5) The same bytes as a Stratum V2 pool's stream: frames, messages, the v2 session, encryption.
        StratumV2Fuzz.run(data, seed: derived.next())
    }

    /// (1) Splits the stream exactly as the client: `LineFrameDecoder` with its line limit,
    /// fed in chunks; blank (space/tab) lines are skipped as the client does (`StratumSession.received`). An
    /// over-long line ends the stream (the client closes the connection).
    static func splitLines(_ data: UnsafeRawBufferPointer, derived: inout Derived) -> [[UInt8]] {
        let limit = derived.below(4) == 0 ? 16 + derived.below(256) : LineFrameDecoder.defaultMaximumLineLength
        var decoder = LineFrameDecoder(maximumLineLength: limit)
        var buffer = ByteBufferAllocator().buffer(capacity: data.count)
        var lines: [[UInt8]] = []
        var offset = 0
        outer: while offset < data.count {
            let chunk = min(data.count - offset, 1 + derived.below(derived.below(2) == 0 ? 8 : 4096))
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: data[offset..<offset + chunk]))
            offset += chunk
            do {
                while let line = try decoder.nextLine(&buffer) {
                    let bytes = Array(line.readableBytesView)
                    check(bytes.count <= limit, "line of \(bytes.count) bytes passed a limit of \(limit)")
                    check(!bytes.contains(UInt8(ascii: "\n")), "line contains a newline")
                    if bytes.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { continue }
                    lines.append(bytes)
                }
            } catch {
                check(error is LineFrameDecoder.LineTooLongError, "unexpected decoder error \(error)")
                break outer
            }
            if derived.below(4) == 0 { buffer.discardReadBytes() }  // as ByteToMessageHandler compacts
        }
        return lines
    }

    static func buildAndEvaluate(_ notify: MiningNotify, extranonce1: [UInt8], extranonce2Size: Int,
                                 difficulty: Double, versionMask: UInt32, derived: inout Derived) {
        let job: MiningJob
        do {
            job = try MiningJob(notify: notify, extranonce1: extranonce1, extranonce2Size: extranonce2Size,
                                difficulty: difficulty, versionMask: versionMask)
        } catch {
            switch error {
            case .invalidDifficulty: check(!(difficulty.isFinite && difficulty > 0), "valid difficulty \(difficulty) refused")
            case .invalidExtranonce2Size:
                check(!(0...MiningJob.maxExtranonce2Size).contains(extranonce2Size), "valid size \(extranonce2Size) refused")
            }
            return
        }
        check(notify.prevHash.count == 32, "prevhash of \(notify.prevHash.count) bytes")
        check(notify.merkleBranch.allSatisfy { $0.count == 32 }, "merkle branch entry not 32 bytes")
        let extranonce2 = derived.bytes(extranonce2Size)
        let nonce = UInt32(truncatingIfNeeded: derived.next())
        let ntime = derived.below(2) == 0 ? notify.ntime : UInt32(truncatingIfNeeded: derived.next())
        let versionBits: UInt32? = derived.below(2) == 0 ? nil : UInt32(truncatingIfNeeded: derived.next())
        let evaluation = job.evaluate(extranonce2: extranonce2, ntime: ntime, nonce: nonce, versionBits: versionBits)
        let bytes = evaluation.header.bytes
        check(bytes.count == 80, "header of \(bytes.count) bytes")
        check(BlockHeader(bytes: bytes) == evaluation.header, "header does not round-trip")
        check(evaluation.header.version & ~versionMask == notify.version & ~versionMask, "version bits outside the mask changed")
        // The kernel's view of the same header must judge the nonce the same way.
        let work = job.kernelWork(extranonce2: extranonce2, ntime: ntime, versionBits: versionBits)
        let scanned = ReferenceNonceScanner(work: work).hashIfMeetsTarget(nonce: nonce) != nil
        check(scanned == evaluation.meetsShareTarget,
              "kernel says \(scanned), evaluate says \(evaluation.meetsShareTarget) (difficulty \(difficulty))")
    }

    static func driveSession(_ lines: [[UInt8]], derived: inout Derived) {
        let pool = PoolConfiguration(url: "stratum+tcp://fuzz.invalid:3333",
                                     extranonceSubscribe: derived.below(2) == 0,
                                     suggestDifficulty: derived.below(2) == 0 ? nil : 512,
                                     versionRolling: derived.below(3) != 0,
                                     allowReconnectToOtherHost: derived.below(2) == 0)
        let previousSubscriptionID = derived.below(2) == 0 ? nil : "deadbeef"
        let previousExtranonce1: [UInt8]? = derived.below(2) == 0 ? nil : [0x08, 0x00, 0x00, 0x02]
        let client = StratumClientConfiguration(pools: [pool], user: "fuzz.worker", password: "x", userAgent: "StratumFuzzer/1",
                                                timers: ConnectionTimers(jobTimeout: nil),
                                                resubmitPendingOnResume: derived.below(2) == 0)
        let configuration = StratumSessionConfiguration(pool: pool, client: client, epoch: 7,
                                                        previousSubscriptionID: previousSubscriptionID,
                                                        previousExtranonce1: previousExtranonce1)
        var session = StratumSession(configuration: configuration)
        var now = clockBase
        var submitted: Set<UInt64> = []
        var finished: Set<UInt64> = []
        var nextToken: UInt64 = 1
        var jobs: [JobAssignment] = []

        func perform(_ actions: [StratumSession.Action]) {
            for action in actions {
                switch action {
                case .resolve(let token, _):
                    check(submitted.contains(token), "resolved unknown token \(token)")
                    check(finished.insert(token).inserted, "token \(token) resolved twice")
                case .carry(let carried):
                    check(submitted.contains(carried.token), "carried unknown token \(carried.token)")
                    check(finished.insert(carried.token).inserted, "token \(carried.token) resolved twice")
                case .emit(.job(let assignment)):
                    check(assignment.epoch == configuration.epoch, "job of another epoch")
                    jobs.append(assignment)
                case .send(let line, _):
                    check(!line.contains("\n"), "outgoing line contains a newline")
                    check((try? JSONRPCMessage.parse(Array(line.utf8))) != nil, "outgoing line is not JSON-RPC: \(line)")
                default: break
                }
            }
        }

        func submitFor(_ assignment: JobAssignment) {
            let size = max(0, min(assignment.extranonce2Size, MiningJob.maxExtranonce2Size))
            guard let job = try? MiningJob(notify: assignment.notify, extranonce1: assignment.extranonce1,
                                           extranonce2Size: size, difficulty: assignment.difficulty,
                                           versionMask: assignment.versionMask ?? 0) else { return }
            let extranonce2 = derived.bytes(size)
            let nonce = UInt32(truncatingIfNeeded: derived.next())
            let versionBits = assignment.versionMask.map { UInt32(truncatingIfNeeded: derived.next()) & $0 }
            _ = job.evaluate(extranonce2: extranonce2, ntime: assignment.notify.ntime, nonce: nonce, versionBits: versionBits)
            let token = nextToken
            nextToken += 1
            submitted.insert(token)
            let share = ShareSubmission(jobID: assignment.notify.jobID, epoch: assignment.epoch,
                                        jobGeneration: assignment.jobGeneration,
                                        extranonce1: assignment.extranonce1, extranonce2: extranonce2,
                                        ntime: assignment.notify.ntime, nonce: nonce, versionBits: versionBits)
            perform(session.handle(.submit(share, token: token, now: now)))
        }

        perform(session.handle(.connected(now: now)))
        for line in lines {
            now = now + .milliseconds(derived.below(2000))
            do {
                let message = try JSONRPCMessage.parse(line)
                perform(session.handle(.lineReceived(message, now: now)))
            } catch {
                perform(session.handle(.malformedLine("\(error)", now: now)))
            }
            if let assignment = jobs.last, derived.below(2) == 0 { submitFor(assignment) }
            switch derived.below(8) {
            case 0: now = now + .seconds(derived.below(400)); perform(session.handle(.tick(now: now)))
            case 1: perform(session.handle(.tick(now: now)))
            default: break
            }
        }
        perform(session.handle(.tick(now: now + .seconds(31))))
        if let assignment = jobs.first { submitFor(assignment) }
        perform(session.handle(.closed("fuzz input ended")))
        check(session.phase == .closed, "session not closed after .closed")
        check(submitted == finished, "tokens never resolved: \(submitted.subtracting(finished).sorted())")
        check(session.pendingSubmitCount == 0, "pending submits after close")
    }
}
