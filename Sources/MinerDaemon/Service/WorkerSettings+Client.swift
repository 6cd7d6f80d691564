import Configuration
import StratumClient

extension WorkerSettings {
    /// The Stratum client's configuration for this worker: its pools, login and timers.
    package func clientConfiguration(userAgent: String) -> StratumClientConfiguration {
        StratumClientConfiguration(pools: pools, user: user, password: password, userAgent: userAgent, workerName: name,
                                   timers: timers)
    }
}
