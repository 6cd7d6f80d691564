import MiningCore
import StratumProtocol

/// `swiftminer verify-share`: rebuilds a share's header from a `mining.notify` and the submit
/// values, and reports its hash and difficulty.
public struct ShareVerifier: Sendable {
    public struct Input: Sendable {
        public var notifyJSON: String
        public var extranonce1: String
        public var extranonce2: String
        public var ntime: String
        public var nonce: String
        public var versionBits: String?
        public var versionMask: String?
        public var difficulty: Double?

        public init(notifyJSON: String, extranonce1: String, extranonce2: String, ntime: String, nonce: String,
                    versionBits: String? = nil, versionMask: String? = nil, difficulty: Double? = nil) {
            self.notifyJSON = notifyJSON
            self.extranonce1 = extranonce1
            self.extranonce2 = extranonce2
            self.ntime = ntime
            self.nonce = nonce
            self.versionBits = versionBits
            self.versionMask = versionMask
            self.difficulty = difficulty
        }
    }

    public struct InputError: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    public struct Report: Sendable {
        public let evaluation: ShareEvaluation
        public let meetsDifficulty: Bool?

        /// Docs/ARCHITECTURE.md, "Outside contracts": header, hash (display order), merkle_root (internal hex), share_difficulty,
        /// meets_difficulty (with --difficulty), meets_network_target.
        public var json: JSONValue {
            var object: [String: JSONValue] = [
                "header": .string(Hex.encode(evaluation.header.bytes)),
                "hash": .string(evaluation.displayHash),
                "merkle_root": .string(Hex.encode(evaluation.header.merkleRoot)),
                "share_difficulty": .double(evaluation.shareDifficulty),
                "meets_network_target": .bool(evaluation.meetsNetworkTarget),
            ]
            if let meetsDifficulty { object["meets_difficulty"] = .bool(meetsDifficulty) }
            return .object(object)
        }

        public var text: String {
            var lines = [
                "header:               \(Hex.encode(evaluation.header.bytes))",
                "hash:                 \(evaluation.displayHash)",
                "merkle root:          \(Hex.encode(evaluation.header.merkleRoot))",
                "share difficulty:     \(evaluation.shareDifficulty)",
            ]
            if let meetsDifficulty { lines.append("meets difficulty:     \(meetsDifficulty ? "yes" : "no")") }
            lines.append("meets network target: \(evaluation.meetsNetworkTarget ? "yes (block)" : "no")")
            return lines.joined(separator: "\n")
        }
    }

    public static func verify(_ input: Input) throws -> Report {
        let params: [JSONValue]
        do {
            guard let array = try JSONValue.parse(Array(input.notifyJSON.utf8)).arrayValue else {
                throw InputError("--notify must be a JSON array of the nine mining.notify params")
            }
            params = array
        } catch let error as InputError {
            throw error
        } catch {
            throw InputError("--notify is not valid JSON")
        }
        let notify: MiningNotify
        do { notify = try MiningNotify(params: params) } catch { throw InputError("--notify: \(error)") }
        guard let extranonce1 = Hex.decode(input.extranonce1) else { throw InputError("--extranonce1 is not hex") }
        guard let extranonce2 = Hex.decode(input.extranonce2) else { throw InputError("--extranonce2 is not hex") }
        guard let ntime = WireEncoding.uint32(fromHex: input.ntime) else { throw InputError("--ntime must be 8 hex digits") }
        guard let nonce = WireEncoding.uint32(fromHex: input.nonce) else { throw InputError("--nonce must be 8 hex digits") }
        var versionBits: UInt32? = nil
        var mask: UInt32 = 0
        if let bitsText = input.versionBits {
            guard let bits = WireEncoding.uint32(fromHex: bitsText) else { throw InputError("--version-bits must be 8 hex digits") }
            guard let maskText = input.versionMask, let parsedMask = WireEncoding.uint32(fromHex: maskText) else {
                throw InputError("--version-bits needs --version-mask (8 hex digits)")
            }
            versionBits = bits
            mask = parsedMask
        }
        let job: MiningJob
        do {
            job = try MiningJob(notify: notify, extranonce1: extranonce1, extranonce2Size: extranonce2.count,
                                difficulty: input.difficulty ?? 1, versionMask: mask)
        } catch { throw InputError("\(error)") }
        let evaluation = job.evaluate(extranonce2: extranonce2, ntime: ntime, nonce: nonce, versionBits: versionBits)
        return Report(evaluation: evaluation, meetsDifficulty: input.difficulty.map { _ in evaluation.meetsShareTarget })
    }
}
