import Foundation
import MinerDaemon
import StratumClient
import StratumProtocol
import XCTest

/// Garbage from the pool: the miner logs it, answers what deserves an answer, keeps the
/// connection where the stream is still usable, and never sends an invalid share.
final class FaultGarbageTests: XCTestCase {
    /// Malformed JSON, JSON of the wrong shape, unknown methods, binary junk, invalid UTF-8, a reply
    /// to an id we never sent, many messages in one segment and a job split over many segments:
    /// one connection survives all of it and mines the job that arrived in pieces.
    func testGarbageLinesAreLoggedAndTheConnectionSurvives() async throws {
        let script = StandardScript()
        let pool = script.makePool()
        let port = try await pool.start()
        let run = try FaultRun(ports: [port]) { $0.timers.jobTimeout = .seconds(10) }
        await run.expect { script.validSubmits >= 1 }
        let connection = try XCTUnwrap(pool.connections.first)
        connection.send(lines: [
            #"{"id":1,"result":"#,                                       // malformed JSON
            #"[1,2,3]"#, #"{"foo":"bar"}"#, #""just a string""#, "42",  // valid JSON, wrong shape
            #"{"id":null,"method":"mining.notify","params":"nope"}"#,   // wrong params shape
            #"{"id":null,"method":"mining.set_difficulty","params":[]}"#,
            #"{"id":null,"method":"mining.frobnicate","params":[1]}"#,   // unknown notification
            #"{"id":"q1","method":"mining.frobnicate","params":[]}"#,    // unknown request: answered
            #"{"id":987654,"result":true,"error":null}"#,               // reply to an id we never sent
            #"{"id":"q2","method":"mining.ping","params":[]}"#,
        ])
        connection.send(bytes: [0x00, 0x01, 0xfe, 0xff, 0x7f, 0x80, 0x0a])               // binary junk
        connection.send(bytes: Array(#"{"id":null,"method":"client.show_message","params":[""#.utf8) + [0xc3, 0x28, 0xff]
                        + Array(#""]}"#.utf8) + [0x0a])                                     // invalid UTF-8 in a string
        // Many messages in one segment, then a clean job delivered 7 bytes at a time.
        connection.send(lines: [#"{"id":"q3","method":"mining.ping","params":[]}"#,
                                #"{"id":null,"method":"client.show_message","params":["hello"]}"#,
                                #"{"id":"q4","method":"client.get_version","params":[]}"#])
        let split = script.job(id: "split-job")
        await connection.sendSplit(Array((split + "\n").utf8), chunk: 7, gap: .milliseconds(2))
        await run.expect(.seconds(5), "mining the job that arrived in pieces: \(pool.connectionCount) connection(s)") {
            script.matched.contains { $0.jobID == "split-job" }
        }
        try await run.stop()
        await pool.stop()

        XCTAssertEqual(pool.connectionCount, 1, "the garbage did not cost the connection")
        XCTAssertTrue(script.invalidSubmits.isEmpty, "\(script.invalidSubmits)")
        let replies = pool.received.filter { $0.json?["method"] == nil }
        func reply(_ id: String) -> JSONValue? { replies.first { $0.id == .string(id) }?.json }
        XCTAssertEqual(reply("q1")?["error"]?.arrayValue?.first?.integerValue, -32601, "unknown method answered as not found: \(String(describing: reply("q1")))")
        XCTAssertEqual(reply("q2")?["result"]?.stringValue, "pong")
        XCTAssertEqual(reply("q3")?["result"]?.stringValue, "pong")
        XCTAssertNotNil(reply("q4")?["result"]?.stringValue, "client.get_version answered")
        XCTAssertTrue(run.logged("protocol error"), "garbage is logged")
        XCTAssertTrue(run.logged("hello", level: .notice), "the message in the same segment got through")
        XCTAssertEqual(run.counters.lost, 0, "no answer to a submit was eaten by the garbage around it")
        try run.assertBooks()
    }

    /// A line longer than the limit (here a job with a 100 000-entry merkle branch, 6.6 MB): the
    /// miner refuses it, drops the connection, reconnects and mines again.
    func testOverlongLineDropsTheConnectionAndTheMinerReconnects() async throws {
        let script = StandardScript()
        let pool = script.makePool()
        let port = try await pool.start()
        let run = try FaultRun(ports: [port])
        await run.expect { script.validSubmits >= 1 }
        let branch = Array(repeating: "\"" + String(repeating: "ab", count: 32) + "\"", count: 100_000).joined(separator: ",")
        let line = #"{"id":null,"method":"mining.notify","params":["huge","\#(String(repeating: "00", count: 32))","01","02",[\#(branch)],"20000000","1d00ffff","00000001",true]}"#
        pool.connections[0].send(line)
        await run.expect(.seconds(4), "reconnected and mining") { pool.submits.contains { $0.connection == 1 } }
        try await run.stop()
        await pool.stop()

        XCTAssertTrue(run.logged("protocol error"), "the over-long line is logged")
        XCTAssertFalse(pool.submits.contains { $0.params.count > 1 && $0.params[1].stringValue == "huge" })
        XCTAssertTrue(script.invalidSubmits.isEmpty, "\(script.invalidSubmits)")
        try run.assertBooks()
    }
}
