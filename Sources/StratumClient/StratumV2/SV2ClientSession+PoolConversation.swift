import Logging
import StratumV2Protocol

/// The v2 session behind the Noise handler: it starts when the handshake completed, and reads
/// decrypted frames. Nothing carries over to a next session (v2 has no subscription to resume).
extension SV2ClientSession: PoolConversation {
    typealias Inbound = SV2Frame

    static var startsWhenActive: Bool { false }
    var isMining: Bool { phase == .mining }
    var subscriptionID: String? { nil }
    var extranonce1: [UInt8]? { nil }

    mutating func connected(now: ContinuousClock.Instant) -> [ConnectionAction] { connection(handle(.connected(now: now))) }

    mutating func received(_ frame: SV2Frame, now: ContinuousClock.Instant, logger: Logger) -> [ConnectionAction] {
        let message: SV2AnyMessage
        do {
            message = try SV2AnyMessage(frame: frame)
        } catch {
            logger.warning("malformed Stratum V2 message from the pool",
                           metadata: ["msg_type": "\(frame.header.messageType)", "error": "\(error)"])
            return connection(handle(.malformedFrame("msg_type \(frame.header.messageType): \(error)", now: now)))
        }
        return connection(handle(.message(message, now: now)))
    }

    mutating func tick(now: ContinuousClock.Instant) -> [ConnectionAction] { connection(handle(.tick(now: now))) }

    mutating func submit(_ share: ShareSubmission, token: UInt64, now: ContinuousClock.Instant) -> [ConnectionAction] {
        connection(handle(.submit(share, token: token, now: now)))
    }

    mutating func suggestDifficulty(_ value: Double, now: ContinuousClock.Instant) -> [ConnectionAction] {
        connection(handle(.suggestDifficulty(value, now: now)))
    }

    mutating func shuttingDown() -> [ConnectionAction] { connection(handle(.shuttingDown)) }

    mutating func closed(_ why: String) -> [ConnectionAction] { connection(handle(.closed(why))) }

    /// Shares carried from a v1 connection are never sent on a v2 one.
    mutating func resubmit(_ shares: [CarriedShare], now: ContinuousClock.Instant) -> [ConnectionAction] {
        shares.map { .resolve(token: $0.token, .lost("not resubmitted: the next connection speaks Stratum V2")) }
    }

    private func connection(_ actions: [Action]) -> [ConnectionAction] {
        actions.map { action in
            switch action {
            case .send(let frame, let name): .send(.frame(frame), name: name)
            case .emit(let event): .emit(event)
            case .close(let reason): .close(reason)
            case .scheduleReconnect(let after, let host, let port): .scheduleReconnect(after: after, host: host, port: port)
            case .resolve(let token, let result): .resolve(token: token, result)
            }
        }
    }
}
