import Logging
import NIOCore
import StratumV2Protocol

/// What a pool connection writes: a Stratum v1 line (the transport appends the newline) or a
/// Stratum V2 frame (the Noise handler below seals it).
enum ConnectionOutput: Sendable, Equatable {
    case line(String)
    case frame(SV2Frame)
}

/// What a session asks its connection to do, whichever protocol it speaks.
enum ConnectionAction: Sendable {
    /// Write this; `name` (a method or message name) is for logs: the output may hold the password.
    case send(ConnectionOutput, name: String)
    case emit(StratumClientEvent)
    case close(SessionCloseReason)
    case scheduleReconnect(after: Duration, host: String?, port: Int?)
    case resolve(token: UInt64, ShareResult)
    /// Unanswered when the connection ended: keep it for the next session.
    case carry(CarriedShare)
}

/// A pool session as its channel handler drives it: Stratum v1 (`StratumSession`, JSON lines) or
/// Stratum V2 (`SV2ClientSession`, decrypted frames). The handler owns roles (current, probe,
/// retired), timers and the outcome; the conversation owns the protocol.
protocol PoolConversation {
    /// What the pipeline hands the handler: a line (`ByteBuffer`) or a frame (`SV2Frame`).
    associatedtype Inbound
    var configuration: StratumSessionConfiguration { get }
    /// Subscribed and authorized (v1), or a channel is open (v2).
    var isMining: Bool { get }
    var pendingSubmitCount: Int { get }
    var closeReason: SessionCloseReason? { get }
    var authorizedAt: ContinuousClock.Instant? { get }
    /// What the next session of the same pool may resume (v1 only).
    var subscriptionID: String? { get }
    var extranonce1: [UInt8]? { get }
    /// False when the connection starts only after a handshake (`SV2HandshakeCompleted`) rather
    /// than when the TCP (TLS) channel becomes active.
    static var startsWhenActive: Bool { get }

    mutating func connected(now: ContinuousClock.Instant) -> [ConnectionAction]
    mutating func received(_ inbound: Inbound, now: ContinuousClock.Instant, logger: Logger) -> [ConnectionAction]
    mutating func tick(now: ContinuousClock.Instant) -> [ConnectionAction]
    mutating func submit(_ share: ShareSubmission, token: UInt64, now: ContinuousClock.Instant) -> [ConnectionAction]
    mutating func suggestDifficulty(_ value: Double, now: ContinuousClock.Instant) -> [ConnectionAction]
    /// We are closing the connection (shutdown, a switch of pools): what to tell the pool first.
    mutating func shuttingDown() -> [ConnectionAction]
    mutating func closed(_ why: String) -> [ConnectionAction]
    mutating func resubmit(_ shares: [CarriedShare], now: ContinuousClock.Instant) -> [ConnectionAction]
}
