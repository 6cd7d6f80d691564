import ArgumentParser
import Configuration
import Foundation
import MinerDaemon
import StratumProtocol

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the running daemon's status (from its status file), or follow its share log.")

    @Option(name: .customLong("status-file"), help: "The status file (default: $STATE_DIRECTORY/status.json or ./status.json).")
    var statusFile: String = StatePaths.statusFile()

    @Option(name: .customLong("share-log"), help: "The share log for --follow (default: beside the status file).")
    var shareLog: String?

    @Flag(help: "Print the status file as it is.")
    var json = false

    @Flag(help: "Print share-log lines as they arrive, human-readable (Ctrl-C to stop).")
    var follow = false

    func run() throws {
        if follow {
            let path = shareLog ?? ((statusFile as NSString).deletingLastPathComponent.isEmpty
                ? "shares.jsonl" : (statusFile as NSString).deletingLastPathComponent + "/shares.jsonl")
            let follower = ShareLogFollower(path: path)
            if !FileManager.default.fileExists(atPath: path) {
                FileHandle.standardError.write(Data("waiting for \(path) to appear…\n".utf8))
            }
            func show(_ lines: [String]) {
                let text = lines.compactMap(StatusView.formatShareLine).map { $0 + "\n" }.joined()
                if !text.isEmpty { FileHandle.standardOutput.write(Data(text.utf8)) }
            }
            show(follower.backlogLines)
            guard let changes = FileChangeWaiter(watching: path) else {
                FileHandle.standardError.write(Data("swiftminer status: cannot watch \(path) for changes\n".utf8))
                throw ExitCode.failure
            }
            while true {
                show(follower.poll())
                _ = changes.wait()
            }
        }
        let status: StatusDocument
        do {
            status = try StatusView.load(path: statusFile)
        } catch {
            FileHandle.standardError.write(Data("swiftminer status: \(error)\n".utf8))
            throw ExitCode.failure
        }
        let liveness = StatusView.liveness(of: status)
        if json {
            print(String(decoding: try status.encoded(), as: UTF8.self))
        } else {
            print(StatusView.table(status, liveness: liveness))
        }
        if liveness != .running { throw ExitCode(3) }
    }
}

