import Foundation

extension StatusDocument.Worker {
    /// A solo worker's blocks as the node judged them (`submitblock`, BIP 22): `blocks_found` of
    /// the worker counts the blocks submitted; these say what became of them.
    public struct Solo: Codable, Sendable, Hashable {
        /// Blocks sent with submitblock (answered or not).
        public var blocksSubmitted: UInt64 = 0
        /// Blocks the node answered with null: accepted into its chain.
        public var blocksAccepted: UInt64 = 0
        /// Every answer by the node's word: "accepted", "duplicate", "high-hash", "inconclusive",
        /// …; an answer outside Core's known reasons is "other", no answer at all "unanswered".
        public var blockResults: [String: UInt64] = [:]
        @NullEncoded public var lastBlockAcceptedAt: Date?

        public init() {}

        enum CodingKeys: String, CodingKey {
            case blocksSubmitted = "blocks_submitted", blocksAccepted = "blocks_accepted"
            case blockResults = "block_results", lastBlockAcceptedAt = "last_block_accepted_at"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init()
            blocksSubmitted = try c.decodeIfPresent(UInt64.self, forKey: .blocksSubmitted) ?? 0
            blocksAccepted = try c.decodeIfPresent(UInt64.self, forKey: .blocksAccepted) ?? 0
            blockResults = try c.decodeIfPresent([String: UInt64].self, forKey: .blockResults) ?? [:]
            lastBlockAcceptedAt = try c.decodeIfPresent(Date.self, forKey: .lastBlockAcceptedAt)
        }
    }
}
