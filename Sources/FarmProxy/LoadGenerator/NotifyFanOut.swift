import StratumProtocol

/// How fast a new job reaches every miner: `rounds` times, a clean job is started upstream (the
/// instant taken just before), and each miner's arrival of the `mining.notify` with that job's
/// prevhash is stamped as it is read.
public struct NotifyFanOutResult: Sendable, Hashable {
    public let rounds: Int
    public let connections: Int
    /// Arrival − broadcast over every miner of every round.
    public let arrivals: LatencySummary
    /// Per round, when the last miner had it (the round's largest arrival).
    public let lastArrivals: LatencySummary
    /// Miners that had not read a round's notify within the round timeout, summed over rounds.
    public let missing: Int

    /// `{"rounds", "connections", "arrival", "last_arrival_per_round", "missing"}`.
    public var json: JSONValue {
        ["rounds": .integer(Int64(rounds)), "connections": .integer(Int64(connections)), "arrival": arrivals.json,
         "last_arrival_per_round": lastArrivals.json, "missing": .integer(Int64(missing))]
    }
}

enum NotifyFanOut {
    /// `newJob` starts a clean job upstream and returns its prevhash (header byte order, as
    /// `MiningNotify.prevHash`). Rounds are `pause` seconds apart after every miner had the last one.
    static func measure(fleet: SimulatedMinerFleet, rounds: Int, timeout: Double, pause: Double,
                        newJob: @Sendable () async throws -> [UInt8]) async throws -> NotifyFanOutResult {
        var arrivals: [UInt64] = []
        var lastArrivals: [UInt64] = []
        var missing = 0
        let miners = fleet.miners
        for _ in 0..<rounds {
            let broadcastAt = SimulatedMiner.now()
            let prevHash = WireEncoding.wirePrevHash(fromHeader: try await newJob())
            let deadline = broadcastAt + UInt64(timeout * 1e9)
            // Only the miners still waiting are looked at again (the poll stays cheap).
            var waiting = Array(miners.indices)
            var delays: [UInt64] = []
            while true {
                try await Task.sleep(for: .milliseconds(5))
                waiting.removeAll { index in
                    guard let arrival = miners[index].notifyArrival(prevHash: prevHash) else { return false }
                    delays.append(arrival &- broadcastAt)
                    return true
                }
                if waiting.isEmpty || SimulatedMiner.now() > deadline { break }
            }
            missing += waiting.count
            arrivals += delays
            if let last = delays.max() { lastArrivals.append(last) }
            try await Task.sleep(for: .seconds(pause))
        }
        return NotifyFanOutResult(rounds: rounds, connections: miners.count, arrivals: LatencySummary(nanoseconds: arrivals),
                                  lastArrivals: LatencySummary(nanoseconds: lastArrivals), missing: missing)
    }
}
