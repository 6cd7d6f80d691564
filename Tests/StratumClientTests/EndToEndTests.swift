import Logging
import NIOCore
import NIOPosix
import PoolSettings
import StratumClient
import StratumProtocol
import XCTest

/// A tiny scripted pool on 127.0.0.1: answers configure/subscribe/authorize, sends
/// set_difficulty + notify, accepts submits, and drops the first connection after its first submit.
private final class ScriptedPoolHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let connectionNumber: Int
    init(connectionNumber: Int) { self.connectionNumber = connectionNumber }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let line = unwrapInboundIn(data)
        guard case .request(let id, let method, _)? = try? JSONRPCMessage.parse(line.readableBytesView) else { return }
        switch method {
        case "mining.configure":
            send(context, ["id": id, "error": nil, "result": ["version-rolling": true, "version-rolling.mask": "1fffe000"]])
        case "mining.subscribe":
            send(context, ["id": id, "error": nil, "result": [[["mining.notify", "e26e1928"]], "e26e1928", 4]])
        case "mining.authorize":
            send(context, ["id": id, "error": nil, "result": true])
            send(context, ["id": nil, "method": "mining.set_difficulty", "params": [512]])
            send(context, ["id": nil, "method": "mining.notify", "params": [
                "1", "171592f223740e92d223f6e68bff25279af7ac4f2246451e0000000200000000", "0200000001", "ffffffff", [],
                "20000000", "192495f8", "64b3f3ec", true,
            ]])
        case "mining.submit":
            send(context, ["id": id, "error": nil, "result": true])
            if connectionNumber == 1 { context.close(promise: nil) }
        default:
            send(context, ["id": id, "result": nil, "error": [20, "unknown", nil]])
        }
    }

    private func send(_ context: ChannelHandlerContext, _ value: JSONValue) {
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: value.serialized + "\n")), promise: nil)
    }
}

final class EndToEndTests: XCTestCase {
    func testJobSubmitAcceptedThenReconnectAfterServerDrop() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let connections = ManagedAtomicCounter()
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let number = connections.increment()
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFrameDecoder()))
                    try channel.pipeline.syncOperations.addHandler(ScriptedPoolHandler(connectionNumber: number))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try XCTUnwrap(server.localAddress?.port)
        defer { try? server.close().wait() }

        let configuration = StratumClientConfiguration(
            pools: [PoolConfiguration(url: "stratum+tcp://127.0.0.1:\(port)")], user: "bc1qtest.rig", password: "x",
            timers: ConnectionTimers(connectTimeout: .seconds(2), subscribeTimeout: .seconds(5), submitTimeout: .seconds(5),
                                     backoff: ReconnectBackoff(initial: .milliseconds(50), maximum: .milliseconds(200), jitter: 0.1),
                                     tickInterval: .milliseconds(100)))
        let client = StratumClient(configuration: configuration, logger: Logger(label: "test"))
        let run = Task { try await client.run() }
        let watchdog = Task {
            try await Task.sleep(for: .seconds(15))
            run.cancel()
        }
        defer { watchdog.cancel() }

        var seen: [StratumClientEvent] = []
        var job: JobAssignment?
        var submitResult: ShareResult?
        var reconnected = false
        for await event in client.events {
            seen.append(event)
            switch event {
            case .job(let assignment) where job == nil:
                job = assignment
                XCTAssertEqual(assignment.difficulty, 512)
                XCTAssertEqual(assignment.versionMask, 0x1fff_e000)
                XCTAssertEqual(assignment.extranonce1, [0xe2, 0x6e, 0x19, 0x28])
                XCTAssertTrue(assignment.isClean)
                submitResult = await client.submit(ShareSubmission(
                    jobID: assignment.notify.jobID, epoch: assignment.epoch, jobGeneration: assignment.jobGeneration,
                    extranonce1: assignment.extranonce1,
                    extranonce2: [0xc7, 0x08, 0, 0], ntime: 0x64b3_f3ec, nonce: 0xed46_0d91, versionBits: 0x2000))
            case .connecting(_, let attempt) where job != nil:
                XCTAssertGreaterThanOrEqual(attempt, 1)
                reconnected = true
            case .job(let assignment) where reconnected:
                XCTAssertGreaterThan(assignment.epoch, job!.epoch)
                // A share from the first session is never sent on the second.
                let old = await client.submit(ShareSubmission(
                    jobID: "1", epoch: job!.epoch, jobGeneration: job!.jobGeneration, extranonce1: job!.extranonce1, extranonce2: [0, 0, 0, 0],
                    ntime: 0, nonce: 0, versionBits: nil))
                guard case .lost = old else { XCTFail("old share was \(old)"); break }
                run.cancel()
            default:
                break
            }
        }
        _ = try? await run.value
        XCTAssertEqual(submitResult, .accepted)
        XCTAssertTrue(reconnected, "events: \(seen)")
        XCTAssertEqual(seen.filter { if case .connected = $0 { true } else { false } }.count, 2, "\(seen)")
        XCTAssertTrue(seen.contains(.authorized(worker: "bc1qtest.rig")))
        XCTAssertTrue(seen.contains(.difficulty(512)))
        XCTAssertTrue(seen.contains { if case .disconnected = $0 { true } else { false } })
        XCTAssertEqual(connections.value, 2)
    }

    func testSubmitWithoutConnectionIsLost() async {
        let client = StratumClient(configuration: StratumClientConfiguration(
            pools: [PoolConfiguration(url: "stratum+tcp://127.0.0.1:1")], user: "u"), logger: Logger(label: "test"))
        let result = await client.submit(ShareSubmission(jobID: "1", epoch: 1, jobGeneration: 1, extranonce1: [], extranonce2: [], ntime: 0,
                                                         nonce: 0, versionBits: nil))
        guard case .lost = result else { return XCTFail("\(result)") }
    }
}

/// A lock-protected counter (the test target does not depend on swift-atomics).
private final class ManagedAtomicCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() -> Int { lock.lock(); defer { lock.unlock() }; count += 1; return count }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
