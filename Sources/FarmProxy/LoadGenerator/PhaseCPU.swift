import Foundation
import StratumProtocol

/// Processor seconds two processes used during one phase: the proxy, and the process running the
/// load generator (its simulated miners and, in `proxy-bench`, the upstream pool).
public struct PhaseCPU: Sendable, Hashable {
    public let wallSeconds: Double
    public let proxySeconds: Double?
    public let generatorSeconds: Double?

    /// `{"wall_seconds", "proxy_seconds", "load_generator_seconds"}` (to the millisecond; null: unknown).
    public var json: JSONValue {
        func value(_ seconds: Double?) -> JSONValue { seconds.map { .double(($0 * 1000).rounded() / 1000) } ?? .null }
        return ["wall_seconds": value(wallSeconds), "proxy_seconds": value(proxySeconds),
                "load_generator_seconds": value(generatorSeconds)]
    }

    /// "proxy 6.12 CPU s, load generator 4.80 CPU s in 15.0 s".
    public var text: String {
        func value(_ seconds: Double?) -> String { seconds.map { String(format: "%.2f", $0) } ?? "?" }
        return "proxy \(value(proxySeconds)) CPU s, load generator \(value(generatorSeconds)) CPU s in \(String(format: "%.1f", wallSeconds)) s"
    }
}

/// Takes `PhaseCPU` figures: started at the beginning of a phase, finished at its end.
struct PhaseCPUMeter {
    let proxyPID: Int32?
    private let wallStart: UInt64
    private let proxyStart: Double?
    private let generatorStart: Double?

    init(proxyPID: Int32?) {
        self.proxyPID = proxyPID
        wallStart = SimulatedMiner.now()
        proxyStart = proxyPID.flatMap(CPUUsage.seconds(pid:))
        generatorStart = CPUUsage.seconds(pid: getpid())
    }

    func finish() -> PhaseCPU {
        let proxyEnd = proxyPID.flatMap(CPUUsage.seconds(pid:))
        let generatorEnd = CPUUsage.seconds(pid: getpid())
        return PhaseCPU(wallSeconds: Double(SimulatedMiner.now() - wallStart) / 1e9,
                        proxySeconds: proxyStart.flatMap { start in proxyEnd.map { $0 - start } },
                        generatorSeconds: generatorStart.flatMap { start in generatorEnd.map { $0 - start } })
    }
}
