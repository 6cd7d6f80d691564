import FarmProxy
import FarmProxyCore
import Foundation
import LocalPool
import Logging
import StratumProtocol
import XCTest

/// The farm proxy load generator (`swiftminer proxy-bench`) at toy scale, in process: every miner
/// gets every notify, every submit is answered true, and the pool-direct sample works too. No
/// timing is asserted.
final class ProxyLoadGeneratorTests: XCTestCase {
    func testFiveMinersGetEveryNotifyAndEverySubmitIsAnsweredTrue() async throws {
        var logger = Logger(label: "proxy-load-test")
        logger.logLevel = .warning
        let upstream = LocalPool(configuration: LocalPoolConfiguration(initialDifficulty: 1_048_576, jobInterval: 0), logger: logger)
        let upstreamPort = try await upstream.start()
        let proxy = FarmProxy(configuration: try .loadBenchmark(upstreamPort: upstreamPort, connections: 5),
                              userAgent: "proxy-load-test", logger: logger)
        let proxyPort = try await proxy.start()
        let serving = Task { try await proxy.run() }
        let direct = LocalPool(configuration: LocalPoolConfiguration(initialDifficulty: 0x1p-40, jobInterval: 0), logger: logger)
        let directPort = try await direct.start()
        defer { serving.cancel() }

        let options = ProxyLoadOptions(connections: 5, rounds: 2, roundPause: 0, submitSeconds: 1, submitRate: 50,
                                       sampleConnections: 2, sampleRate: 20, sampleSeconds: 0.5)
        let (report, sample) = try await ProxyLoadGenerator.withEventLoops(options: options, threads: 2) { generator in
            let report = try await generator.run(proxyPort: proxyPort, proxyPID: getpid(),
                                                 newJob: { upstream.broadcastNewJob(clean: true).prevHash })
            return (report, try await generator.measureSample(port: directPort))
        }

        XCTAssertEqual(report.fanOut.missing, 0)
        XCTAssertEqual(report.fanOut.arrivals.count, 10, "5 miners × 2 rounds")
        XCTAssertEqual(report.fanOut.lastArrivals.count, 2)
        let submits = try XCTUnwrap(report.submits)
        XCTAssertGreaterThan(submits.tally.sent, 0)
        XCTAssertEqual(submits.tally.accepted, submits.tally.sent, "\(submits.tally.rejections)")
        XCTAssertEqual(submits.unanswered, 0)
        XCTAssertEqual(submits.roundTrip.count, submits.tally.sent)
        XCTAssertTrue(try XCTUnwrap(report.sampleThroughProxy).allAccepted)
        XCTAssertTrue(try XCTUnwrap(sample).allAccepted, "\(sample?.tally.rejections ?? [:])")
        XCTAssertEqual(upstream.stats.accepted + upstream.stats.rejected, 0, "nothing meets the pool's difficulty")
        XCTAssertEqual(report.closedByProxy, 0)
        XCTAssertEqual(report.problems, [])
        #if os(Linux)
        XCTAssertNotNil(report.memoryConnected)
        #endif
        let json = report.json
        XCTAssertEqual(json["ok"]?.boolValue, true)
        XCTAssertEqual(Set(json.objectValue?.keys.map { $0 } ?? []),
                       ["connections", "connect_seconds", "load_average", "memory", "notify_fan_out", "submits", "cpu", "sample",
                        "forwarded_upstream", "closed_by_proxy", "proxy_exit", "targets", "problems", "ok"])

        serving.cancel()
        _ = await serving.result
        await upstream.stop()
        await direct.stop()
    }

    func testProcessMemoryReadsStatusFields() {
        let status = "Name:\tswiftminer\nVmHWM:\t   51200 kB\nVmRSS:\t   40960 kB\nThreads:\t3\n"
        XCTAssertEqual(ProcessMemory.parse(status: status), ProcessMemory(residentBytes: 40 << 20, peakResidentBytes: 50 << 20))
        XCTAssertNil(ProcessMemory.parse(status: "Name:\tx\n"))
    }
}
