import Configuration
import Foundation
@testable import MinerDaemon
import MonitoringAddresses
import StratumProtocol
import XCTest

/// The cgminer API's replies, as pure functions: cgminer's shape field by field, numbers from the
/// status document, access rules.
final class MonitoringCGMinerAPITests: XCTestCase {
    static let now = Date(timeIntervalSince1970: 1_735_787_045)

    func respond(_ request: String, client: String = "127.0.0.1", allow: [String] = []) -> String {
        CGMinerAPI.respond(request: request, status: MonitoringFixtures.status, clientAddress: client, allow: allow, now: Self.now)
    }

    func json(_ request: String, client: String = "127.0.0.1", allow: [String] = []) throws -> JSONValue {
        try JSONValue.parse(Array(respond(request, client: client, allow: allow).utf8))
    }

    /// cgminer's STATUS section: exactly these fields.
    func assertStatus(_ reply: JSONValue, _ severity: String, _ code: Int64, _ message: String? = nil,
                      file: StaticString = #filePath, line: UInt = #line) {
        guard let status = reply["STATUS"]?.arrayValue?.first?.objectValue, reply["STATUS"]?.arrayValue?.count == 1 else {
            return XCTFail("no STATUS array in \(reply.serialized)", file: file, line: line)
        }
        XCTAssertEqual(Set(status.keys), ["STATUS", "When", "Code", "Msg", "Description"], file: file, line: line)
        XCTAssertEqual(status["STATUS"]?.stringValue, severity, file: file, line: line)
        XCTAssertEqual(status["Code"]?.integerValue, code, file: file, line: line)
        XCTAssertEqual(status["When"]?.integerValue, Int64(Self.now.timeIntervalSince1970), file: file, line: line)
        XCTAssertNotNil(status["Description"]?.stringValue, file: file, line: line)
        if let message { XCTAssertEqual(status["Msg"]?.stringValue, message, file: file, line: line) }
        XCTAssertEqual(reply["id"]?.integerValue, 1, file: file, line: line)
    }

    /// The fields cgminer 4.x's api.c writes for each section (order as there).
    static let summaryFields = [
        "Elapsed", "MHS av", "MHS 5s", "MHS 1m", "MHS 5m", "MHS 15m", "Found Blocks", "Getworks", "Accepted", "Rejected",
        "Hardware Errors", "Utility", "Discarded", "Stale", "Get Failures", "Local Work", "Remote Failures", "Network Blocks",
        "Total MH", "Work Utility", "Difficulty Accepted", "Difficulty Rejected", "Difficulty Stale", "Best Share",
        "Device Hardware%", "Device Rejected%", "Pool Rejected%", "Pool Stale%", "Last getwork",
    ]
    static let poolFields = [
        "POOL", "URL", "Status", "Priority", "Quota", "Long Poll", "Getworks", "Accepted", "Rejected", "Works", "Discarded",
        "Stale", "Get Failures", "Remote Failures", "User", "Last Share Time", "Diff1 Shares", "Proxy Type", "Proxy",
        "Difficulty Accepted", "Difficulty Rejected", "Difficulty Stale", "Last Share Difficulty", "Work Difficulty",
        "Has Stratum", "Stratum Active", "Stratum URL", "Stratum Difficulty", "Has Vmask", "Has GBT", "Best Share",
        "Pool Rejected%", "Pool Stale%", "Bad Work", "Current Block Height", "Current Block Version",
    ]
    static let devFields = [
        "ASC", "Name", "ID", "Enabled", "Status", "Temperature", "MHS av", "MHS 5s", "MHS 1m", "MHS 5m", "MHS 15m",
        "Accepted", "Rejected", "Hardware Errors", "Utility", "Last Share Pool", "Last Share Time", "Total MH",
        "Diff1 Work", "Difficulty Accepted", "Difficulty Rejected", "Last Share Difficulty", "No Device",
        "Last Valid Work", "Device Hardware%", "Device Rejected%", "Device Elapsed",
    ]

    func keys(_ record: JSONValue?) -> [String] {
        // Field order as sent (JSONValue's objects are unordered): read it from the raw text.
        Array(record?.objectValue?.keys ?? [:].keys)
    }

    func testSummary() throws {
        let reply = try json(#"{"command":"summary"}"#)
        assertStatus(reply, "S", 11, "Summary")
        let summary = try XCTUnwrap(reply["SUMMARY"]?.arrayValue?.first)
        XCTAssertEqual(reply["SUMMARY"]?.arrayValue?.count, 1)
        XCTAssertEqual(Set(keys(summary)), Set(Self.summaryFields))
        XCTAssertEqual(summary["Elapsed"]?.integerValue, 3600)
        XCTAssertEqual(summary["Accepted"]?.integerValue, 110)
        XCTAssertEqual(summary["Rejected"]?.integerValue, 5)
        XCTAssertEqual(summary["Stale"]?.integerValue, 4)
        XCTAssertEqual(summary["Remote Failures"]?.integerValue, 1)
        XCTAssertEqual(summary["Hardware Errors"]?.integerValue, 2)
        XCTAssertEqual(summary["Best Share"]?.integerValue, 98765)
        XCTAssertEqual(try XCTUnwrap(summary["MHS 5s"]?.doubleValue), 30.0, accuracy: 0.01)
        XCTAssertEqual(try XCTUnwrap(summary["MHS 1m"]?.doubleValue), 29.0, accuracy: 0.01)
        XCTAssertEqual(try XCTUnwrap(summary["MHS 15m"]?.doubleValue), 28.0, accuracy: 0.01)
        XCTAssertEqual(try XCTUnwrap(summary["MHS av"]?.doubleValue), 108e9 / 3600 / 1e6, accuracy: 0.01)
        XCTAssertEqual(try XCTUnwrap(summary["Total MH"]?.doubleValue), 108_000, accuracy: 0.001)
        XCTAssertEqual(summary["Difficulty Accepted"]?.doubleValue, 110 * 512)
        XCTAssertEqual(try XCTUnwrap(summary["Pool Rejected%"]?.doubleValue), 5.0 / 119 * 100, accuracy: 0.0001)
        XCTAssertEqual(try XCTUnwrap(summary["Pool Stale%"]?.doubleValue), 4.0 / 119 * 100, accuracy: 0.0001)
        XCTAssertEqual(try XCTUnwrap(summary["Utility"]?.doubleValue), 110.0 / 60, accuracy: 0.01)
        XCTAssertEqual(summary["Last getwork"]?.integerValue, 1_735_787_043)
    }

    func testFieldOrderFollowsCGMiner() {
        let text = respond(#"{"command":"summary"}"#)
        var position = text.startIndex
        for field in Self.summaryFields {
            guard let range = text.range(of: "\"\(field)\":", range: position..<text.endIndex) else {
                return XCTFail("\(field) missing or out of order")
            }
            position = range.upperBound
        }
        XCTAssertTrue(text.hasPrefix(#"{"STATUS":[{"STATUS":"S","When":1735787045,"Code":11,"Msg":"Summary","Description":"#))
        XCTAssertTrue(text.hasSuffix(#"],"id":1}"#))
    }

    func testPools() throws {
        let reply = try json(#"{"command":"pools"}"#)
        assertStatus(reply, "S", 7, "2 Pool(s)")
        let pools = try XCTUnwrap(reply["POOLS"]?.arrayValue)
        XCTAssertEqual(pools.count, 2)
        for (index, pool) in pools.enumerated() {
            XCTAssertEqual(Set(keys(pool)), Set(Self.poolFields))
            XCTAssertEqual(pool["POOL"]?.integerValue, Int64(index))
        }
        XCTAssertEqual(pools[0]["URL"]?.stringValue, "stratum+tcp://pool.example.com:3333", "no credentials")
        XCTAssertEqual(pools[0]["Status"]?.stringValue, "Alive")
        XCTAssertEqual(pools[1]["Status"]?.stringValue, "Dead")
        XCTAssertEqual(pools[0]["Accepted"]?.integerValue, 100)
        XCTAssertEqual(pools[0]["Rejected"]?.integerValue, 3)
        XCTAssertEqual(pools[0]["Stale"]?.integerValue, 2)
        XCTAssertEqual(pools[0]["User"]?.stringValue, "alice.rig1")
        XCTAssertEqual(pools[0]["Stratum URL"]?.stringValue, "pool.example.com")
        XCTAssertEqual(pools[0]["Stratum Active"]?.boolValue, true)
        XCTAssertEqual(pools[1]["Stratum Active"]?.boolValue, false)
        XCTAssertEqual(pools[0]["Has Vmask"]?.boolValue, true)
        XCTAssertEqual(pools[0]["Stratum Difficulty"]?.doubleValue, 512)
        XCTAssertEqual(pools[0]["Difficulty Accepted"]?.doubleValue, 51_200)
        XCTAssertEqual(pools[0]["Best Share"]?.integerValue, 98765)
        XCTAssertEqual(pools[0]["Last Share Time"]?.integerValue, 1_735_787_040)
        XCTAssertEqual(pools[1]["Last Share Time"]?.integerValue, 0)
        XCTAssertEqual(try XCTUnwrap(pools[0]["Pool Rejected%"]?.doubleValue), 3.0 / 105 * 100, accuracy: 0.0001)
    }

    func testDevs() throws {
        let reply = try json(#"{"command":"devs"}"#)
        assertStatus(reply, "S", 9, "2 ASC(s)")
        let devs = try XCTUnwrap(reply["DEVS"]?.arrayValue)
        XCTAssertEqual(devs.count, 2)
        for (index, dev) in devs.enumerated() {
            XCTAssertEqual(Set(keys(dev)), Set(Self.devFields))
            XCTAssertEqual(dev["ASC"]?.integerValue, Int64(index))
            XCTAssertEqual(dev["ID"]?.integerValue, Int64(index))
            XCTAssertEqual(dev["Enabled"]?.stringValue, "Y")
        }
        XCTAssertEqual(try XCTUnwrap(devs[0]["MHS 5s"]?.doubleValue), 20.0, accuracy: 0.01)
        XCTAssertEqual(try XCTUnwrap(devs[1]["MHS 1m"]?.doubleValue), 10.0, accuracy: 0.01)
        XCTAssertEqual(devs[0]["Accepted"]?.integerValue, 100)
        XCTAssertEqual(devs[1]["Accepted"]?.integerValue, 10)
        XCTAssertEqual(devs[0]["Last Share Pool"]?.integerValue, 0)
        XCTAssertEqual(devs[1]["Last Share Pool"]?.integerValue, -1)
        XCTAssertEqual(devs[0]["Status"]?.stringValue, "Alive")
        XCTAssertEqual(devs[0]["Device Elapsed"]?.integerValue, 3600)
    }

    func testVersionConfigDevdetailsStats() throws {
        let version = try json(#"{"command":"version"}"#)
        assertStatus(version, "S", 22, "CGMiner versions")
        let v = try XCTUnwrap(version["VERSION"]?.arrayValue?.first)
        XCTAssertEqual(v["CGMiner"]?.stringValue, SwiftMinerVersion.string)
        XCTAssertEqual(v["API"]?.stringValue, CGMinerAPI.apiVersion)

        let config = try json(#"{"command":"config"}"#)
        assertStatus(config, "S", 33, "CGMiner config")
        let c = try XCTUnwrap(config["CONFIG"]?.arrayValue?.first)
        for field in ["ASC Count", "PGA Count", "Pool Count", "Strategy", "Log Interval", "Device Code", "OS", "Hotplug"] {
            XCTAssertNotNil(c[field], field)
        }
        XCTAssertEqual(c["ASC Count"]?.integerValue, 2)
        XCTAssertEqual(c["Pool Count"]?.integerValue, 2)

        let details = try json(#"{"command":"devdetails"}"#)
        assertStatus(details, "S", 69, "Device Details")
        let d = try XCTUnwrap(details["DEVDETAILS"]?.arrayValue)
        XCTAssertEqual(d.count, 2)
        XCTAssertEqual(Set(keys(d[0])), ["DEVDETAILS", "Name", "ID", "Driver", "Kernel", "Model", "Device Path"])
        XCTAssertEqual(d[0]["Kernel"]?.stringValue, "avx2")

        let stats = try json(#"{"command":"stats"}"#)
        assertStatus(stats, "S", 70, "CGMiner stats")
        let s = try XCTUnwrap(stats["STATS"]?.arrayValue)
        XCTAssertEqual(s.count, 4, "one per device and one per pool")
        for (index, record) in s.enumerated() {
            XCTAssertEqual(record["STATS"]?.integerValue, Int64(index))
            for field in ["ID", "Elapsed", "Calls", "Wait", "Max", "Min"] { XCTAssertNotNil(record[field], field) }
        }
        XCTAssertEqual(s[2]["ID"]?.stringValue, "POOL0")
    }

    func testTextForm() {
        let reply = respond("summary")
        XCTAssertTrue(reply.hasPrefix("STATUS=S,When=1735787045,Code=11,Msg=Summary,Description=swiftminer "), reply)
        XCTAssertTrue(reply.contains("|SUMMARY,Elapsed=3600,MHS av="), reply)
        XCTAssertTrue(reply.contains(",Accepted=110,"), reply)
        XCTAssertTrue(reply.hasSuffix("|"))
        XCTAssertEqual(reply.split(separator: "|").count, 2)

        let pools = respond("pools")
        XCTAssertTrue(pools.contains("|POOL=0,URL=stratum+tcp://pool.example.com:3333,Status=Alive,"), pools)
        XCTAssertTrue(pools.contains("|POOL=1,"), pools)
        XCTAssertEqual(pools.split(separator: "|").count, 3)
        // cgminer's text escaping of user-supplied values.
        let devdetails = respond("devdetails|")
        XCTAssertTrue(devdetails.contains("Device Path=rig \"two\""), devdetails)
        XCTAssertEqual(CGMinerAPI.escapeText("a|b,c=d\\e"), "a\\|b\\,c\\=d\\\\e")
        XCTAssertTrue(respond("check|summary").contains("|CHECK,Exists=Y,Access=Y|"))
        XCTAssertTrue(respond("check|quit").contains("|CHECK,Exists=N,Access=N|"))
    }

    func testJoinedCommands() throws {
        let reply = try json(#"{"command":"summary+pools+devs"}"#)
        XCTAssertEqual(reply["id"]?.integerValue, 1)
        for (command, section, code) in [("summary", "SUMMARY", Int64(11)), ("pools", "POOLS", 7), ("devs", "DEVS", 9)] {
            let part = try XCTUnwrap(reply[command]?.arrayValue?.first, command)
            XCTAssertEqual(reply[command]?.arrayValue?.count, 1)
            XCTAssertEqual(part["STATUS"]?.arrayValue?.first?["Code"]?.integerValue, code)
            XCTAssertNotNil(part[section]?.arrayValue)
            XCTAssertNil(part["id"])
        }
        // A privileged or unknown command in a join answers with its own error.
        let mixed = try json(#"{"command":"summary+quit+bogus"}"#)
        XCTAssertEqual(mixed["quit"]?.arrayValue?.first?["STATUS"]?.arrayValue?.first?["Code"]?.integerValue, 45)
        XCTAssertEqual(mixed["bogus"]?.arrayValue?.first?["STATUS"]?.arrayValue?.first?["Code"]?.integerValue, 14)
        XCTAssertEqual(mixed["summary"]?.arrayValue?.first?["STATUS"]?.arrayValue?.first?["Code"]?.integerValue, 11)
        // The text form joins the same way.
        let text = respond("version+config")
        XCTAssertTrue(text.contains("|VERSION,CGMiner="), text)
        XCTAssertTrue(text.contains("|CONFIG,ASC Count=2,"), text)
    }

    func testErrors() throws {
        assertStatus(try json(#"{"command":"bogus"}"#), "E", 14, "Invalid command")
        assertStatus(try json(#"{"command":"summary""#), "E", 23, "Invalid JSON")
        assertStatus(try json(#"{"parameter":"0"}"#), "E", 24, "Missing JSON 'command'")
        assertStatus(try json(#"{"command":"check"}"#), "E", 71)
        XCTAssertTrue(respond("bogus").hasPrefix("STATUS=E,When=1735787045,Code=14,Msg=Invalid command,"))
        XCTAssertTrue(respond("").hasPrefix("STATUS=E,"))
        assertStatus(try JSONValue.parse(Array(CGMinerAPI.respondTooLong(jsonStyle: true, now: Self.now).utf8)), "E", 23)
    }

    func testWriteCommandsNeedTheAllowList() throws {
        // Loopback, no allow list: read only.
        assertStatus(try json(#"{"command":"privileged"}"#), "E", 45, "Access denied to 'privileged' command")
        assertStatus(try json(#"{"command":"quit"}"#), "E", 45)
        assertStatus(try json(#"{"command":"addpool","parameter":"x,y,z"}"#), "E", 45)
        // Named with W: → privileged access (SwiftMiner offers no write command beyond `privileged`).
        assertStatus(try json(#"{"command":"privileged"}"#, allow: ["W:127.0.0.1"]), "S", 46, "Privileged access OK")
        assertStatus(try json(#"{"command":"quit"}"#, allow: ["W:127.0.0.0/8"]), "E", 14)
        // A remote client named without W: reads but does not write.
        assertStatus(try json(#"{"command":"summary"}"#, client: "192.168.1.20", allow: ["192.168.1.0/24"]), "S", 11)
        assertStatus(try json(#"{"command":"privileged"}"#, client: "192.168.1.20", allow: ["R:192.168.1.0/24"]), "E", 45)
    }

    func testAccessDecision() {
        XCTAssertEqual(CGMinerAPI.access(clientAddress: "127.0.0.1", allow: []), .read)
        XCTAssertEqual(CGMinerAPI.access(clientAddress: "127.8.9.10", allow: []), .read)
        XCTAssertEqual(CGMinerAPI.access(clientAddress: "::1", allow: []), .read)
        XCTAssertEqual(CGMinerAPI.access(clientAddress: "::ffff:127.0.0.1", allow: []), .read)
        XCTAssertEqual(CGMinerAPI.access(clientAddress: "192.168.1.20", allow: []), .none, "non-local refused by default")
        XCTAssertEqual(CGMinerAPI.access(clientAddress: "192.168.1.20", allow: ["127.0.0.1", "::1"]), .none)
        XCTAssertEqual(CGMinerAPI.access(clientAddress: "192.168.1.20", allow: ["192.168.1.20"]), .read)
        XCTAssertEqual(CGMinerAPI.access(clientAddress: "192.168.1.20", allow: ["192.168.1/24"]), .read, "cgminer's padding")
        XCTAssertEqual(CGMinerAPI.access(clientAddress: "192.168.2.20", allow: ["192.168.1.0/24"]), .none)
        XCTAssertEqual(CGMinerAPI.access(clientAddress: "10.1.2.3", allow: ["W:10.0.0.0/8"]), .write)
        XCTAssertEqual(CGMinerAPI.access(clientAddress: "10.1.2.3", allow: ["0/0"]), .read)
        XCTAssertEqual(CGMinerAPI.access(clientAddress: "127.0.0.1", allow: ["W:127.0.0.1"]), .write)
        XCTAssertEqual(CGMinerAPI.access(clientAddress: "::1", allow: ["W:127.0.0.1"]), .read, "W: names exactly")
        XCTAssertEqual(CGMinerAPI.access(clientAddress: "fd00::5", allow: ["W:fd00::/8"]), .write)
        XCTAssertEqual(CGMinerAPI.access(clientAddress: "garbage", allow: ["0/0"]), .none)
        XCTAssertEqual(APIAllowEntry.invalidEntries(["10.0.0.0/8", "W:::1", "X:1.2.3.4", "1.2.3.4/40", "nonsense"]),
                       ["X:1.2.3.4", "1.2.3.4/40", "nonsense"])
        XCTAssertFalse(CGMinerAPI.allowsNonLoopbackClients(["127.0.0.1", "::1", "W:127.0.0.1"]))
        XCTAssertTrue(CGMinerAPI.allowsNonLoopbackClients(["192.168.1.0/24"]))
        XCTAssertTrue(CGMinerAPI.allowsNonLoopbackClients(["0/0"]))
    }

    func testNoPasswordInAnyReply() {
        for command in CGMinerAPI.reportCommands + ["summary+pools+devs+stats+config+devdetails+version"] {
            for request in [command, "{\"command\":\"\(command)\"}"] {
                let reply = respond(request, allow: ["W:127.0.0.1"])
                XCTAssertFalse(reply.contains(MonitoringFixtures.secret), request)
                XCTAssertFalse(reply.contains("alice:"), request)
            }
        }
    }

    func testListenAddresses() throws {
        XCTAssertEqual(try ListenAddress.parse("127.0.0.1:9464"), try ListenAddress(host: "127.0.0.1", port: 9464))
        XCTAssertEqual(try ListenAddress.parse("[::1]:4028").host, "::1")
        XCTAssertEqual(try ListenAddress.parse("[::1]:4028").description, "[::1]:4028")
        XCTAssertEqual(try ListenAddress.parse("localhost:4028").host, "127.0.0.1")
        XCTAssertTrue(try ListenAddress.parse("127.0.0.1:9464").isLoopback)
        XCTAssertTrue(try ListenAddress.parse("[::1]:9464").isLoopback)
        XCTAssertFalse(try ListenAddress.parse("0.0.0.0:9464").isLoopback)
        XCTAssertFalse(try ListenAddress.parse("[::]:9464").isLoopback)
        XCTAssertFalse(try ListenAddress.parse("192.168.1.5:9464").isLoopback)
        for bad in ["9464", ":9464", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "::1:9464",
                    "[::1]9464", "example.com:9464", "127.0.0.1:94x", "[::1:9464", ""] {
            XCTAssertThrowsError(try ListenAddress.parse(bad), bad)
        }
        // Binding to a non-loopback address requires explicit configuration.
        XCTAssertNoThrow(try ListenAddress.parse("127.0.0.1:9464").checkBindable(allowNonLoopback: false))
        XCTAssertThrowsError(try ListenAddress.parse("0.0.0.0:9464").checkBindable(allowNonLoopback: false)) { error in
            XCTAssertEqual(error as? ListenAddress.Error, .nonLoopback("0.0.0.0:9464"))
        }
        XCTAssertNoThrow(try ListenAddress.parse("0.0.0.0:9464").checkBindable(allowNonLoopback: true))
        // The API: a non-loopback address only when the allow list names non-local clients.
        XCTAssertThrowsError(try CGMinerAPIServer.checkBindable(ListenAddress.parse("0.0.0.0:4028"), allow: ["127.0.0.1", "::1"]))
        XCTAssertNoThrow(try CGMinerAPIServer.checkBindable(ListenAddress.parse("0.0.0.0:4028"), allow: ["192.168.1.0/24"]))
        XCTAssertNoThrow(try CGMinerAPIServer.checkBindable(ListenAddress.parse("127.0.0.1:4028"), allow: []))
        // The settings as a whole.
        XCTAssertNoThrow(try MonitoringServices.validate(MonitoringSettings(metricsEnabled: true, apiEnabled: true)))
        XCTAssertThrowsError(try MonitoringServices.validate(MonitoringSettings(metricsEnabled: true, metricsListen: "0.0.0.0:9464")))
        XCTAssertNoThrow(try MonitoringServices.validate(MonitoringSettings(metricsEnabled: true, metricsListen: "0.0.0.0:9464"),
                                                         metricsAllowNonLoopback: true))
        XCTAssertThrowsError(try MonitoringServices.validate(MonitoringSettings(apiEnabled: true, apiAllow: ["bogus"])))
        XCTAssertNoThrow(try MonitoringServices.validate(MonitoringSettings(metricsListen: "nonsense")), "disabled: not checked")
    }
}
