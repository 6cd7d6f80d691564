import Configuration
import XCTest

/// `[metrics]` / `[api]`: refused exposures are configuration errors with their key and line.
final class ConfigurationMonitoringTests: XCTestCase {
    func testNonLoopbackMetricsNeedAllowRemote() throws {
        let exposed = """
        [metrics]
        enabled = true
        listen = "0.0.0.0:9464"
        """
        XCTAssertThrowsError(try ConfigurationFile.parse(exposed, file: "m.toml")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("m.toml:3: key metrics.listen"), text)
            XCTAssertTrue(text.contains("allow_remote"), text)
        }
        let allowed = try ConfigurationFile.parse(exposed + "\nallow_remote = true\n", file: "m.toml")
        XCTAssertTrue(allowed.monitoring.metricsAllowRemote)
        XCTAssertEqual(allowed.monitoring.metricsListen, "0.0.0.0:9464")
    }

    func testAPIAllowListIsCheckedAndEmptyByDefault() throws {
        XCTAssertEqual(try ConfigurationFile.parse("[api]\nenabled = true\n", file: "a.toml").monitoring.apiAllow, [])
        let settings = try ConfigurationFile.parse(#"[api]\#nallow = ["W:127.0.0.1", "R:10.0.0.0/24"]\#n"#, file: "a.toml")
        XCTAssertEqual(settings.monitoring.apiAllow, ["W:127.0.0.1", "R:10.0.0.0/24"])
        XCTAssertThrowsError(try ConfigurationFile.parse(#"[api]\#nallow = ["nonsense!!"]\#n"#, file: "a.toml")) { error in
            XCTAssertTrue("\(error)".contains("a.toml:2: key api.allow"), "\(error)")
        }
    }
}
