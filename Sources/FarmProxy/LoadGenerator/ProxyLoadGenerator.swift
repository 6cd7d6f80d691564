import NIOCore
import NIOPosix

/// The farm proxy's load test, against a proxy already listening: N simulated miners connect
/// (subscribe, suggest a tiny difficulty, authorize), job broadcasts are timed to each of them,
/// then all of them submit valid shares at a target rate and every answer is timed; a light
/// sample follows. The proxy's memory is read at each step, and the processor time of both
/// processes over the fan-out and submit phases.
///
/// Every instant is taken in this process on one monotonic clock, so each figure includes this
/// process's own reading and writing: it is what a miner on the same host would see.
public struct ProxyLoadGenerator: Sendable {
    public let options: ProxyLoadOptions
    private let group: any EventLoopGroup

    /// The miners' connections run on `group` (spread evenly over its event loops).
    public init(options: ProxyLoadOptions, group: any EventLoopGroup) {
        self.options = options
        self.group = group
    }

    /// A generator whose miners run on a group of `threads` event loops of its own, for the
    /// duration of `body`.
    public static func withEventLoops<T: Sendable>(options: ProxyLoadOptions, threads: Int,
                                                   _ body: (ProxyLoadGenerator) async throws -> T) async throws -> T {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
        do {
            let result = try await body(ProxyLoadGenerator(options: options, group: group))
            try? await group.shutdownGracefully()
            return result
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// The whole test against the proxy at `proxyPort`, whose memory and processor time are
    /// read from the process `proxyPID` (nil: not read). `newJob` starts a clean job at the proxy's
    /// upstream pool and returns its prevhash (header byte order, as `MiningNotify.prevHash`).
    public func run(proxyPort: Int, proxyPID: Int32?,
                    newJob: @escaping @Sendable () async throws -> [UInt8]) async throws -> ProxyLoadReport {
        var report = ProxyLoadReport(connections: options.connections)
        report.loadAverage = CPUUsage.loadAverage()
        let memory = { proxyPID.flatMap(ProcessMemory.read(pid:)) }
        report.memoryIdle = memory()
        let connectStart = SimulatedMiner.now()
        let fleet = try await SimulatedMinerFleet.connect(
            count: options.connections, host: options.host, port: proxyPort, group: group, worker: "bench",
            difficulty: options.difficulty, readyTimeout: options.readyTimeout)
        do {
            report.connectSeconds = Double(SimulatedMiner.now() - connectStart) / 1e9
            report.memoryConnected = memory()
            try await measure(fleet, proxyPID: proxyPID, newJob: newJob, into: &report)
        } catch {
            await fleet.close()
            throw error
        }
        await fleet.close()
        return report
    }

    private func measure(_ fleet: SimulatedMinerFleet, proxyPID: Int32?, newJob: @escaping @Sendable () async throws -> [UInt8],
                         into report: inout ProxyLoadReport) async throws {
        var meter = PhaseCPUMeter(proxyPID: proxyPID)
        report.fanOut = try await NotifyFanOut.measure(fleet: fleet, rounds: options.rounds, timeout: options.roundTimeout,
                                                       pause: options.roundPause, newJob: newJob)
        report.cpuFanOut = meter.finish()
        if options.submitSeconds > 0 {
            meter = PhaseCPUMeter(proxyPID: proxyPID)
            report.submits = try await SubmitLoad.run(shards: fleet.shards, rate: options.submitRate,
                                                      seconds: options.submitSeconds, drain: options.drainSeconds)
            report.cpuSubmits = meter.finish()
        }
        report.memoryAfterSubmits = proxyPID.flatMap(ProcessMemory.read(pid:))
        if options.sampleConnections > 0 {
            report.sampleThroughProxy = try await SubmitLoad.run(
                shards: fleet.shards(first: options.sampleConnections), rate: options.sampleRate,
                seconds: options.sampleSeconds, drain: options.drainSeconds)
        }
        report.closedByProxy = fleet.miners.filter(\.isClosed).count
    }

    /// The light sample alone against any pool at `port` (the baseline: a validating pool with
    /// nothing between): `sampleConnections` miners at `sampleRate` for `sampleSeconds`; nil when
    /// there is no sample.
    public func measureSample(port: Int) async throws -> SubmitLoadResult? {
        guard options.sampleConnections > 0 else { return nil }
        let fleet = try await SimulatedMinerFleet.connect(
            count: options.sampleConnections, host: options.host, port: port, group: group, worker: "sample",
            difficulty: options.difficulty, readyTimeout: options.readyTimeout)
        do {
            let result = try await SubmitLoad.run(shards: fleet.shards, rate: options.sampleRate, seconds: options.sampleSeconds,
                                                  drain: options.drainSeconds)
            await fleet.close()
            return result
        } catch {
            await fleet.close()
            throw error
        }
    }
}
