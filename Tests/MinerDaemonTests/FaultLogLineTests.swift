import Foundation
import MinerDaemon
import XCTest

/// A connection error is one log line: the worker's `disconnected … <reason>`, not also the
/// client's own report of the same error.
final class FaultLogLineTests: XCTestCase {
    func testAConnectionResetIsLoggedOnce() async throws {
        let script = StandardScript()
        let pool = script.makePool()
        let port = try await pool.start()
        let run = try FaultRun(ports: [port])
        await run.expect { script.validSubmits >= 1 }
        pool.connections[0].reset()
        await run.expect(.seconds(4), "reconnected and mining") { pool.submits.contains { $0.connection == 1 } }
        try await run.stop()
        await pool.stop()

        let lines = run.logs.printed(containing: "reset by peer")
        XCTAssertEqual(lines.count, 1, "one line for the reset: \(lines)")
        XCTAssertTrue(lines.first?.hasPrefix("disconnected from stratum+tcp://127.0.0.1:\(port)") ?? false, "\(lines)")
    }

    func testAnOverlongLineIsLoggedOnce() async throws {
        let script = StandardScript()
        let pool = script.makePool()
        let port = try await pool.start()
        let run = try FaultRun(ports: [port])
        await run.expect { script.validSubmits >= 1 }
        pool.connections[0].send("[" + String(repeating: "1,", count: 600_000) + "1]")
        await run.expect(.seconds(4), "reconnected and mining") { pool.submits.contains { $0.connection == 1 } }
        try await run.stop()
        await pool.stop()

        let lines = run.logs.printed(containing: "exceeds the limit")
        XCTAssertEqual(lines.count, 1, "one line for the over-long line: \(lines)")
        XCTAssertTrue(lines.first?.hasPrefix("disconnected from stratum+tcp://127.0.0.1:\(port)") ?? false, "\(lines)")
        XCTAssertTrue(run.logged("protocol error"), "it says what happened")
    }
}
