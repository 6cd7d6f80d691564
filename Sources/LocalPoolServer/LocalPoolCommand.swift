import ArgumentParser
import Foundation
import LocalPool
import Logging
import UnixSignals

/// `localpool`: the project's validating Stratum v1 pool as a process of its own, so the real
/// daemon can be run against it the way users run it against a pool (the unprivileged-user and
/// systemd checks in `scripts/`, or a trial on one machine). Not installed by `make install`.
@main
struct LocalPoolCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "localpool",
        abstract: "Serve the project's validating Stratum v1 pool until SIGTERM or SIGINT.",
        discussion: """
            Prints "localpool listening on HOST:PORT" once bound, one line per accepted or rejected share, \
            and "localpool stopped: accepted N, rejected M" at the end.
            """)

    @Option(help: "Address to bind.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to bind (0: an ephemeral port, printed when bound).")
    var port: Int = 3333

    @Option(help: "Share difficulty sent to every session (fractions below 1 are allowed).")
    var difficulty: Double = 0.001

    @Option(help: "Seconds between new jobs (0: only the first job).")
    var jobInterval: Double = 30

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535") }
        guard difficulty.isFinite, difficulty > 0 else { throw ValidationError("--difficulty must be positive") }
        guard jobInterval.isFinite, jobInterval >= 0 else { throw ValidationError("--job-interval must not be negative") }
    }

    func run() async throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        // Jobs at mainnet's easiest nbits (as `demo`), so shares are not block candidates too.
        let pool = LocalPool(configuration: LocalPoolConfiguration(host: host, port: port, initialDifficulty: difficulty,
                                                                   jobInterval: jobInterval, nbits: 0x1d00_ffff))
        let boundPort = try await pool.start()
        say("localpool listening on \(host):\(boundPort), difficulty \(difficulty)")
        let events = Task {
            for await event in pool.events {
                switch event {
                case .shareAccepted(let share):
                    say(String(format: "accepted: worker %@, job %@, nonce %08x, share difficulty %.6g",
                                 share.worker, share.jobID, share.nonce, share.shareDifficulty))
                case .shareRejected(let rejection):
                    say("rejected (\(rejection.reason)): \(rejection.message)")
                default:
                    break
                }
            }
        }
        for await _ in signals { break }
        await pool.stop()
        events.cancel()
        let stats = pool.stats
        say("localpool stopped: accepted \(stats.accepted), rejected \(stats.rejected)")
    }
}

/// One line to stdout, unbuffered, so a script or the journal sees it as it happens.
private func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
