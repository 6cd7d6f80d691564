import NIOCore
import NIOPosix

/// N simulated miners connected to one Stratum server, spread evenly over the event loops of
/// the group they were connected with (miner i on loop i mod loops).
struct SimulatedMinerFleet: Sendable {
    /// The miners of one event loop (the submit pacer of that loop drives them).
    struct Shard: Sendable {
        let eventLoop: any EventLoop
        let miners: [SimulatedMiner]
    }

    let shards: [Shard]
    let channels: [any Channel]

    var miners: [SimulatedMiner] { shards.flatMap(\.miners) }
    var count: Int { channels.count }

    /// How many connections are being opened at once (the listener's backlog is not flooded).
    static let connectBatch = 100

    /// Connects `count` miners (`worker` prefix and an index as login) and waits until every one is
    /// ready (subscribed, authorized, holding a job) or `readyTimeout` seconds passed.
    static func connect(count: Int, host: String, port: Int, group: any EventLoopGroup, worker: String,
                        difficulty: Double, readyTimeout: Double) async throws -> SimulatedMinerFleet {
        let loops = Array(group.makeIterator())
        var perLoop = [[SimulatedMiner]](repeating: [], count: loops.count)
        var channels: [any Channel] = []
        do {
            for batchStart in stride(from: 0, to: count, by: connectBatch) {
                var futures: [EventLoopFuture<any Channel>] = []
                for index in batchStart..<min(count, batchStart + connectBatch) {
                    let miner = SimulatedMiner(worker: "\(worker).\(index)", difficulty: difficulty)
                    perLoop[index % loops.count].append(miner)
                    futures.append(bootstrap(loops[index % loops.count], miner: miner).connect(host: host, port: port))
                }
                for future in futures { channels.append(try await future.get()) }
            }
        } catch {
            for channel in channels { try? await channel.close() }
            throw LoadGeneratorError.connectFailed(connected: channels.count, of: count, "\(error)")
        }
        let fleet = SimulatedMinerFleet(shards: zip(loops, perLoop).map { Shard(eventLoop: $0, miners: $1) }, channels: channels)
        try await fleet.waitUntilReady(timeout: readyTimeout)
        return fleet
    }

    private static func bootstrap(_ loop: any EventLoop, miner: SimulatedMiner) -> ClientBootstrap {
        ClientBootstrap(group: loop)
            .connectTimeout(.seconds(10))
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(SimulatedMinerHandler(miner: miner))
                }
            }
    }

    private func waitUntilReady(timeout: Double) async throws {
        let start = SimulatedMiner.now()
        let deadline = start + UInt64(timeout * 1e9)
        while true {
            let ready = miners.filter(\.isReady).count
            if ready == count { return }
            let closed = miners.filter(\.isClosed).count
            if closed > 0 || SimulatedMiner.now() > deadline {
                await close()
                throw LoadGeneratorError.notReady(ready: ready, of: count, closed: closed,
                                                  seconds: Double(SimulatedMiner.now() - start) / 1e9)
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Closes every connection.
    func close() async {
        for channel in channels { try? await channel.close() }
    }
}

extension SimulatedMinerFleet {
    /// The shards of the fleet's first `count` miners (miner i is on shard i mod shards).
    func shards(first count: Int) -> [Shard] {
        let loops = shards.count
        return shards.enumerated().map { index, shard in
            Shard(eventLoop: shard.eventLoop, miners: Array(shard.miners.prefix(max(0, (count - index + loops - 1) / loops))))
        }
    }
}
