import Foundation
@testable import MinerDaemon
import PoolSettings
import StratumClient
import XCTest

/// The automatic `mining.suggest_difficulty` value: computed by `WorkerCore` from the hash rate it
/// measures while the engine has work, handed to the client as `.suggestDifficulty`, and shown in
/// the status as the pool's suggested difficulty. No sockets: event sequences and a fake clock.
final class WorkerCoreSuggestionTests: XCTestCase {
    /// Hashes a second that make difficulty 1 over a 10 s target interval (2^32 / 10).
    static let unitRate: UInt64 = 429_496_730

    private func harness(pools: [PoolConfiguration] = [PoolConfiguration(url: CoreHarness.url)],
                         targetShareInterval: Double = 10) -> CoreHarness {
        var h = CoreHarness()
        h.core = WorkerCore(name: "rig1", user: "tester.rig1", threads: 1, origin: h.t0, pools: pools,
                            targetShareInterval: targetShareInterval)
        return h
    }

    /// Connected, authorized and hashing job j1; the engine's counter at `total`.
    private func mining(_ h: inout CoreHarness, total: UInt64 = 0) {
        h.establish()
        XCTAssertEqual(h.send(.source(.job(h.assignment("j1", difficulty: 1)))).templates.count, 1)
        XCTAssertTrue(h.send(.hashSample(counts: [total], hardwareErrors: 0)).suggestions.isEmpty,
                      "one sample is no rate yet")
    }

    func testTheSuggestionIsHashrateTimesIntervalOver2To32() throws {
        var h = harness()
        mining(&h)
        XCTAssertNil(h.snapshot.status.pool.suggestedDifficulty, "nothing suggested before a rate is measured")
        h.advance(.seconds(1))
        let actions = h.send(.hashSample(counts: [Self.unitRate], hardwareErrors: 0))
        let value = try XCTUnwrap(actions.suggestions.first)
        XCTAssertEqual(actions.suggestions.count, 1)
        XCTAssertEqual(value, Double(Self.unitRate) * 10 / 4_294_967_296, accuracy: 1e-12)
        XCTAssertEqual(value, 1, accuracy: 1e-6)
        XCTAssertEqual(h.snapshot.status.pool.suggestedDifficulty, value)
        XCTAssertEqual(h.snapshot.status.pool.difficulty, 1, "the pool's difficulty is shown beside it")
        XCTAssertTrue(actions.contains { if case .log(.info, let text) = $0 { text.contains("suggested difficulty") } else { false } })
    }

    func testTheTargetShareIntervalScalesTheSuggestion() throws {
        var h = harness(targetShareInterval: 0.5)
        mining(&h)
        h.advance(.seconds(2))
        let value = try XCTUnwrap(h.send(.hashSample(counts: [2 * Self.unitRate], hardwareErrors: 0)).suggestions.first)
        XCTAssertEqual(value, 0.05, accuracy: 1e-6, "one share per 0.5 s at a twentieth of the 10 s difficulty")
    }

    func testASteadyRateIsNotSuggestedAgainAndALargeChangeIs() throws {
        var h = harness()
        mining(&h)
        var total: UInt64 = 0
        var suggested: [Double] = []
        for _ in 0..<12 {
            h.advance(.seconds(1))
            total += Self.unitRate
            suggested += h.send(.hashSample(counts: [total], hardwareErrors: 0)).suggestions
        }
        XCTAssertEqual(suggested.count, 1, "a steady rate: told once \(suggested)")
        // The rate quadruples: new values follow as the 10 s window fills with it.
        for _ in 0..<12 {
            h.advance(.seconds(1))
            total += 4 * Self.unitRate
            suggested += h.send(.hashSample(counts: [total], hardwareErrors: 0)).suggestions
        }
        XCTAssertGreaterThan(suggested.count, 1)
        let last = try XCTUnwrap(suggested.last)
        XCTAssertGreaterThan(last, 4 / AutoSuggestedDifficulty.updateFactor)
        XCTAssertLessThanOrEqual(last, 4 * 1.000001)
        XCTAssertEqual(h.snapshot.status.pool.suggestedDifficulty, last)
    }

    /// Time without work (before authorize, while disconnected) is not hashing time: it must not
    /// pull the rate down, or the next session would be told too low a difficulty.
    func testOnlyIntervalsOfHashingMeasureTheRate() throws {
        var h = harness()
        _ = h.send(.hashSample(counts: [0], hardwareErrors: 0))
        h.advance(.seconds(5))
        XCTAssertTrue(h.send(.hashSample(counts: [0], hardwareErrors: 0)).suggestions.isEmpty, "not connected: no work")
        h.establish()
        _ = h.send(.source(.job(h.assignment("j1", difficulty: 1))))
        h.advance(.seconds(1))
        // Work arrived within this interval: part of it was idle, so it does not count.
        XCTAssertTrue(h.send(.hashSample(counts: [Self.unitRate / 3], hardwareErrors: 0)).suggestions.isEmpty)
        h.advance(.seconds(1))
        let first = try XCTUnwrap(h.send(.hashSample(counts: [Self.unitRate / 3 + Self.unitRate], hardwareErrors: 0)).suggestions.first)
        XCTAssertEqual(first, 1, accuracy: 1e-6)

        _ = h.send(.source(.disconnected(url: CoreHarness.url, reason: "connection reset")))
        var total = Self.unitRate / 3 + Self.unitRate
        for _ in 0..<20 {
            h.advance(.seconds(1))
            total += 1000  // the engine's last batch, then nothing
            XCTAssertTrue(h.send(.hashSample(counts: [total], hardwareErrors: 0)).suggestions.isEmpty,
                          "idle time does not lower the suggestion")
        }
        h.epoch = 2
        h.establish()
        _ = h.send(.source(.job(h.assignment("j2", difficulty: 1))))
        h.advance(.seconds(1))
        total += Self.unitRate / 2
        XCTAssertTrue(h.send(.hashSample(counts: [total], hardwareErrors: 0)).suggestions.isEmpty)
        XCTAssertEqual(try XCTUnwrap(h.snapshot.status.pool.suggestedDifficulty), 1, accuracy: 1e-6)
    }

    func testTheStatusShowsWhatTheConnectedPoolIsTold() throws {
        let fixedURL = "stratum+tcp://fixed.example:3333", offURL = "stratum+tcp://off.example:3333"
        var h = harness(pools: [PoolConfiguration(url: fixedURL, difficultySuggestion: .fixed(512)),
                                PoolConfiguration(url: offURL, difficultySuggestion: .off),
                                PoolConfiguration(url: CoreHarness.url)])
        _ = h.send(.source(.connected(url: fixedURL)))
        XCTAssertEqual(h.snapshot.status.pool.suggestedDifficulty, 512)
        _ = h.send(.source(.disconnected(url: fixedURL, reason: "gone")))
        _ = h.send(.source(.connected(url: offURL)))
        XCTAssertNil(h.snapshot.status.pool.suggestedDifficulty, "off: nothing suggested")
        _ = h.send(.source(.disconnected(url: offURL, reason: "gone")))

        mining(&h)  // the auto pool
        XCTAssertNil(h.snapshot.status.pool.suggestedDifficulty, "auto, not measured yet")
        h.advance(.seconds(1))
        XCTAssertEqual(h.send(.hashSample(counts: [8 * Self.unitRate], hardwareErrors: 0)).suggestions.count, 1)
        XCTAssertEqual(try XCTUnwrap(h.snapshot.status.pool.suggestedDifficulty), 8, accuracy: 1e-5)
        _ = h.send(.source(.disconnected(url: CoreHarness.url, reason: "gone")))
        _ = h.send(.source(.connected(url: fixedURL)))
        XCTAssertEqual(h.snapshot.status.pool.suggestedDifficulty, 512, "back on the fixed pool")
    }

    func testTheStatusFieldRoundTripsAndOldFilesReadAsNull() throws {
        var document = StatusDocument()
        var worker = StatusDocument.Worker()
        worker.pool.suggestedDifficulty = 0.0125
        document.workers = [worker]
        let bytes = try document.encoded()
        XCTAssertTrue(String(decoding: bytes, as: UTF8.self).contains("\"suggested_difficulty\":0.0125"))
        XCTAssertEqual(try StatusDocument.decode(bytes).workers.first?.pool.suggestedDifficulty, 0.0125)
        let old = #"{"schema":2,"workers":[{"name":"rig1","pool":{"url":"u","difficulty":2}}]}"#
        let decoded = try StatusDocument.decode(Array(old.utf8))
        XCTAssertNil(decoded.workers.first?.pool.suggestedDifficulty)
        XCTAssertEqual(decoded.workers.first?.pool.difficulty, 2)
        worker.pool.suggestedDifficulty = nil
        document.workers = [worker]
        XCTAssertTrue(String(decoding: try document.encoded(), as: UTF8.self).contains("\"suggested_difficulty\":null"))
    }
}

extension [WorkerCore.Action] {
    var suggestions: [Double] { compactMap { if case .suggestDifficulty(let value) = $0 { value } else { nil } } }
}
