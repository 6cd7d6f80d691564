import PoolSettings
import StratumClient
import StratumProtocol
import XCTest

/// Session resume with resubmission, at the level of the pure `StratumSession` (fake clock):
/// shares left unanswered when a connection is lost are handed back (`.carry`), and the next
/// session sends them again only if the pool resumed the subscription (same extranonce1).
final class EndToEndSessionResumeTests: XCTestCase {
    static let url = "stratum+tcp://127.0.0.1:3333"
    static let extranonce1: [UInt8] = [0xe2, 0x6e, 0x19, 0x28]

    /// A session driven with a fake clock.
    struct Harness {
        var session: StratumSession
        let t0 = ContinuousClock.now
        var elapsed: Duration = .zero
        var now: ContinuousClock.Instant { t0 + elapsed }

        init(epoch: UInt64, carry: Bool = true, previous: (id: String, extranonce1: [UInt8])? = nil,
             versionRolling: Bool = false) {
            session = StratumSession(configuration: StratumSessionConfiguration(
                pool: PoolConfiguration(url: EndToEndSessionResumeTests.url, versionRolling: versionRolling, difficultySuggestion: .off),
                client: StratumClientConfiguration(
                    pools: [], user: "worker.rig1", password: "x", userAgent: "swiftminer/test",
                    timers: ConnectionTimers(subscribeTimeout: .seconds(10), idleTimeout: .seconds(120), jobTimeout: nil,
                                             submitTimeout: .seconds(30)),
                    resubmitPendingOnResume: carry),
                epoch: epoch, previousSubscriptionID: previous?.id, previousExtranonce1: previous?.extranonce1))
        }

        mutating func handle(_ event: StratumSession.Event) -> [StratumSession.Action] { session.handle(event) }

        mutating func receive(_ line: String) -> [StratumSession.Action] {
            session.handle(.lineReceived(try! JSONRPCMessage.parse(Array(line.utf8)), now: now))
        }

        mutating func advance(_ duration: Duration) -> [StratumSession.Action] {
            elapsed += duration
            return session.handle(.tick(now: now))
        }

        /// connect → subscribe answer (`extranonce1`) → returns the actions of the subscribe answer.
        mutating func subscribe(extranonce1: String = "e26e1928", subscriptionID: String = "sub1") -> [StratumSession.Action] {
            _ = session.handle(.connected(now: now))
            return receive(#"{"id":1,"error":null,"result":[[["mining.notify","\#(subscriptionID)"]],"\#(extranonce1)",4]}"#)
        }

        /// The authorize answer (request id 2 after a subscribe without configure).
        mutating func authorize() -> [StratumSession.Action] { receive(#"{"id":2,"error":null,"result":true}"#) }
    }

    static func notify(_ job: String) -> String {
        #"{"id":null,"method":"mining.notify","params":["\#(job)","171592f223740e92d223f6e68bff25279af7ac4f2246451e0000000200000000","0200000001","ffffffff",[],"20000000","192495f8","64b3f3ec",true]}"#
    }

    static func share(epoch: UInt64, nonce: UInt32, extranonce1: [UInt8] = extranonce1) -> ShareSubmission {
        ShareSubmission(jobID: "j1", epoch: epoch, jobGeneration: 1, extranonce1: extranonce1, extranonce2: [0, 0, 0, 1],
                        ntime: 0x64b3_f3ec, nonce: nonce, versionBits: nil)
    }

    /// First session: mining, three shares sent, one answered, then the connection drops.
    func firstSessionWithTwoUnanswered() -> (carried: [CarriedShare], actions: [StratumSession.Action]) {
        var h = Harness(epoch: 1)
        _ = h.subscribe()
        _ = h.authorize()
        _ = h.receive(Self.notify("j1"))
        var lines: [String] = []
        for token in UInt64(1)...3 {
            lines += h.handle(.submit(Self.share(epoch: 1, nonce: UInt32(token)), token: token, now: h.now)).sentLines
        }
        XCTAssertEqual(lines.count, 3)
        let answeredID = sentObject(lines[1])["id"]!.integerValue!
        XCTAssertEqual(h.receive(#"{"id":\#(answeredID),"result":true,"error":null}"#).resolutions, [2: [.accepted]])
        let closed = h.handle(.closed("reset by peer"))
        XCTAssertEqual(closed.resolutions, [:], "nothing is resolved lost: the shares are carried")
        let carried = closed.carried
        XCTAssertEqual(carried.map(\.token), [1, 3])
        XCTAssertEqual(carried.map(\.share.nonce), [1, 3])
        // A share found for this session just after it ended is carried too; one of an older session is not.
        let late = h.handle(.submit(Self.share(epoch: 1, nonce: 9), token: 4, now: h.now))
        XCTAssertEqual(late.carried.map(\.token), [4])
        XCTAssertEqual(late.sentLines, [])
        let older = h.handle(.submit(Self.share(epoch: 0, nonce: 10), token: 5, now: h.now))
        guard case .lost? = older.resolutions[5]?.first else { XCTFail("\(older)"); return (carried, closed) }
        return (carried + late.carried, closed)
    }

    func testUnansweredSharesAreResubmittedOnAResumedSessionAndResolvedOnce() {
        let (carried, _) = firstSessionWithTwoUnanswered()
        var h = Harness(epoch: 2, previous: ("sub1", Self.extranonce1))
        XCTAssertEqual(sentObject(h.handle(.connected(now: h.now)).sentLines[0])["params"], ["swiftminer/test", "sub1"])
        // Handed over right after connecting: nothing is sent before the session is resumed and authorized.
        XCTAssertEqual(h.handle(.resubmit(carried, now: h.now)), [])
        let subscribed = h.receive(#"{"id":1,"error":null,"result":[[["mining.notify","sub1"]],"e26e1928",4]}"#)
        XCTAssertTrue(subscribed.events.contains(.subscribed(url: Self.url, extranonce1: Self.extranonce1, extranonce2Size: 4, resumed: true)))
        XCTAssertEqual(subscribed.sentMethods, ["mining.authorize"])
        XCTAssertTrue(h.session.resumed)
        let authorized = h.authorize()
        XCTAssertEqual(authorized.events, [.authorized(worker: "worker.rig1"), .sharesResubmitted(count: 3)])
        let resent = authorized.sentLines.map(sentObject)
        XCTAssertEqual(resent.map { $0["method"]?.stringValue }, ["mining.submit", "mining.submit", "mining.submit"])
        XCTAssertEqual(resent.map { $0["params"]?.arrayValue?[4].stringValue }, ["00000001", "00000003", "00000009"])
        XCTAssertEqual(resent[0]["params"]?.arrayValue?.count, 5, "no version bits without an agreed mask")
        XCTAssertEqual(h.session.pendingSubmitCount, 3)
        // The pool answers each: accepted, stale (job gone), and one never answered → lost at the submit timeout.
        let ids = resent.map { $0["id"]!.integerValue! }
        XCTAssertEqual(h.receive(#"{"id":\#(ids[0]),"result":true,"error":null}"#).resolutions, [1: [.accepted]])
        let stale = h.receive(#"{"id":\#(ids[1]),"result":null,"error":[21,"Job not found",null]}"#).resolutions
        guard case .rejected(.stale, _)? = stale[3]?.first else { return XCTFail("\(stale)") }
        let timedOut = h.advance(.seconds(31))
        XCTAssertEqual(timedOut.resolutions.keys.sorted(), [4])
        guard case .lost? = timedOut.resolutions[4]?.first else { return XCTFail("\(timedOut)") }
        XCTAssertEqual(h.handle(.closed("bye")), [], "everything was resolved exactly once")
    }

    /// A resubmitted share the pool calls a duplicate was accepted the first time (only the answer
    /// was lost); a duplicate on a first submit stays a rejection.
    func testDuplicateAnswerToAResubmissionMeansTheFirstSubmitWasAccepted() {
        var h = Harness(epoch: 2, previous: ("sub1", Self.extranonce1))
        _ = h.subscribe()
        _ = h.authorize()
        _ = h.receive(Self.notify("j1"))
        let resent = h.handle(.resubmit([CarriedShare(token: 1, share: Self.share(epoch: 1, nonce: 1))], now: h.now))
        let resentID = sentObject(resent.sentLines[0])["id"]!.integerValue!
        XCTAssertEqual(h.receive(#"{"id":\#(resentID),"result":null,"error":[22,"Duplicate share",null]}"#).resolutions,
                       [1: [.accepted]])
        let fresh = h.handle(.submit(Self.share(epoch: 2, nonce: 2), token: 2, now: h.now))
        let freshID = sentObject(fresh.sentLines[0])["id"]!.integerValue!
        let answer = h.receive(#"{"id":\#(freshID),"result":null,"error":[22,"Duplicate share",null]}"#).resolutions
        guard case .rejected(.duplicate, _)? = answer[2]?.first else { return XCTFail("\(answer)") }
    }

    func testSharesAreLostWhenThePoolDoesNotResume() {
        let (carried, _) = firstSessionWithTwoUnanswered()
        var h = Harness(epoch: 2, previous: ("sub1", Self.extranonce1))
        _ = h.handle(.connected(now: h.now))
        _ = h.handle(.resubmit(carried, now: h.now))
        let subscribed = h.receive(#"{"id":1,"error":null,"result":[[["mining.notify","sub2"]],"0badcafe",4]}"#)
        XCTAssertFalse(h.session.resumed)
        XCTAssertEqual(subscribed.sentMethods, ["mining.authorize"], "no share is sent on a new session")
        XCTAssertEqual(subscribed.resolutions.keys.sorted(), [1, 3, 4])
        XCTAssertTrue(subscribed.resolutions.values.allSatisfy { $0.count == 1 && { if case .lost = $0[0] { true } else { false } }($0) })
        XCTAssertEqual(h.authorize().sentLines, [])
        // Shares handed over after the decision are lost at once too.
        let later = h.handle(.resubmit([CarriedShare(token: 7, share: Self.share(epoch: 1, nonce: 7))], now: h.now))
        guard case .lost? = later.resolutions[7]?.first else { return XCTFail("\(later)") }
    }

    func testSharesHandedOverAfterAuthorizationAreSentAtOnceAndCheckedAgainstTheSession() {
        var h = Harness(epoch: 2, previous: ("sub1", Self.extranonce1))
        _ = h.subscribe()
        _ = h.authorize()
        let shares = [
            CarriedShare(token: 1, share: Self.share(epoch: 1, nonce: 1)),
            CarriedShare(token: 2, share: Self.share(epoch: 1, nonce: 2, extranonce1: [9, 9, 9, 9])),
        ]
        let actions = h.handle(.resubmit(shares, now: h.now))
        XCTAssertEqual(actions.sentMethods, ["mining.submit"])
        XCTAssertEqual(actions.events, [.sharesResubmitted(count: 1)])
        guard case .lost? = actions.resolutions[2]?.first else { return XCTFail("\(actions)") }
    }

    func testCarriedAgainWhenTheResumedConnectionDropsBeforeAuthorization() {
        var h = Harness(epoch: 2, previous: ("sub1", Self.extranonce1))
        _ = h.handle(.connected(now: h.now))
        let deadline = h.now + .seconds(5)
        let share = CarriedShare(token: 1, share: Self.share(epoch: 1, nonce: 1), deadline: deadline)
        _ = h.handle(.resubmit([share], now: h.now))
        let closed = h.handle(.closed("reset"))
        XCTAssertEqual(closed.carried, [share], "carried again with its first deadline")
        XCTAssertEqual(closed.resolutions, [:])
        // After a close that allows no resubmission (authorization refused), shares are lost.
        var refused = Harness(epoch: 3, previous: ("sub1", Self.extranonce1))
        _ = refused.subscribe()
        _ = refused.handle(.resubmit([share], now: refused.now))
        let answer = refused.receive(#"{"id":2,"error":[24,"Unauthorized worker",null],"result":false}"#)
        XCTAssertEqual(answer.carried, [])
        guard case .lost? = answer.resolutions[1]?.first else { return XCTFail("\(answer)") }
    }

    func testWithoutCarryingPendingSharesAreLostOnClose() {
        var h = Harness(epoch: 1, carry: false)
        _ = h.subscribe()
        _ = h.authorize()
        _ = h.receive(Self.notify("j1"))
        _ = h.handle(.submit(Self.share(epoch: 1, nonce: 1), token: 1, now: h.now))
        let closed = h.handle(.closed("reset"))
        XCTAssertEqual(closed.carried, [])
        guard case .lost? = closed.resolutions[1]?.first else { return XCTFail("\(closed)") }
        guard case .lost? = h.handle(.resubmit([CarriedShare(token: 2, share: Self.share(epoch: 1, nonce: 2))], now: h.now))
            .resolutions[2]?.first else { return XCTFail() }
    }

    func testPoolRequestedReconnectCarriesButShutdownAndReturnToPrimaryDoNot() {
        XCTAssertTrue(SessionCloseReason.reconnectRequested.allowsResubmission)
        XCTAssertTrue(SessionCloseReason.connectionLost("x").allowsResubmission)
        XCTAssertTrue(SessionCloseReason.idleTimeout.allowsResubmission)
        XCTAssertFalse(SessionCloseReason.shutdown.allowsResubmission)
        XCTAssertFalse(SessionCloseReason.returnToPrimary.allowsResubmission)
        XCTAssertFalse(SessionCloseReason.authorizationFailed("no").allowsResubmission)

        var h = Harness(epoch: 1)
        _ = h.subscribe()
        _ = h.authorize()
        _ = h.receive(Self.notify("j1"))
        _ = h.handle(.submit(Self.share(epoch: 1, nonce: 1), token: 1, now: h.now))
        let reconnect = h.receive(#"{"id":null,"method":"client.reconnect","params":[]}"#)
        XCTAssertEqual(reconnect.carried.map(\.token), [1])
        XCTAssertEqual(reconnect.closeReasons, [.reconnectRequested])
    }
}

extension [StratumSession.Action] {
    var sentLines: [String] { compactMap { if case .send(let line, _) = $0 { line } else { nil } } }
    var sentMethods: [String] { compactMap { if case .send(_, let method) = $0 { method } else { nil } } }
    var events: [StratumClientEvent] { compactMap { if case .emit(let event) = $0 { event } else { nil } } }
    var closeReasons: [SessionCloseReason] { compactMap { if case .close(let reason) = $0 { reason } else { nil } } }
    var carried: [CarriedShare] { compactMap { if case .carry(let share) = $0 { share } else { nil } } }
    var resolutions: [UInt64: [ShareResult]] {
        var out: [UInt64: [ShareResult]] = [:]
        for case .resolve(let token, let result) in self { out[token, default: []].append(result) }
        return out
    }
}

func sentObject(_ line: String) -> JSONValue { try! JSONValue.parse(Array(line.utf8)) }
