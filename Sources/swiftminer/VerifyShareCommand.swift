import ArgumentParser
import Foundation
import MinerDaemon

struct VerifyShareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-share",
        abstract: "Rebuild a share's header from a mining.notify and the submit values; print its hash and difficulty.")

    @Option(help: "The nine mining.notify params as a JSON array.")
    var notify: String
    @Option(help: "extranonce1 (hex, from the subscribe answer).")
    var extranonce1: String
    @Option(help: "extranonce2 (hex, as submitted).")
    var extranonce2: String
    @Option(help: "ntime (8 hex digits, as submitted).")
    var ntime: String
    @Option(help: "nonce (8 hex digits, as submitted).")
    var nonce: String
    @Option(name: .customLong("version-bits"), help: "Rolled version bits (8 hex digits), the 6th submit param.")
    var versionBits: String?
    @Option(name: .customLong("version-mask"), help: "The version-rolling mask the pool granted (8 hex digits).")
    var versionMask: String?
    @Option(help: "Check the share against this pool difficulty.")
    var difficulty: Double?
    @Flag(help: "Print one JSON object.")
    var json = false

    func run() throws {
        let input = ShareVerifier.Input(
            notifyJSON: notify, extranonce1: extranonce1, extranonce2: extranonce2, ntime: ntime, nonce: nonce,
            versionBits: versionBits, versionMask: versionMask, difficulty: difficulty)
        do {
            let report = try ShareVerifier.verify(input)
            print(json ? report.json.serialized : report.text)
        } catch {
            FileHandle.standardError.write(Data("swiftminer verify-share: \(error)\n".utf8))
            throw ExitCode.validationFailure
        }
    }
}
