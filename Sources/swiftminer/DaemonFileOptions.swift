import ArgumentParser
import Logging

/// The flags `run` and `proxy` share: where the daemon writes its status and share log, and how
/// much it logs (the `[miner]` keys of the same names).
struct DaemonFileOptions: ParsableArguments {
    @Option(name: .customLong("status-file"), help: "Status file (default: $STATE_DIRECTORY/status.json or ./status.json; \"\" disables it).")
    var statusFile: String?

    @Option(name: .customLong("share-log"), help: "Share log (default: $STATE_DIRECTORY/shares.jsonl or ./shares.jsonl; \"\" disables it).")
    var shareLog: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical (default: info).")
    var logLevel: Logger.Level?
}
