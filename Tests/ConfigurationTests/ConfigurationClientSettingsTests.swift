import Configuration
import Foundation
import PoolSettings
import XCTest

/// The per-pool `suggest_difficulty` and the per-worker `target_share_interval` and client timer
/// keys: parsed, defaulted and validated (as `check-config` does) into the worker's one
/// `ConnectionTimers` value.
final class ConfigurationClientSettingsTests: XCTestCase {
    private func parse(worker extra: String = "", pool: String = "") throws -> WorkerSettings {
        let text = """
        [[worker]]
        user = "u"
        \(extra)
        [[worker.pool]]
        url = "stratum+tcp://127.0.0.1:3333"
        \(pool)
        """
        let settings = try ConfigurationFile.parse(text, file: "t.toml", environment: [:])
        return try XCTUnwrap(settings.workers.first)
    }

    private func issues(worker extra: String = "", pool: String = "") -> [String] {
        do {
            _ = try parse(worker: extra, pool: pool)
            return []
        } catch let error as ConfigurationErrors {
            return error.issues.map(\.description)
        } catch {
            return ["\(error)"]
        }
    }

    func testSuggestDifficultyIsAutoByDefaultANumberOrFalse() throws {
        XCTAssertEqual(try parse().pools[0].difficultySuggestion, .auto)
        XCTAssertEqual(try parse(pool: #"suggest_difficulty = "auto""#).pools[0].difficultySuggestion, .auto)
        XCTAssertEqual(try parse(pool: "suggest_difficulty = 512").pools[0].difficultySuggestion, .fixed(512))
        XCTAssertEqual(try parse(pool: "suggest_difficulty = 0.001").pools[0].difficultySuggestion, .fixed(0.001))
        XCTAssertEqual(try parse(pool: "suggest_difficulty = false").pools[0].difficultySuggestion, .off)
        for bad in [#""fast""#, "true", "0", "-1", "[1]"] {
            let found = issues(pool: "suggest_difficulty = \(bad)")
            XCTAssertEqual(found.count, 1, "\(bad): \(found)")
            XCTAssertTrue(found.first?.hasPrefix("t.toml:6: key worker[0].pool[0].suggest_difficulty:") ?? false, "\(bad): \(found)")
        }
    }

    func testTargetShareInterval() throws {
        XCTAssertEqual(try parse().targetShareInterval, 10, "default")
        XCTAssertEqual(try parse(worker: "target_share_interval = 2.5").targetShareInterval, 2.5)
        for bad in ["0", "-3", #""10""#] {
            let found = issues(worker: "target_share_interval = \(bad)")
            XCTAssertTrue(found.first?.hasPrefix("t.toml:3: key worker[0].target_share_interval:") ?? false, "\(bad): \(found)")
        }
    }

    func testTimersDefaultToTheClientsDefaults() throws {
        // The default values themselves: StratumClientTests' ConnectionTimersTests.
        XCTAssertEqual(try parse().timers, ConnectionTimers())
    }

    /// Every worker timer key, each a different value.
    static let timerKeysText = """
        connect_timeout = 3
        subscribe_timeout = 4.5
        idle_timeout = 90
        job_timeout = 45
        submit_timeout = 12
        reconnect_backoff_min = 0.5
        reconnect_backoff_max = 20
        primary_probe_interval = 30
        max_reconnect_wait = 15
        """

    func testEveryTimerKeyLandsInTheOneTimersValue() throws {
        let timers = try parse(worker: Self.timerKeysText).timers
        XCTAssertEqual(timers.connectTimeout, .seconds(3))
        XCTAssertEqual(timers.subscribeTimeout, .milliseconds(4500))
        XCTAssertEqual(timers.idleTimeout, .seconds(90))
        XCTAssertEqual(timers.jobTimeout, .seconds(45))
        XCTAssertEqual(timers.submitTimeout, .seconds(12))
        XCTAssertEqual(timers.backoff.initial, .milliseconds(500))
        XCTAssertEqual(timers.backoff.maximum, .seconds(20))
        XCTAssertEqual(timers.backoff.jitter, ReconnectBackoff().jitter, "jitter kept")
        XCTAssertEqual(timers.primaryProbeInterval, .seconds(30))
        XCTAssertEqual(timers.maximumReconnectWait, .seconds(15))
    }

    func testEachTimerKeyAloneChangesOnlyItsField() throws {
        let defaults = ConnectionTimers()
        let cases: [(key: String, changed: (ConnectionTimers) -> Bool)] = [
            ("connect_timeout", { $0.connectTimeout != defaults.connectTimeout }),
            ("subscribe_timeout", { $0.subscribeTimeout != defaults.subscribeTimeout }),
            ("idle_timeout", { $0.idleTimeout != defaults.idleTimeout }),
            ("job_timeout", { $0.jobTimeout != defaults.jobTimeout }),
            ("submit_timeout", { $0.submitTimeout != defaults.submitTimeout }),
            ("reconnect_backoff_min", { $0.backoff.initial != defaults.backoff.initial }),
            ("reconnect_backoff_max", { $0.backoff.maximum != defaults.backoff.maximum }),
            ("primary_probe_interval", { $0.primaryProbeInterval != defaults.primaryProbeInterval }),
            ("max_reconnect_wait", { $0.maximumReconnectWait != defaults.maximumReconnectWait }),
        ]
        for (key, changed) in cases {
            let timers = try parse(worker: "\(key) = 2.5").timers
            XCTAssertTrue(changed(timers), key)
            for (other, otherChanged) in cases where other != key {
                XCTAssertFalse(otherChanged(timers), "\(key) changed \(other)")
            }
        }
    }

    func testTimersMustBePositiveAndTheBackoffOrdered() {
        let found = issues(worker: """
            connect_timeout = 0
            idle_timeout = -1
            submit_timeout = "30"
            reconnect_backoff_min = 30
            reconnect_backoff_max = 5
            """)
        XCTAssertTrue(found.contains { $0.hasPrefix("t.toml:3: key worker[0].connect_timeout:") }, "\(found)")
        XCTAssertTrue(found.contains { $0.hasPrefix("t.toml:4: key worker[0].idle_timeout:") }, "\(found)")
        XCTAssertTrue(found.contains { $0.hasPrefix("t.toml:5: key worker[0].submit_timeout:") }, "\(found)")
        XCTAssertTrue(found.contains { $0.hasPrefix("t.toml:6: key worker[0].reconnect_backoff_min:") && $0.contains("reconnect_backoff_max") },
                      "\(found)")
        XCTAssertEqual(found.count, 4, "\(found)")
    }

    func testTheExampleFileDocumentsTheDefaults() throws {
        let path = ConfigurationTests.repository.appendingPathComponent("Config/swiftminer.toml").path
        let worker = try XCTUnwrap(try ConfigurationFile.load(path: path, environment: [:]).workers.first)
        XCTAssertEqual(worker.timers, ConnectionTimers())
        XCTAssertEqual(worker.targetShareInterval, 10)
        XCTAssertEqual(worker.pools.map(\.difficultySuggestion), [.auto, .auto, .auto])
        XCTAssertEqual(worker.pools.map(\.stratumV2Channel), [.standard, .standard, .standard])
        XCTAssertEqual(worker.pools.map(\.certificateLeewaySeconds), [30, 30, 30])
    }
}
