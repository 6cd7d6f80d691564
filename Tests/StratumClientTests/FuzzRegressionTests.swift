import PoolSettings
@testable import StratumClient
import StratumV2Protocol
import XCTest

/// Crash inputs the fuzz target found (Fuzz/regressions/), each as the session calls it made.
final class FuzzRegressionTests: XCTestCase {
    let t0 = ContinuousClock.now

    func makeSession() -> SV2ClientSession {
        SV2ClientSession(configuration: StratumSessionConfiguration(
            pool: PoolConfiguration(url: SV2ClientSessionTests.url, stratumV2Channel: .standard),
            client: .sessionTest(user: "fuzz.worker", password: "x", userAgent: "StratumFuzzer/1",
                                 timers: ConnectionTimers(jobTimeout: nil)),
            epoch: 9))
    }

    func sends(_ actions: [SV2ClientSession.Action]) -> [String] {
        actions.compactMap { if case .send(_, let name) = $0 { name } else { nil } }
    }

    func open(_ session: inout SV2ClientSession) {
        _ = session.handle(.connected(now: t0))
        _ = session.handle(.message(.setupConnectionSuccess(SetupConnectionSuccess(usedVersion: 2, flags: 0)), now: t0))
        _ = session.handle(.message(.openStandardMiningChannelSuccess(OpenStandardMiningChannelSuccess(
            requestID: 1, channelID: 7, target: .max, extranoncePrefix: [1, 2, 3, 4], groupChannelID: 1)), now: t0))
        XCTAssertEqual(session.phase, .mining)
    }

    /// Fuzz/regressions/sv2_channel_error_after_close: a malformed frame closed the session, then an
    /// OpenMiningChannel.Error made it send OpenExtendedMiningChannel and left `.closed` for
    /// `.openingChannel` ("v2: OpenExtendedMiningChannel sent after the session closed").
    func testCrash_openMiningChannelErrorAfterCloseReopensTheSession() {
        var session = makeSession()
        open(&session)
        let close = session.handle(.malformedFrame("msg_type 17: B0_32 of 40 bytes", now: t0))
        XCTAssertTrue(close.contains { if case .close = $0 { true } else { false } })
        XCTAssertEqual(session.phase, .closed)
        let after = session.handle(.message(.openMiningChannelError(OpenMiningChannelError(requestID: 1, errorCode: "unsupported-feature-flags")),
                                            now: t0))
        XCTAssertEqual(sends(after), [], "a closed session sends nothing")
        XCTAssertEqual(session.phase, .closed)
    }

    /// The same stray answer while mining: no second channel is opened and shares still go out.
    func testStrayOpenMiningChannelErrorWhileMiningIsAProtocolErrorOnly() {
        var session = makeSession()
        open(&session)
        let errors = session.protocolErrorCount
        let after = session.handle(.message(.openMiningChannelError(OpenMiningChannelError(requestID: 1, errorCode: "unsupported")), now: t0))
        XCTAssertEqual(sends(after), [])
        XCTAssertEqual(session.phase, .mining)
        XCTAssertEqual(session.channel?.id, 7)
        XCTAssertEqual(session.protocolErrorCount, errors + 1)
    }
}
