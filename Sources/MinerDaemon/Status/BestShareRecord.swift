import Foundation

/// `best-share.json`, beside the status file (`StatePaths.bestShareFile`): the best share
/// difficulty ever found, kept across restarts — `{"best_share_difficulty":…,"updated_at":"…"}`.
/// Written (atomically) and read back through this type.
public struct BestShareRecord: Codable, Sendable, Hashable {
    public var difficulty: Double
    /// When it was written.
    public var updatedAt: Date

    public init(difficulty: Double, updatedAt: Date) {
        self.difficulty = difficulty
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case difficulty = "best_share_difficulty", updatedAt = "updated_at"
    }

    /// Only the difficulty matters when reading: a missing or unreadable `updated_at` reads as 1970.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        difficulty = try c.decode(Double.self, forKey: .difficulty)
        updatedAt = (try? c.decodeIfPresent(Date.self, forKey: .updatedAt)) ?? Date(timeIntervalSince1970: 0)
    }

    /// The file's record; nil when there is no file, it does not parse, or its difficulty is
    /// negative or not finite.
    public static func load(from path: String) -> BestShareRecord? {
        guard let data = FileManager.default.contents(atPath: path),
              let record = try? StateFileJSON.decoder().decode(BestShareRecord.self, from: data),
              record.difficulty.isFinite, record.difficulty >= 0 else { return nil }
        return record
    }

    /// Replaces the file atomically (`AtomicFileWriter`).
    public func write(to path: String) throws {
        try AtomicFileWriter.write(Array(try StateFileJSON.encoder().encode(self)), to: path)
    }
}
