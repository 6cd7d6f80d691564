import PoolSettings
import StratumClient
import StratumProtocol
import XCTest

final class StratumSessionTests: XCTestCase {
    func testConfigureSubscribeThenAuthorizeInOrder() {
        var h = SessionHarness(pool: PoolConfiguration(url: "stratum+tcp://127.0.0.1:3333", extranonceSubscribe: true,
                                                       suggestDifficulty: 512))
        let first = h.connect()
        XCTAssertEqual(first.sentMethods, ["mining.configure", "mining.subscribe"])
        XCTAssertEqual(sentObject(first.sentLines[1])["params"], ["swiftminer/test"])
        _ = h.receive(#"{"id":1,"error":null,"result":{"version-rolling":true,"version-rolling.mask":"1fffe000"}}"#)
        let afterSubscribe = h.receive(#"{"id":2,"error":null,"result":[[["mining.notify","e26e1928"]],"e26e1928",4]}"#)
        // The suggestion waits for the authorize answer (ckpool drops it from an unauthorised client).
        XCTAssertEqual(afterSubscribe.sentMethods, ["mining.authorize", "mining.extranonce.subscribe"])
        XCTAssertEqual(sentObject(afterSubscribe.sentLines[0]), ["id": 3, "method": "mining.authorize", "params": ["bc1qworker.rig1", "secret-pw"]])
        XCTAssertEqual(afterSubscribe.events.first,
                       .subscribed(url: "stratum+tcp://127.0.0.1:3333", extranonce1: [0xe2, 0x6e, 0x19, 0x28], extranonce2Size: 4, resumed: false))
        XCTAssertEqual(h.session.subscriptionID, "e26e1928")
        let authorized = h.receive(#"{"id":3,"error":null,"result":true}"#)
        XCTAssertEqual(authorized.events, [.authorized(worker: "bc1qworker.rig1")])
        XCTAssertEqual(authorized.sentMethods, ["mining.suggest_difficulty"])
        XCTAssertEqual(sentObject(authorized.sentLines[0]), ["id": 5, "method": "mining.suggest_difficulty", "params": [512]])
        XCTAssertEqual(h.session.phase, .mining)
        // Refusals of the optional extensions change nothing.
        XCTAssertEqual(h.receive(#"{"id":4,"result":null,"error":[20,"Method not found",null]}"#), [])
        XCTAssertEqual(h.receive(#"{"id":5,"result":false,"error":null}"#), [])
        XCTAssertEqual(h.session.phase, .mining)
    }

    func testResumeSendsPreviousSubscriptionIDAndRetriesOnceWithEmptyParams() {
        var h = SessionHarness(pool: PoolConfiguration(url: "stratum+tcp://127.0.0.1:3333", versionRolling: false),
                               previousSubscriptionID: "sub-old", previousExtranonce1: [1, 2])
        let first = h.connect()
        XCTAssertEqual(first.sentMethods, ["mining.subscribe"])
        XCTAssertEqual(sentObject(first.sentLines[0])["params"], ["swiftminer/test", "sub-old"])
        let retry = h.receive(#"{"id":1,"result":null,"error":[20,"bad params",null]}"#)
        XCTAssertEqual(retry.sentLines.map(sentObject), [["id": 2, "method": "mining.subscribe", "params": []]])
        let fail = h.receive(#"{"id":2,"result":null,"error":[20,"still no",null]}"#)
        XCTAssertEqual(fail.closeReasons.count, 1)
        XCTAssertEqual(h.session.phase, .closed)
    }

    func testResumedWhenPoolKeepsExtranonce1() {
        var h = SessionHarness(pool: PoolConfiguration(url: "stratum+tcp://127.0.0.1:3333", versionRolling: false),
                               previousSubscriptionID: "sub1", previousExtranonce1: [0xe2, 0x6e, 0x19, 0x28])
        _ = h.connect()
        let actions = h.receive(#"{"id":1,"error":null,"result":[[["mining.notify","sub1"]],"e26e1928",4]}"#)
        XCTAssertEqual(actions.events.first, .subscribed(url: "stratum+tcp://127.0.0.1:3333", extranonce1: [0xe2, 0x6e, 0x19, 0x28],
                                                         extranonce2Size: 4, resumed: true))
    }

    func testNotifyAndDifficultyBeforeSubscribeReplyAreQueuedInOrder() {
        var h = SessionHarness()
        _ = h.connect()
        XCTAssertEqual(h.receive(Lines.notify(job: "early")), [])
        XCTAssertEqual(h.receive(Lines.setDifficulty("64")), [])
        XCTAssertEqual(h.receive(Lines.notify(job: "later")), [])
        _ = h.receive(#"{"id":1,"error":null,"result":{"version-rolling":true,"version-rolling.mask":"1fffe000"}}"#)
        let actions = h.receive(#"{"id":2,"error":null,"result":[[],"e26e1928",4]}"#)
        let jobs = actions.jobs
        XCTAssertEqual(jobs.map(\.notify.jobID), ["early", "later"])
        XCTAssertEqual(jobs.map(\.difficulty), [1, 64])
        XCTAssertEqual(jobs.map(\.extranonce1), [[0xe2, 0x6e, 0x19, 0x28], [0xe2, 0x6e, 0x19, 0x28]])
        XCTAssertEqual(jobs.map(\.epoch), [7, 7])
        XCTAssertTrue(jobs[0].isClean)  // first job of a session
        XCTAssertFalse(jobs[1].isClean)
    }

    func testDifficultyAppliesToJobsReceivedAfterIt() {
        var h = SessionHarness()
        h.establish()
        XCTAssertEqual(h.receive(Lines.notify(job: "a")).jobs.first?.difficulty, 1)
        XCTAssertEqual(h.receive(Lines.setDifficulty("0.5")).events, [.difficulty(0.5)])
        XCTAssertEqual(h.receive(Lines.notify(job: "b")).jobs.first?.difficulty, 0.5)
        // Hostile values are errors, never applied.
        for bad in ["0", "-3", #""inf""#, #""nan""#] {
            let actions = h.receive(Lines.setDifficulty(bad))
            guard case .protocolError = actions.events.first else { return XCTFail("\(bad): \(actions)") }
        }
        XCTAssertEqual(h.session.difficulty, 0.5)
        XCTAssertEqual(h.session.protocolErrorCount, 4)
    }

    func testNewPrevhashIsCleanEvenWithoutCleanJobs() {
        var h = SessionHarness()
        h.establish()
        XCTAssertTrue(h.receive(Lines.notify(job: "a")).jobs[0].isClean)
        XCTAssertFalse(h.receive(Lines.notify(job: "b")).jobs[0].isClean)
        XCTAssertTrue(h.receive(Lines.notify(job: "c", clean: true)).jobs[0].isClean)
        XCTAssertTrue(h.receive(Lines.notify(job: "d", prevhash: Lines.otherPrevhash)).jobs[0].isClean)
        // Jobs before the clean one are no longer valid: not sent.
        let stale = h.submit(share(job: "b"), token: 1)
        XCTAssertEqual(stale.sentLines, [])
        guard case .rejected(.stale, _)? = stale.resolutions[1]?.first else { return XCTFail("\(stale)") }
        XCTAssertEqual(h.submit(share(job: "d", generation: 3), token: 2).sentMethods, ["mining.submit"])
    }

    func testSetExtranonceAppliesToNextJob() {
        var h = SessionHarness(pool: PoolConfiguration(url: "stratum+tcp://127.0.0.1:3333", extranonceSubscribe: true))
        h.establish()
        _ = h.receive(Lines.notify(job: "a"))
        XCTAssertEqual(h.receive(#"{"id":null,"method":"mining.set_extranonce","params":["0a0b0c0d0e",8]}"#), [])
        // A share for the old job under the old extranonce1 is still sent until the next job.
        XCTAssertEqual(h.submit(share(job: "a"), token: 1).sentMethods, ["mining.submit"])
        let job = h.receive(Lines.notify(job: "b")).jobs[0]
        XCTAssertEqual(job.extranonce1, [0x0a, 0x0b, 0x0c, 0x0d, 0x0e])
        XCTAssertEqual(job.extranonce2Size, 8)
        XCTAssertTrue(job.isClean)
        // The old extranonce1 is no longer accepted for sending.
        let old = h.submit(share(job: "b", generation: 2), token: 2)
        guard case .lost? = old.resolutions[2]?.first else { return XCTFail("\(old)") }
        let ok = h.submit(share(job: "b", generation: 2, extranonce1: [0x0a, 0x0b, 0x0c, 0x0d, 0x0e], extranonce2: [1, 2, 3, 4, 5, 6, 7, 8]), token: 3)
        XCTAssertEqual(ok.sentMethods, ["mining.submit"])
    }

    /// cpuminer-opt applies set_extranonce whether or not it subscribed: the pool judges later
    /// shares by the new extranonce1, so ignoring it would make every later share invalid.
    func testSetExtranonceAppliedWithoutOptIn() {
        var h = SessionHarness()
        XCTAssertFalse(h.session.configuration.pool.extranonceSubscribe)
        h.establish()
        _ = h.receive(Lines.notify(job: "a"))
        let actions = h.receive(#"{"id":null,"method":"mining.set_extranonce","params":["0a0b",6]}"#)
        XCTAssertEqual(actions, [])
        XCTAssertEqual(h.session.protocolErrorCount, 0)
        let job = h.receive(Lines.notify(job: "b")).jobs[0]
        XCTAssertEqual(job.extranonce1, [0x0a, 0x0b])
        XCTAssertEqual(job.extranonce2Size, 6)
        XCTAssertTrue(job.isClean)
        // Job "a" belongs to the old extranonce: stale, never sent.
        let old = h.submit(share(job: "a"), token: 1)
        XCTAssertEqual(old.sentLines, [])
        guard case .rejected(.stale, _)? = old.resolutions[1]?.first else { return XCTFail("\(old)") }
        XCTAssertEqual(h.submit(share(job: "b", generation: 2, extranonce1: [0x0a, 0x0b], extranonce2: [1, 2, 3, 4, 5, 6]), token: 2).sentMethods,
                       ["mining.submit"])
    }

    func testVersionRollingAgreed() {
        var h = SessionHarness()
        _ = h.connect()
        let agreed = h.receive(#"{"id":1,"error":null,"result":{"version-rolling":true,"version-rolling.mask":"ffffffff"}}"#)
        XCTAssertEqual(agreed.events, [.versionRollingMask(0x1fff_e000)])  // intersected with what we asked for
        _ = h.receive(#"{"id":2,"error":null,"result":[[],"e26e1928",4]}"#)
        _ = h.receive(#"{"id":3,"error":null,"result":true}"#)
        XCTAssertEqual(h.receive(Lines.notify(job: "j1")).jobs[0].versionMask, 0x1fff_e000)
        let submit = h.submit(share(), token: 1)
        XCTAssertEqual(sentObject(submit.sentLines[0])["params"],
                       ["bc1qworker.rig1", "j1", "c7080000", "64b3f3ec", "ed460d91", "00002000"])
        // set_version_mask applies at once.
        XCTAssertEqual(h.receive(#"{"id":null,"method":"mining.set_version_mask","params":["00ffe000"]}"#).events,
                       [.versionRollingMask(0x00ff_e000)])
        XCTAssertEqual(h.receive(Lines.notify(job: "j2")).jobs[0].versionMask, 0x00ff_e000)
    }

    func testVersionRollingRefusedSendsNoSixthParam() {
        var h = SessionHarness()
        h.establish(mask: nil)
        let job = h.receive(Lines.notify(job: "j1")).jobs[0]
        XCTAssertNil(job.versionMask)
        let submit = h.submit(share(versionBits: 0x2000), token: 1)
        XCTAssertEqual(sentObject(submit.sentLines[0])["params"]?.arrayValue?.count, 5)
    }

    func testConfigureIgnoredByPoolMeansNoRolling() {
        var h = SessionHarness()
        _ = h.connect()
        let subscribed = h.receive(#"{"id":2,"error":null,"result":[[],"e26e1928",4]}"#)
        XCTAssertFalse(subscribed.events.contains(.versionRollingMask(nil)))  // may still come before the first job
        _ = h.receive(#"{"id":3,"error":null,"result":true}"#)
        let first = h.receive(Lines.notify(job: "j1"))
        XCTAssertEqual(first.events.first, .versionRollingMask(nil))  // given up at the first job, before it
        XCTAssertNil(first.jobs.first?.versionMask)
        // The late answer is an unknown id now.
        _ = h.receive(#"{"id":1,"error":null,"result":{"version-rolling":true,"version-rolling.mask":"1fffe000"}}"#)
        XCTAssertEqual(h.session.unknownResponseCount, 1)
        XCTAssertNil(h.session.versionMask)
    }

    func testEveryRejectShapeBecomesAShareResult() {
        var h = SessionHarness()
        h.establish()
        _ = h.receive(Lines.notify(job: "j1"))
        let cases: [(String, ShareResult)] = [
            (#""result":true,"error":null"#, .accepted),
            (#""result":null,"error":[21,"Job not found",null]"#, .rejected(.stale, message: "Job not found")),
            (#""result":null,"error":[22,"Duplicate share",null]"#, .rejected(.duplicate, message: "Duplicate share")),
            (#""result":null,"error":[23,"Low difficulty share",null]"#, .rejected(.lowDifficulty, message: "Low difficulty share")),
            (#""result":null,"error":[24,"Unauthorized worker",null]"#, .rejected(.unauthorized, message: "Unauthorized worker")),
            (#""result":null,"error":[25,"Not subscribed",null]"#, .rejected(.notSubscribed, message: "Not subscribed")),
            (#""result":null,"error":{"code":23,"message":"low diff"}"#, .rejected(.lowDifficulty, message: "low diff")),
            (#""result":false,"error":null,"reject-reason":"Above target"}"#.dropLast().description, .rejected(.lowDifficulty, message: "Above target")),
            (#""result":false,"error":"stale"}"#.dropLast().description, .rejected(.stale, message: "stale")),
            (#""result":false,"error":null"#, .rejected(.other, message: nil)),
        ]
        for (index, (body, expected)) in cases.enumerated() {
            let token = UInt64(index + 1)
            let sent = h.submit(share(), token: token)
            let id = sentObject(sent.sentLines[0])["id"]!.integerValue!
            let answer = h.receive(#"{"id":\#(id),"# + body + "}")
            XCTAssertEqual(answer.resolutions, [token: [expected]], body)
        }
        XCTAssertEqual(h.session.pendingSubmitCount, 0)
    }

    func testUnknownResponseIDIsCountedAndIgnored() {
        var h = SessionHarness()
        h.establish()
        XCTAssertEqual(h.receive(#"{"id":999,"result":true,"error":null}"#), [])
        XCTAssertEqual(h.receive(#"{"id":"abc","result":true,"error":null}"#), [])
        XCTAssertEqual(h.receive(#"{"id":null,"result":null,"error":[20,"parse error",null]}"#), [])
        XCTAssertEqual(h.session.unknownResponseCount, 3)
        XCTAssertEqual(h.session.phase, .mining)
    }

    func testRequestTimeoutsClose() {
        var subscribe = SessionHarness()
        _ = subscribe.connect()
        XCTAssertEqual(subscribe.advance(.seconds(9)).closeReasons, [])
        XCTAssertEqual(subscribe.advance(.seconds(2)).closeReasons, [.requestTimeout(method: "mining.subscribe")])

        var authorize = SessionHarness()
        _ = authorize.connect()
        _ = authorize.receive(#"{"id":1,"error":null,"result":{"version-rolling":true,"version-rolling.mask":"1fffe000"}}"#)
        _ = authorize.advance(.seconds(5))
        _ = authorize.receive(#"{"id":2,"error":null,"result":[[],"e26e1928",4]}"#)
        XCTAssertEqual(authorize.advance(.seconds(9)).closeReasons, [])
        XCTAssertEqual(authorize.advance(.seconds(2)).closeReasons, [.requestTimeout(method: "mining.authorize")])
    }

    func testIdleTimeout() {
        var h = SessionHarness()
        h.establish()
        XCTAssertEqual(h.advance(.seconds(100)).closeReasons, [])
        _ = h.receive(Lines.notify(job: "a"))  // traffic resets the idle clock
        XCTAssertEqual(h.advance(.seconds(100)).closeReasons, [])
        XCTAssertEqual(h.advance(.seconds(21)).closeReasons, [.idleTimeout])
        XCTAssertEqual(h.advance(.seconds(500)), [])  // closed: nothing more
    }

    func testSubmitTimeoutResolvesLostExactlyOnce() {
        var h = SessionHarness()
        h.establish()
        _ = h.receive(Lines.notify(job: "j1"))
        let sent = h.submit(share(), token: 42)
        let id = sentObject(sent.sentLines[0])["id"]!.integerValue!
        _ = h.advance(.seconds(20))
        let timedOut = h.advance(.seconds(11))
        guard case .lost? = timedOut.resolutions[42]?.first, timedOut.resolutions[42]?.count == 1 else { return XCTFail("\(timedOut)") }
        // The late answer is ignored; the close resolves nothing again.
        XCTAssertEqual(h.receive(#"{"id":\#(id),"result":true,"error":null}"#), [])
        XCTAssertEqual(h.session.handle(.closed("bye")).resolutions, [:])
    }

    func testPendingSubmitsResolvedExactlyOnceOnClose() {
        var h = SessionHarness()
        h.establish()
        _ = h.receive(Lines.notify(job: "j1"))
        _ = h.submit(share(), token: 1)
        let second = h.submit(share(), token: 2)
        _ = h.submit(share(), token: 3)
        let id2 = sentObject(second.sentLines[0])["id"]!.integerValue!
        XCTAssertEqual(h.receive(#"{"id":\#(id2),"result":true,"error":null}"#).resolutions, [2: [.accepted]])
        let closed = h.session.handle(.closed("reset by peer"))
        XCTAssertEqual(Set(closed.resolutions.keys), [1, 3])
        XCTAssertTrue(closed.resolutions.values.allSatisfy { $0.count == 1 && { if case .lost = $0[0] { true } else { false } }($0) })
        XCTAssertEqual(h.session.handle(.closed("again")), [])
        // After close, a submit is lost and never sent.
        let late = h.submit(share(), token: 4)
        XCTAssertEqual(late.sentLines, [])
        guard case .lost? = late.resolutions[4]?.first else { return XCTFail() }
    }

    func testShareFromAnotherSessionIsNeverSent() {
        var h = SessionHarness()
        h.establish()
        _ = h.receive(Lines.notify(job: "j1"))
        for (token, bad) in [(UInt64(1), share(epoch: 6)), (2, share(extranonce1: [1, 2, 3, 4])), (3, share(extranonce2: [1]))] {
            let actions = h.submit(bad, token: token)
            XCTAssertEqual(actions.sentLines, [])
            guard case .lost? = actions.resolutions[token]?.first else { return XCTFail("\(actions)") }
        }
        // Before authorization nothing is sent either.
        var early = SessionHarness()
        _ = early.connect()
        guard case .lost? = early.submit(share(), token: 9).resolutions[9]?.first else { return XCTFail() }
    }

    func testGetVersionPingAndUnknownMethodAreAnswered() {
        var h = SessionHarness()
        h.establish()
        XCTAssertEqual(h.receive(#"{"id":50,"method":"client.get_version","params":[]}"#).sentLines.map(sentObject),
                       [["id": 50, "result": "swiftminer/test", "error": nil]])
        XCTAssertEqual(h.receive(#"{"id":"p1","method":"mining.ping","params":[]}"#).sentLines.map(sentObject),
                       [["id": "p1", "result": "pong", "error": nil]])
        XCTAssertEqual(h.receive(#"{"id":51,"method":"mining.frobnicate","params":[1]}"#).sentLines.map(sentObject),
                       [["id": 51, "result": nil, "error": [-32601, "Method 'mining.frobnicate' not found", nil]]])
        XCTAssertEqual(h.receive(#"{"id":null,"method":"mining.frobnicate","params":[1]}"#), [])
        XCTAssertEqual(h.receive(#"{"id":null,"method":"client.show_message","params":["maintenance at 12:00"]}"#).events,
                       [.poolMessage("maintenance at 12:00")])
    }

    func testClientReconnectStaysOnConfiguredHostUnlessAllowed() {
        var h = SessionHarness()
        h.establish()
        _ = h.receive(Lines.notify(job: "j1"))
        _ = h.submit(share(), token: 1)
        let actions = h.receive(#"{"id":null,"method":"client.reconnect","params":["evil.example",4444,3]}"#)
        XCTAssertTrue(actions.contains(.scheduleReconnect(after: .seconds(3), host: nil, port: nil)))
        XCTAssertEqual(actions.closeReasons, [.reconnectRequested])
        guard case .lost? = actions.resolutions[1]?.first else { return XCTFail("\(actions)") }

        var allowed = SessionHarness(pool: PoolConfiguration(url: "stratum+tcp://127.0.0.1:3333", allowReconnectToOtherHost: true))
        allowed.establish()
        let moved = allowed.receive(#"{"id":null,"method":"client.reconnect","params":["127.0.0.2",4444,0]}"#)
        XCTAssertTrue(moved.contains(.scheduleReconnect(after: .zero, host: "127.0.0.2", port: 4444)))
    }

    func testAuthorizationFailureCloses() {
        var h = SessionHarness()
        _ = h.connect()
        _ = h.receive(#"{"id":2,"error":null,"result":[[],"e26e1928",4]}"#)
        let actions = h.receive(#"{"id":3,"result":false,"error":[24,"Unauthorized worker",null]}"#)
        XCTAssertEqual(actions.events.first, .authorizationFailed(worker: "bc1qworker.rig1", reason: "Unauthorized worker"))
        XCTAssertEqual(actions.closeReasons, [.authorizationFailed("Unauthorized worker")])
    }

    func testPasswordOnlyInAuthorizeLine() {
        var h = SessionHarness()
        _ = h.connect()
        let actions = h.receive(#"{"id":2,"error":null,"result":[[],"e26e1928",4]}"#)
        for case .emit(let event) in actions { XCTAssertFalse("\(event)".contains("secret-pw")) }
        XCTAssertEqual(actions.sentMethods.first, "mining.authorize")
    }
}
