import Foundation

/// libFuzzer entry point (built with `-sanitize=fuzzer`, see Fuzz/README.md).
@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    StratumFuzz.run(UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size))
    return 0
}

#if !STRATUM_LIBFUZZER
/// Without libFuzzer (a plain `swift build`), the target is a replay / mutation driver:
///
///     StratumFuzzer FILE_OR_DIR...                 replay inputs (corpus, regressions)
///     StratumFuzzer --mutate N [--seed S] DIR...   N deterministic mutations of the inputs
///
/// Exits non-zero only by trapping, like the libFuzzer build.
@main
enum ReplayDriver {
    static func main() {
        var mutations = 0
        var seed: UInt64 = 1
        var args: [String] = []
        var rest = CommandLine.arguments.dropFirst()[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "--mutate", "--seed":
                guard let text = rest.popFirst(), let value = UInt64(text) else {
                    fatalError("\(argument) needs a non-negative number")
                }
                if argument == "--mutate" { mutations = Int(value) } else { seed = value }
            default:
                args.append(argument)
            }
        }
        var inputs: [(String, [UInt8])] = []
        let fm = FileManager.default
        for path in args {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir) else { continue }
            let files = isDir.boolValue
                ? ((try? fm.contentsOfDirectory(atPath: path)) ?? []).sorted().map { "\(path)/\($0)" }
                : [path]
            for file in files {
                if let data = fm.contents(atPath: file) { inputs.append((file, Array(data))) }
            }
        }
        for (_, bytes) in inputs { bytes.withUnsafeBytes { StratumFuzz.run($0) } }
        print("replayed \(inputs.count) inputs")
        guard mutations > 0, !inputs.isEmpty else { return }
        var rng = seed
        func next() -> UInt64 {
            rng &+= 0x9e37_79b9_7f4a_7c15
            var z = rng
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
        let tokens: [[UInt8]] = ["\n", "\r\n", "\"", "null", "[]", "{}", "-1", "1e308", "0x", "\\u0000", "ffffffff",
                                 "\"mining.notify\"", "\"mining.set_difficulty\"", "\"client.reconnect\"", "\"id\":",
                                 "\"result\":", "\"error\":", ",", ":", "99999999999999999999"].map { Array($0.utf8) }
        for _ in 0..<mutations {
            var bytes = inputs[Int(next() % UInt64(inputs.count))].1
            if next() % 4 == 0 { bytes += inputs[Int(next() % UInt64(inputs.count))].1 }
            for _ in 0..<(1 + Int(next() % 6)) {
                let at = bytes.isEmpty ? 0 : Int(next() % UInt64(bytes.count))
                switch next() % 5 {
                case 0 where !bytes.isEmpty: bytes[at] = UInt8(truncatingIfNeeded: next())
                case 1 where !bytes.isEmpty: bytes.removeSubrange(at..<min(bytes.count, at + 1 + Int(next() % 16)))
                case 2: bytes.insert(contentsOf: tokens[Int(next() % UInt64(tokens.count))], at: at)
                case 3 where !bytes.isEmpty:
                    let end = min(bytes.count, at + 1 + Int(next() % 64))
                    bytes.insert(contentsOf: Array(bytes[at..<end]), at: Int(next() % UInt64(bytes.count)))
                default: bytes.insert(UInt8(truncatingIfNeeded: next()), at: at)
                }
            }
            bytes.withUnsafeBytes { StratumFuzz.run($0) }
        }
        print("ran \(mutations) mutations (seed \(seed))")
    }
}
#endif
