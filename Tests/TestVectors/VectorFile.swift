import Foundation
import StratumProtocol

/// The real-data vectors (`Tests/Fixtures/vectors.json`, described in `Tests/Fixtures/README.md`),
/// loaded at test time so no value is pasted into a test. `SWIFTMINER_VECTORS` names another file.
public enum VectorFile {
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static var url: URL {
        if let override = ProcessInfo.processInfo.environment["SWIFTMINER_VECTORS"] {
            return URL(fileURLWithPath: override)
        }
        return packageRoot.appendingPathComponent("Tests/Fixtures/vectors.json")
    }

    /// Every vector in the file.
    public static func all() throws -> [JSONValue] {
        let data = try Data(contentsOf: url)
        let root = try JSONValue.parse(Array(data))
        guard let vectors = root["vectors"]?.arrayValue else {
            throw VectorError("vectors.json has no \"vectors\" array")
        }
        return vectors
    }

    /// The vectors of one kind; throws when there are none (a renamed kind must not silently pass).
    public static func vectors(kind: String) throws -> [JSONValue] {
        let selected = try all().filter { $0["kind"]?.stringValue == kind }
        if selected.isEmpty { throw VectorError("no vectors of kind \(kind)") }
        return selected
    }
}

public struct VectorError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension JSONValue {
    /// A required string field; throws with the path when missing.
    public func string(_ key: String) throws -> String {
        guard let value = self[key]?.stringValue else { throw VectorError("missing string \(key) in \(self["id"]?.stringValue ?? "?")") }
        return value
    }

    public var id: String { self["id"]?.stringValue ?? "?" }

    /// The message bytes of a sha256 / sha256d vector: {"ascii"}, {"hex"} or {"repeat","count"}.
    public func messageBytes() throws -> [UInt8] {
        guard let message = self["message"] else { throw VectorError("no message in \(id)") }
        if let ascii = message["ascii"]?.stringValue { return Array(ascii.utf8) }
        if let hex = message["hex"]?.stringValue, let bytes = Hex.decode(hex) { return bytes }
        if let unit = message["repeat"]?.stringValue, let count = message["count"]?.integerValue {
            return Array(String(repeating: unit, count: Int(count)).utf8)
        }
        throw VectorError("unknown message form in \(id)")
    }
}
