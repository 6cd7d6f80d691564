import Logging
import NIOCore
import StratumProtocol

/// The v1 session on its line-framed connection.
extension StratumSession: PoolConversation {
    typealias Inbound = ByteBuffer

    static var startsWhenActive: Bool { true }
    var isMining: Bool { phase == .mining }

    mutating func connected(now: ContinuousClock.Instant) -> [ConnectionAction] { connection(handle(.connected(now: now))) }

    mutating func received(_ line: ByteBuffer, now: ContinuousClock.Instant, logger: Logger) -> [ConnectionAction] {
        let bytes = line.readableBytesView
        if bytes.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { return [] }  // keep-alive blank line
        do {
            let message = try JSONRPCMessage.parse(bytes)
            return connection(handle(.lineReceived(message, now: now)))
        } catch {
            logger.debug("unparsable line from pool", metadata: ["error": "\(error)", "bytes": "\(bytes.count)"])
            return connection(handle(.malformedLine("\(error)", now: now)))
        }
    }

    mutating func tick(now: ContinuousClock.Instant) -> [ConnectionAction] { connection(handle(.tick(now: now))) }

    mutating func submit(_ share: ShareSubmission, token: UInt64, now: ContinuousClock.Instant) -> [ConnectionAction] {
        connection(handle(.submit(share, token: token, now: now)))
    }

    mutating func suggestDifficulty(_ value: Double, now: ContinuousClock.Instant) -> [ConnectionAction] {
        connection(handle(.suggestDifficulty(value, now: now)))
    }

    /// Stratum v1 has nothing to say before a close.
    mutating func shuttingDown() -> [ConnectionAction] { [] }

    mutating func closed(_ why: String) -> [ConnectionAction] { connection(handle(.closed(why))) }

    mutating func resubmit(_ shares: [CarriedShare], now: ContinuousClock.Instant) -> [ConnectionAction] {
        connection(handle(.resubmit(shares, now: now)))
    }

    private func connection(_ actions: [Action]) -> [ConnectionAction] {
        actions.map { action in
            switch action {
            case .send(let line, let method): .send(.line(line), name: method)
            case .emit(let event): .emit(event)
            case .close(let reason): .close(reason)
            case .scheduleReconnect(let after, let host, let port): .scheduleReconnect(after: after, host: host, port: port)
            case .resolve(let token, let result): .resolve(token: token, result)
            case .carry(let share): .carry(share)
            }
        }
    }
}
