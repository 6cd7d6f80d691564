import PoolSettings
import StratumClient
import StratumProtocol
import XCTest

/// Session behaviour that real pools need (issue 14): leniency where cgminer/cpuminer are lenient,
/// `mining.suggest_difficulty` after authorize, `client.reconnect` within the pool's domain.
final class RealPoolSessionTests: XCTestCase {
    static func notify(job: String, cleanJobs: String?) -> String {
        let tail = cleanJobs.map { ",\($0)" } ?? ""
        return #"{"id":null,"method":"mining.notify","params":["\#(job)","171592f223740e92d223f6e68bff25279af7ac4f2246451e0000000200000000","0200000001","ffffffff",[],"20000000","192495f8","64b3f3ec"\#(tail)]}"#
    }

    // MARK: clean_jobs

    func testCleanJobsMissingOrNullIsFalseAndCounted() {
        var h = SessionHarness()
        h.establish()
        XCTAssertTrue(h.receive(Self.notify(job: "a", cleanJobs: "true")).jobs[0].isClean)  // first job of the session
        var events: [StratumClientEvent] = []
        for (index, form) in [nil, "null", nil].enumerated() {
            let actions = h.receive(Self.notify(job: "j\(index)", cleanJobs: form))
            XCTAssertEqual(actions.jobs.count, 1, "\(form ?? "missing"): the job is kept")
            XCTAssertEqual(actions.jobs.first?.notify.cleanJobs, false, form ?? "missing")
            XCTAssertEqual(actions.jobs.first?.isClean, false, form ?? "missing")
            events += actions.events.filter { if case .protocolError = $0 { true } else { false } }
        }
        XCTAssertEqual(h.session.cleanJobsDeviationCount, 3)
        XCTAssertEqual(h.session.protocolErrorCount, 3)
        XCTAssertEqual(events.count, 1, "reported once per connection, counted every time")
        // Earlier jobs stay valid (not clean): a share for "j0" is still sent.
        XCTAssertEqual(h.submit(share(job: "j0"), token: 1).sentMethods, ["mining.submit"])
        // A boolean is no deviation.
        _ = h.receive(Self.notify(job: "k", cleanJobs: "false"))
        XCTAssertEqual(h.session.cleanJobsDeviationCount, 3)
    }

    /// A string or number `clean_jobs` is false too (cgminer and cpuminer: json_is_true): the job
    /// is kept as not clean, the deviation counted.
    func testCleanJobsStringOrNumberIsFalseAndCounted() {
        var h = SessionHarness()
        h.establish()
        XCTAssertTrue(h.receive(Self.notify(job: "a", cleanJobs: "true")).jobs[0].isClean)
        for (index, form) in [#""yes""#, #""true""#, "1", "0"].enumerated() {
            let actions = h.receive(Self.notify(job: "s\(index)", cleanJobs: form))
            XCTAssertEqual(actions.jobs.count, 1, "\(form): the job is kept")
            XCTAssertEqual(actions.jobs.first?.notify.cleanJobs, false, form)
            XCTAssertEqual(actions.jobs.first?.isClean, false, form)
        }
        XCTAssertEqual(h.session.cleanJobsDeviationCount, 4)
        XCTAssertEqual(h.session.protocolErrorCount, 4)
        // Not clean: the first job is still valid.
        XCTAssertEqual(h.submit(share(job: "a"), token: 1).sentMethods, ["mining.submit"])
    }

    func testNotifyWithTooFewParamsIsStillAnError() {
        var h = SessionHarness()
        h.establish()
        let actions = h.receive(#"{"id":null,"method":"mining.notify","params":["a","171592f223740e92d223f6e68bff25279af7ac4f2246451e0000000200000000","0200000001","ffffffff",[],"20000000","192495f8"]}"#)
        XCTAssertEqual(actions.jobs, [])
        guard case .protocolError? = actions.events.first else { return XCTFail("\(actions)") }
    }

    // MARK: Late mining.configure answer

    func testLateConfigureAnswerBeforeFirstNotifyIsApplied() {
        var h = SessionHarness()
        _ = h.connect()
        _ = h.receive(#"{"id":2,"error":null,"result":[[],"e26e1928",4]}"#)
        _ = h.receive(#"{"id":3,"error":null,"result":true}"#)
        let late = h.receive(#"{"id":1,"error":null,"result":{"version-rolling":true,"version-rolling.mask":"1fffe000"}}"#)
        XCTAssertEqual(late.events, [.versionRollingMask(0x1fff_e000)])
        XCTAssertEqual(h.session.unknownResponseCount, 0)
        let job = h.receive(Lines.notify(job: "j1")).jobs[0]
        XCTAssertEqual(job.versionMask, 0x1fff_e000)
        XCTAssertEqual(sentObject(h.submit(share(job: "j1"), token: 1).sentLines[0])["params"]?.arrayValue?.count, 6)
    }

    func testConfigureTimeoutStillMeansNoRolling() {
        var h = SessionHarness()
        _ = h.connect()
        _ = h.receive(#"{"id":2,"error":null,"result":[[],"e26e1928",4]}"#)
        _ = h.receive(#"{"id":3,"error":null,"result":true}"#)
        XCTAssertEqual(h.advance(.seconds(11)).events, [.versionRollingMask(nil)])
        XCTAssertNil(h.receive(Lines.notify(job: "j1")).jobs[0].versionMask)
    }

    // MARK: mining.suggest_difficulty

    private func harness(_ suggestion: DifficultySuggestion, known: Double? = nil) -> SessionHarness {
        var h = SessionHarness(pool: PoolConfiguration(url: "stratum+tcp://pool.example.com:3333", versionRolling: false,
                                                       difficultySuggestion: suggestion))
        h.session = StratumSession(configuration: StratumSessionConfiguration(
            pool: h.session.configuration.pool, client: .sessionTest(user: "u", password: "p", userAgent: "ua"), epoch: 1,
            suggestedDifficulty: known))
        return h
    }

    private func suggestions(_ actions: [StratumSession.Action]) -> [JSONValue] {
        actions.sentLines.map(sentObject).filter { $0["method"] == "mining.suggest_difficulty" }.compactMap { $0["params"]?.arrayValue?.first }
    }

    func testAutoSuggestionWaitsForAuthorizeAndForABigEnoughChange() {
        var h = harness(.auto)
        _ = h.connect()
        // Before the subscribe answer and before authorize: kept, not sent.
        XCTAssertEqual(h.session.handle(.suggestDifficulty(1000, now: h.now)), [])
        let subscribed = h.receive(#"{"id":1,"error":null,"result":[[],"e26e1928",4]}"#)
        XCTAssertEqual(suggestions(subscribed), [])
        XCTAssertEqual(h.session.handle(.suggestDifficulty(2000, now: h.now)), [])
        let authorized = h.receive(#"{"id":2,"error":null,"result":true}"#)
        XCTAssertEqual(suggestions(authorized), [2000])
        XCTAssertEqual(h.session.lastSuggestedDifficulty, 2000)
        // Less than a factor of 2 from the last one sent: not sent (either way).
        XCTAssertEqual(suggestions(h.session.handle(.suggestDifficulty(3000, now: h.now))), [])
        XCTAssertEqual(suggestions(h.session.handle(.suggestDifficulty(1100, now: h.now))), [])
        XCTAssertEqual(suggestions(h.session.handle(.suggestDifficulty(4000, now: h.now))), [4000])
        XCTAssertEqual(suggestions(h.session.handle(.suggestDifficulty(1999, now: h.now))), [1999])
        // Nonsense is never sent.
        for bad in [0, -5, Double.nan, Double.infinity] {
            XCTAssertEqual(h.session.handle(.suggestDifficulty(bad, now: h.now)), [], "\(bad)")
        }
        XCTAssertEqual(h.session.lastSuggestedDifficulty, 1999)
    }

    func testAutoSuggestionKnownFromAnEarlierSessionIsSentAfterAuthorize() {
        var h = harness(.auto, known: 256)
        _ = h.connect()
        XCTAssertEqual(suggestions(h.receive(#"{"id":1,"error":null,"result":[[],"e26e1928",4]}"#)), [])
        XCTAssertEqual(suggestions(h.receive(#"{"id":2,"error":null,"result":true}"#)), [256])

        var none = harness(.auto)
        _ = none.connect()
        _ = none.receive(#"{"id":1,"error":null,"result":[[],"e26e1928",4]}"#)
        XCTAssertEqual(none.receive(#"{"id":2,"error":null,"result":true}"#).sentLines, [], "auto with no value yet sends nothing")
    }

    func testFixedAndOffIgnoreTheWorkersWish() {
        var fixed = harness(.fixed(64))
        _ = fixed.connect()
        _ = fixed.receive(#"{"id":1,"error":null,"result":[[],"e26e1928",4]}"#)
        XCTAssertEqual(suggestions(fixed.receive(#"{"id":2,"error":null,"result":true}"#)), [64])
        XCTAssertEqual(fixed.session.handle(.suggestDifficulty(100_000, now: fixed.now)), [])

        var off = harness(.off, known: 512)
        _ = off.connect()
        _ = off.receive(#"{"id":1,"error":null,"result":[[],"e26e1928",4]}"#)
        XCTAssertEqual(off.receive(#"{"id":2,"error":null,"result":true}"#).sentLines, [])
        XCTAssertEqual(off.session.handle(.suggestDifficulty(100_000, now: off.now)), [])
    }

    func testRefusedAuthorizationSendsNoSuggestion() {
        var h = harness(.fixed(64))
        _ = h.connect()
        _ = h.receive(#"{"id":1,"error":null,"result":[[],"e26e1928",4]}"#)
        XCTAssertEqual(suggestions(h.receive(#"{"id":2,"result":false,"error":[24,"Unauthorized worker",null]}"#)), [])
    }

    func testPoolConfigurationSuggestDifficultyShorthand() {
        var pool = PoolConfiguration(url: "stratum+tcp://h:1")
        XCTAssertEqual(pool.difficultySuggestion, .auto)
        XCTAssertNil(pool.suggestDifficulty)
        pool.suggestDifficulty = 8
        XCTAssertEqual(pool.difficultySuggestion, .fixed(8))
        XCTAssertEqual(PoolConfiguration(url: "x", suggestDifficulty: 3).difficultySuggestion, .fixed(3))
        XCTAssertEqual(PoolConfiguration(url: "x", difficultySuggestion: .off).suggestDifficulty, nil)
    }

    // MARK: client.reconnect

    private func reconnect(_ params: String, pool: String = "stratum+tcp://stratum.pool.example.com:3333",
                           allowAnyHost: Bool = false) -> [StratumSession.Action] {
        var h = SessionHarness(pool: PoolConfiguration(url: pool, versionRolling: false, allowReconnectToOtherHost: allowAnyHost))
        h.establish()
        return h.receive(#"{"id":null,"method":"client.reconnect","params":\#(params)}"#)
    }

    private func scheduled(_ actions: [StratumSession.Action]) -> StratumSession.Action? {
        actions.first { if case .scheduleReconnect = $0 { true } else { false } }
    }

    func testReconnectToAnotherPortOfTheSameHostIsFollowed() {
        let actions = reconnect(#"["stratum.pool.example.com",4444,2]"#)
        XCTAssertEqual(scheduled(actions), .scheduleReconnect(after: .seconds(2), host: nil, port: 4444))
        XCTAssertEqual(actions.closeReasons, [.reconnectRequested])
        XCTAssertEqual(actions.events, [])
        // Port only, port and wait as strings.
        XCTAssertEqual(scheduled(reconnect(#"[null,"4445","7"]"#)), .scheduleReconnect(after: .seconds(7), host: nil, port: 4445))
        XCTAssertEqual(scheduled(reconnect(#"["STRATUM.pool.example.com","4446"]"#)),
                       .scheduleReconnect(after: .zero, host: nil, port: 4446))
    }

    func testReconnectWithinTheRegistrableDomainIsFollowed() {
        XCTAssertEqual(scheduled(reconnect(#"["eu.pool.example.com",3334,0]"#)),
                       .scheduleReconnect(after: .zero, host: "eu.pool.example.com", port: 3334))
        XCTAssertEqual(scheduled(reconnect(#"["pool.example.com"]"#)),
                       .scheduleReconnect(after: .zero, host: "pool.example.com", port: nil))
        XCTAssertEqual(scheduled(reconnect(#"["b.example.co.uk",1]"#, pool: "stratum+tcp://a.example.co.uk:3333")),
                       .scheduleReconnect(after: .zero, host: "b.example.co.uk", port: 1))
    }

    func testReconnectOutsideTheDomainIsRefusedUnlessAllowed() {
        for params in [#"["pool.example.net",3333]"#, #"["evilexample.com",3333]"#, #"["example.com.evil.org",3333]"#,
                       #"["10.0.0.1",3333]"#] {
            let actions = reconnect(params)
            XCTAssertEqual(scheduled(actions), .scheduleReconnect(after: .zero, host: nil, port: nil), params)
            guard case .poolMessage? = actions.events.first else { return XCTFail("\(params): \(actions)") }
        }
        // Another country's suffix is another domain.
        XCTAssertEqual(scheduled(reconnect(#"["b.other.co.uk",1]"#, pool: "stratum+tcp://a.example.co.uk:3333")),
                       .scheduleReconnect(after: .zero, host: nil, port: nil))
        // IP addresses: only the same address.
        XCTAssertEqual(scheduled(reconnect(#"["10.0.0.2",5]"#, pool: "stratum+tcp://10.0.0.1:3333")),
                       .scheduleReconnect(after: .zero, host: nil, port: nil))
        XCTAssertEqual(scheduled(reconnect(#"["10.0.0.1",5]"#, pool: "stratum+tcp://10.0.0.1:3333")),
                       .scheduleReconnect(after: .zero, host: nil, port: 5))
        XCTAssertEqual(scheduled(reconnect(#"["pool.example.net",3333,1]"#, allowAnyHost: true)),
                       .scheduleReconnect(after: .seconds(1), host: "pool.example.net", port: 3333))
    }

    func testReconnectWaitIsCapped() {
        XCTAssertEqual(scheduled(reconnect(#"[null,null,100000000]"#)), .scheduleReconnect(after: .seconds(120), host: nil, port: nil))
        XCTAssertEqual(scheduled(reconnect(#"[null,null,"600"]"#)), .scheduleReconnect(after: .seconds(120), host: nil, port: nil))
        XCTAssertEqual(scheduled(reconnect(#"[null,null,119]"#)), .scheduleReconnect(after: .seconds(119), host: nil, port: nil))
    }

    func testReconnectPortOnlyKeepsTheHostWeWereRedirectedTo() {
        var h = SessionHarness(pool: PoolConfiguration(url: "stratum+tcp://stratum.pool.example.com:3333", versionRolling: false))
        h.session = StratumSession(configuration: StratumSessionConfiguration(
            pool: h.session.configuration.pool, poolURL: "stratum+tcp://eu.pool.example.com:3334",
            client: .sessionTest(user: "u", password: "p", userAgent: "ua"), epoch: 1))
        h.establish()
        XCTAssertEqual(scheduled(h.receive(#"{"id":null,"method":"client.reconnect","params":[null,3335]}"#)),
                       .scheduleReconnect(after: .zero, host: "eu.pool.example.com", port: 3335))
    }

    func testRegistrableDomain() {
        let cases: [(String, String, Bool)] = [
            ("a.pool.example.com", "b.example.com", true), ("example.com", "www.example.com", true),
            ("Example.COM.", "x.example.com", true), ("example.com", "example.org", false),
            ("a.co.uk", "b.co.uk", false), ("x.a.co.uk", "y.a.co.uk", true), ("localhost", "localhost", true),
            ("1.2.3.4", "1.2.3.5", false), ("::1", "::2", false),
        ]
        for (a, b, same) in cases {
            let decision = ReconnectTarget.decide(host: b, port: nil, configuredHost: a, currentHost: a, allowAnyHost: false)
            XCTAssertEqual(decision.followed, same, "\(a) → \(b)")
        }
    }
}
