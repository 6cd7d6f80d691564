import ArgumentParser
import Configuration
import Foundation
import MinerDaemon
import PoolSettings

struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check a TOML configuration file: every error with file, line and key; non-zero exit on errors.")

    @Argument(help: "The configuration file (e.g. /etc/swiftminer/swiftminer.toml).")
    var file: String

    func run() throws {
        do {
            let settings = try ConfigurationFile.settings(file: file, overrides: CommandLineOverrides())
            // A summary without secrets: no password, ever.
            print("\(file): OK")
            print("kernel \(settings.kernel), status file \(settings.statusFile ?? "(none)"), share log \(settings.shareLog ?? "(none)")")
            for worker in settings.workers {
                if let solo = worker.solo {
                    let chains = SoloSettings.chains(ofAddress: solo.coinbaseAddress).chains.map(\.rawValue).joined(separator: "/")
                    print("worker \(worker.name): solo against \(solo.url), coinbase \(solo.coinbaseAddress) (\(chains)), "
                        + "\(worker.threads) thread(s), login \(solo.cookieFile.map { "cookie \($0)" } ?? "user \(worker.user)")")
                } else {
                    print("worker \(worker.name): user \(worker.user), \(worker.threads) thread(s), pools \(Self.describe(worker.pools))")
                }
            }
            for proxy in settings.proxies {
                let allow = proxy.allow.isEmpty ? "loopback only" : "allow \(proxy.allow.joined(separator: ", "))"
                print("proxy \(proxy.name): listen \(proxy.listen) (\(allow)), user \(proxy.user), pools \(Self.describe(proxy.pools))")
            }
        } catch {
            for issue in error.issues {
                FileHandle.standardError.write(Data("\(issue)\n".utf8))
            }
            FileHandle.standardError.write(Data("\(file): \(error.issues.count) error(s)\n".utf8))
            throw ExitCode.failure
        }
    }

    /// The pool URLs, a Stratum V2 one with its channel and the fact that its authority key was checked.
    static func describe(_ pools: [PoolConfiguration]) -> String {
        pools.map { pool in
            guard PoolEndpoint(url: pool.url)?.isStratumV2 == true else { return pool.url }
            return "\(pool.url) (Stratum V2, authority key valid, \(pool.stratumV2Channel.rawValue) channel)"
        }.joined(separator: ", ")
    }
}
