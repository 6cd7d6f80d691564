/// Merkle roots and branches over sha256d, in internal byte order throughout.
///
/// Stratum's merkle_branch entries are the raw sha256d outputs; the root is folded from the
/// coinbase hash: h = sha256d(h ‖ branch[i]). Nothing is reversed (see Tests/Fixtures/README.md).
public enum Merkle {
    /// Folds a coinbase txid (internal order) with a branch into the merkle root.
    public static func root(coinbaseHash: [UInt8], branch: [[UInt8]]) -> [UInt8] {
        var node = coinbaseHash
        node.reserveCapacity(64)
        for sibling in branch {
            node += sibling
            node = SHA256.hashTwice(node)
        }
        return node
    }

    /// The root over a full list of txids (internal order); odd levels duplicate the last hash.
    public static func root(leaves: [[UInt8]]) -> [UInt8] {
        guard var level = leaves.isEmpty ? nil : leaves else { return [UInt8](repeating: 0, count: 32) }
        while level.count > 1 {
            if level.count % 2 == 1 { level.append(level[level.count - 1]) }
            level = stride(from: 0, to: level.count, by: 2).map { SHA256.hashTwice(level[$0] + level[$0 + 1]) }
        }
        return level[0]
    }

    /// The branch a pool sends for the first leaf (the coinbase): the sibling at every level.
    public static func coinbaseBranch(leaves: [[UInt8]]) -> [[UInt8]] {
        var branch = [[UInt8]]()
        var level = leaves
        while level.count > 1 {
            if level.count % 2 == 1 { level.append(level[level.count - 1]) }
            branch.append(level[1])
            level = stride(from: 0, to: level.count, by: 2).map { SHA256.hashTwice(level[$0] + level[$0 + 1]) }
        }
        return branch
    }
}
