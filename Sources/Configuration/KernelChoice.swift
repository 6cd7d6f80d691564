import MiningCore

/// `--kernel auto|swift|shani|avx2|avx512|armsha2|neon`.
public enum KernelChoice: Sendable, Hashable, CustomStringConvertible {
    case automatic
    case specific(KernelKind)

    public init?(argument: String) {
        if argument == "auto" {
            self = .automatic
        } else if let kind = KernelKind(rawValue: argument) {
            self = .specific(kind)
        } else {
            return nil
        }
    }

    /// `init(argument:)` that says what is wrong (for `--kernel` and `miner.kernel`).
    public static func parse(_ argument: String) throws(UnknownKernel) -> KernelChoice {
        guard let choice = KernelChoice(argument: argument) else { throw UnknownKernel(name: argument) }
        return choice
    }

    public struct UnknownKernel: Error, CustomStringConvertible {
        public let name: String
        public var description: String { "unknown kernel \(name): use auto, \(KernelKind.allCases.map(\.rawValue).joined(separator: ", "))" }
    }

    public var description: String {
        switch self {
        case .automatic: "auto"
        case .specific(let kind): kind.rawValue
        }
    }
}
