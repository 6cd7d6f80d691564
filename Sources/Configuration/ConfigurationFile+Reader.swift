extension ConfigurationFile {
    /// Reads a parsed document into settings, collecting every problem (with its line and key)
    /// instead of stopping at the first. One extension per table: `[miner]`, `[[worker]]`,
    /// `[[worker.pool]]` (a pool or a solo node), the worker's timers, `[metrics]`, `[api]` and
    /// `[[proxy]]`.
    struct Reader {
        let file: String
        var issues: [ConfigurationIssue] = []

        init(file: String) {
            self.file = file
        }

        mutating func issue(_ line: Int?, _ key: String?, _ message: String) {
            issues.append(ConfigurationIssue(file: file, line: line, key: key, message: message))
        }

        /// Reports every key not in `known`.
        mutating func checkKeys(_ table: TOMLTable, known: [String], prefix: String) {
            for (key, node) in table.entries where !known.contains(key) {
                let path = prefix.isEmpty ? key : "\(prefix).\(key)"
                issue(node.line, path, "unknown key (known here: \(known.joined(separator: ", ")))")
            }
        }

        mutating func table(_ node: TOMLNode?, _ key: String) -> TOMLTable? {
            guard let node else { return nil }
            guard case .table(let table) = node.value else {
                issue(node.line, key, "expected a table ([\(key)]), found a \(node.value.typeName)")
                return nil
            }
            return table
        }

        mutating func string(_ table: TOMLTable, _ key: String, _ path: String) -> (String, Int)? {
            guard let node = table[key] else { return nil }
            guard case .string(let value) = node.value else {
                issue(node.line, path, "expected a string, found a \(node.value.typeName)")
                return nil
            }
            return (value, node.line)
        }

        mutating func bool(_ table: TOMLTable, _ key: String, _ path: String) -> Bool? {
            guard let node = table[key] else { return nil }
            guard case .boolean(let value) = node.value else {
                issue(node.line, path, "expected true or false, found a \(node.value.typeName)")
                return nil
            }
            return value
        }

        mutating func integer(_ table: TOMLTable, _ key: String, _ path: String, _ range: ClosedRange<Int64>) -> Int? {
            guard let node = table[key] else { return nil }
            guard case .integer(let value) = node.value else {
                issue(node.line, path, "expected an integer, found a \(node.value.typeName)")
                return nil
            }
            guard range.contains(value) else {
                issue(node.line, path, "must be between \(range.lowerBound) and \(range.upperBound)")
                return nil
            }
            return Int(value)
        }

        /// An integer or a float.
        mutating func number(_ table: TOMLTable, _ key: String, _ path: String, _ range: ClosedRange<Double>,
                             exclusiveLower: Bool = false) -> Double? {
            guard let node = table[key] else { return nil }
            let value: Double
            switch node.value {
            case .integer(let integer): value = Double(integer)
            case .float(let float): value = float
            default:
                issue(node.line, path, "expected a number, found a \(node.value.typeName)")
                return nil
            }
            guard value.isFinite, range.contains(value), !(exclusiveLower && value == range.lowerBound) else {
                issue(node.line, path,
                      "must be \(exclusiveLower ? "greater than" : "at least") \(range.lowerBound) and at most \(range.upperBound)")
                return nil
            }
            return value
        }

        /// A number of seconds (as `number` reads it), to the millisecond.
        mutating func duration(_ table: TOMLTable, _ key: String, _ path: String, _ range: ClosedRange<Double>,
                               exclusiveLower: Bool = false) -> Duration? {
            number(table, key, path, range, exclusiveLower: exclusiveLower).map { .milliseconds(Int64(($0 * 1000).rounded())) }
        }
    }
}
