import Configuration
import Foundation
import Logging
@testable import MinerDaemon
import MonitoringAddresses
import NIOCore
import NIOPosix
import StratumProtocol
import XCTest

/// Both endpoints over real TCP connections on 127.0.0.1.
final class MonitoringServerTests: XCTestCase {
    static var logger: Logger {
        var logger = Logger(label: "monitoring-test")
        logger.logLevel = .warning
        return logger
    }

    /// Starts both services on ephemeral ports, runs `body`, stops them.
    func withServices(allow: [String] = ["127.0.0.1", "::1"],
                      _ body: (_ metricsPort: Int, _ apiPort: Int) async throws -> Void) async throws {
        let settings = MonitoringSettings(metricsEnabled: true, metricsListen: "127.0.0.1:0", apiEnabled: true,
                                          apiListen: "127.0.0.1:0", apiAllow: allow)
        let services = MonitoringServices(settings: settings, logger: Self.logger)
        try await services.start(statusSource: { MonitoringFixtures.status })
        do {
            let boundMetrics = await services.metricsPort
            let boundAPI = await services.apiPort
            let metricsPort = try XCTUnwrap(boundMetrics)
            let apiPort = try XCTUnwrap(boundAPI)
            try await body(metricsPort, apiPort)
        } catch {
            await services.stop()
            throw error
        }
        await services.stop()
        let stoppedPort = await services.apiPort
        XCTAssertNil(stoppedPort)
    }

    // MARK: - cgminer API

    func testEachCommandInBothForms() async throws {
        try await withServices { _, apiPort in
            for command in ["version", "summary", "pools", "devs", "stats", "config", "devdetails"] {
                let jsonReply = try await TCPClient.exchange(port: apiPort, send: #"{"command":"\#(command)","parameter":""}"#)
                XCTAssertEqual(jsonReply.last, 0, "\(command): reply ends with NUL like cgminer's")
                let json = try JSONValue.parse(jsonReply.dropLast())
                XCTAssertEqual(json["STATUS"]?.arrayValue?.first?["STATUS"]?.stringValue, "S", command)
                XCTAssertEqual(json["id"]?.integerValue, 1)
                let expected = CGMinerAPI.respond(request: #"{"command":"\#(command)"}"#, status: MonitoringFixtures.status,
                                                  clientAddress: "127.0.0.1", allow: [])
                XCTAssertEqual(try JSONValue.parse(Array(expected.utf8))[command == "version" ? "VERSION" : command == "config" ? "CONFIG" : command.uppercased()],
                               json[command == "version" ? "VERSION" : command == "config" ? "CONFIG" : command.uppercased()], command)

                let textReply = try await TCPClient.exchange(port: apiPort, send: "\(command)|")
                XCTAssertEqual(textReply.last, 0)
                let text = String(decoding: textReply.dropLast(), as: UTF8.self)
                XCTAssertTrue(text.hasPrefix("STATUS=S,"), "\(command): \(text.prefix(80))")
                XCTAssertTrue(text.hasSuffix("|"), command)
            }
        }
    }

    func testRequestTerminations() async throws {
        try await withServices { _, apiPort in
            // With a newline, with the client's side shut down, and with neither (cgminer's own clients).
            for (payload, shutdown) in [("summary\n", false), ("summary", true), ("summary", false),
                                        (#"{"command":"summary"}"# + "\n", false), (#"{"command":"summary"}"#, false)] {
                let reply = try await TCPClient.exchange(port: apiPort, send: payload, shutdownWrite: shutdown)
                XCTAssertTrue(String(decoding: reply, as: UTF8.self).contains("Summary"), "\(payload.debugDescription) \(shutdown)")
            }
            // A JSON object sent in two pieces is answered once it is whole.
            let reply = try await TCPClient.exchange(port: apiPort, sendParts: [#"{"command":"#, #""pools"}"#])
            XCTAssertTrue(String(decoding: reply, as: UTF8.self).contains("\"POOLS\":["))
        }
    }

    func testUnknownMalformedAndHugeRequests() async throws {
        try await withServices { _, apiPort in
            let unknown = try JSONValue.parse(try await TCPClient.exchange(port: apiPort, send: #"{"command":"bogus"}"#).dropLast())
            XCTAssertEqual(unknown["STATUS"]?.arrayValue?.first?["Code"]?.integerValue, 14)
            let malformed = try JSONValue.parse(try await TCPClient.exchange(port: apiPort, send: "{\"command\":\n").dropLast())
            XCTAssertEqual(malformed["STATUS"]?.arrayValue?.first?["Code"]?.integerValue, 23)
            let binary = try await TCPClient.exchange(port: apiPort, send: String(decoding: [0xff, 0xfe, 0x7b, 0x0a], as: UTF8.self))
            XCTAssertTrue(String(decoding: binary, as: UTF8.self).hasPrefix("STATUS=E,"))
            // 1 MiB without a newline: answered with an error after the bound, not buffered.
            let huge = "{\"command\":\"" + String(repeating: "x", count: 1 << 20)
            let reply = try await TCPClient.exchange(port: apiPort, send: huge, tolerateReset: true)
            let json = try JSONValue.parse(reply.dropLast())
            XCTAssertEqual(json["STATUS"]?.arrayValue?.first?["STATUS"]?.stringValue, "E")
            // The server is still fine.
            let after = try await TCPClient.exchange(port: apiPort, send: "version")
            XCTAssertTrue(String(decoding: after, as: UTF8.self).contains("VERSION,CGMiner="))
        }
    }

    func testManyConcurrentClients() async throws {
        try await withServices { _, apiPort in
            try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<64 {
                    group.addTask {
                        let command = index.isMultiple(of: 2) ? #"{"command":"summary+pools"}"# : "devs"
                        let reply = try await TCPClient.exchange(port: apiPort, send: command)
                        let text = String(decoding: reply, as: UTF8.self)
                        return reply.last == 0 && (text.contains("\"summary\":[") || text.contains("|ASC=1,"))
                    }
                }
                var answered = 0
                for try await ok in group where ok { answered += 1 }
                XCTAssertEqual(answered, 64)
            }
        }
    }

    func testAllowListRefusesUnnamedClientsAndWriteCommands() async throws {
        try await withServices(allow: []) { _, apiPort in
            let reply = try JSONValue.parse(try await TCPClient.exchange(port: apiPort, send: #"{"command":"privileged"}"#).dropLast())
            XCTAssertEqual(reply["STATUS"]?.arrayValue?.first?["Code"]?.integerValue, 45)
        }
        try await withServices(allow: ["W:127.0.0.1"]) { _, apiPort in
            let reply = try JSONValue.parse(try await TCPClient.exchange(port: apiPort, send: #"{"command":"privileged"}"#).dropLast())
            XCTAssertEqual(reply["STATUS"]?.arrayValue?.first?["Code"]?.integerValue, 46)
        }
    }

    func testNonLoopbackBindingIsRefusedWithoutExplicitConfiguration() async throws {
        let metrics = MonitoringServices(settings: MonitoringSettings(metricsEnabled: true, metricsListen: "0.0.0.0:0"),
                                         logger: Self.logger)
        do {
            try await metrics.start(statusSource: { StatusDocument() })
            XCTFail("bound to 0.0.0.0 without explicit permission")
        } catch let error as ListenAddress.Error {
            XCTAssertEqual(error, .nonLoopback("0.0.0.0:0"))
        }
        let metricsPort = await metrics.metricsPort
        XCTAssertNil(metricsPort)
        let api = MonitoringServices(settings: MonitoringSettings(apiEnabled: true, apiListen: "0.0.0.0:0"), logger: Self.logger)
        do {
            try await api.start(statusSource: { StatusDocument() })
            XCTFail("bound to 0.0.0.0 without an allow list naming remote clients")
        } catch is ListenAddress.Error {}
        let disabled = MonitoringServices(settings: MonitoringSettings(), logger: Self.logger)
        try await disabled.start(statusSource: { StatusDocument() })
        let disabledMetrics = await disabled.metricsPort
        let disabledAPI = await disabled.apiPort
        XCTAssertNil(disabledMetrics, "off by default")
        XCTAssertNil(disabledAPI, "off by default")
    }

    // MARK: - /metrics

    func testMetricsEndpoint() async throws {
        try await withServices { metricsPort, _ in
            let response = try await TCPClient.exchange(port: metricsPort, send: "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
            let text = String(decoding: response, as: UTF8.self)
            let parts = text.components(separatedBy: "\r\n\r\n")
            XCTAssertTrue(parts[0].hasPrefix("HTTP/1.1 200 OK"), parts[0])
            XCTAssertTrue(parts[0].lowercased().contains("content-type: text/plain; version=0.0.4"), parts[0])
            let body = parts.dropFirst().joined(separator: "\r\n\r\n")
            XCTAssertEqual(body, PrometheusExposition.render(status: MonitoringFixtures.status))
            let families = try MonitoringFixtures.parsePrometheus(body)
            XCTAssertEqual(families.value("swiftminer_hashing_threads"), 6)

            let notFound = String(decoding: try await TCPClient.exchange(port: metricsPort, send: "GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
                                  as: UTF8.self)
            XCTAssertTrue(notFound.hasPrefix("HTTP/1.1 404"), notFound)
            let post = String(decoding: try await TCPClient.exchange(
                port: metricsPort, send: "POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"), as: UTF8.self)
            XCTAssertTrue(post.hasPrefix("HTTP/1.1 405"), post)
            let query = String(decoding: try await TCPClient.exchange(port: metricsPort, send: "GET /metrics?x=1 HTTP/1.0\r\n\r\n"),
                               as: UTF8.self)
            XCTAssertTrue(query.hasPrefix("HTTP/1.0 200"), query)
            let huge = "GET /metrics HTTP/1.1\r\nX-Big: " + String(repeating: "a", count: 100_000) + "\r\n\r\n"
            let refused = String(decoding: try await TCPClient.exchange(port: metricsPort, send: huge, tolerateReset: true), as: UTF8.self)
            XCTAssertTrue(refused.isEmpty || refused.hasPrefix("HTTP/1.1 431"), refused.prefix(100).description)
            let garbage = String(decoding: try await TCPClient.exchange(port: metricsPort, send: "\u{1}\u{2}garbage\r\n\r\n",
                                                                        tolerateReset: true), as: UTF8.self)
            XCTAssertFalse(garbage.hasPrefix("HTTP/1.1 200"))
            // Still serving.
            let again = String(decoding: try await TCPClient.exchange(port: metricsPort, send: "GET /metrics HTTP/1.1\r\n\r\n"),
                               as: UTF8.self)
            XCTAssertTrue(again.hasPrefix("HTTP/1.1 200"))
        }
    }
}

/// A blocking-free little TCP client: connects, sends, reads until the server closes.
enum TCPClient {
    static func exchange(port: Int, send: String, shutdownWrite: Bool = false, tolerateReset: Bool = false) async throws -> [UInt8] {
        try await exchange(port: port, sendParts: [send], shutdownWrite: shutdownWrite, tolerateReset: tolerateReset)
    }

    static func exchange(port: Int, sendParts: [String], shutdownWrite: Bool = false, tolerateReset: Bool = false) async throws -> [UInt8] {
        let collector = Collector()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        for (index, part) in sendParts.enumerated() {
            if index > 0 { try await Task.sleep(for: .milliseconds(100)) }
            do {
                try await channel.writeAndFlush(channel.allocator.buffer(string: part)).get()
            } catch where tolerateReset {
                break
            }
        }
        if shutdownWrite {
            // The server may already have answered a complete command and closed; then nothing is left to shut.
            do { try await channel.close(mode: .output).get() } catch ChannelError.alreadyClosed, ChannelError.outputClosed {}
        }
        return try await withThrowingTaskGroup(of: [UInt8].self) { group in
            group.addTask { try await collector.done.futureResult.get() }
            group.addTask {
                try await Task.sleep(for: .seconds(15))
                throw CancellationError()
            }
            let result = try await group.next()!
            group.cancelAll()
            channel.close(promise: nil)
            return result
        }
    }

    final class Collector: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        var bytes: [UInt8] = []
        let done: EventLoopPromise<[UInt8]> = MultiThreadedEventLoopGroup.singleton.next().makePromise()

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = unwrapInboundIn(data)
            bytes += buffer.readBytes(length: buffer.readableBytes) ?? []
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if let event = event as? ChannelEvent, event == .inputClosed { context.close(promise: nil) }
        }

        func channelInactive(context: ChannelHandlerContext) { done.succeed(bytes) }
        func errorCaught(context: ChannelHandlerContext, error: Error) { context.close(promise: nil) }
    }
}
