/// A small TOML parser: enough of TOML 1.0 for configuration files.
///
/// Supported: comments, bare and quoted keys, dotted keys, `[table]`, `[[array.of.tables]]`
/// (sub-tables such as `[[worker.pool]]` attach to the last `[[worker]]`), basic and literal
/// strings (single- and multi-line, with escapes), integers (decimal, hex, octal, binary,
/// underscores), floats (inf, nan), booleans, arrays (multi-line, trailing comma) and inline
/// tables. Not supported: dates and times (rejected with an error). Every value remembers the
/// line it was defined on; every error carries a line number.

public struct TOMLNode: Sendable {
    public var value: TOMLValue
    /// 1-based line where the value (or the table header) starts.
    public var line: Int
}

public indirect enum TOMLValue: Sendable {
    case string(String)
    case integer(Int64)
    case float(Double)
    case boolean(Bool)
    case array([TOMLNode])
    case table(TOMLTable)

    /// "string", "integer", … for error messages.
    public var typeName: String {
        switch self {
        case .string: "string"
        case .integer: "integer"
        case .float: "float"
        case .boolean: "boolean"
        case .array: "array"
        case .table: "table"
        }
    }
}

/// A table with its keys in file order.
public struct TOMLTable: Sendable {
    public var entries: [(key: String, node: TOMLNode)] = []

    public subscript(key: String) -> TOMLNode? {
        entries.first { $0.key == key }?.node
    }

    public var keys: [String] { entries.map(\.key) }
}

public struct TOMLError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var message: String
    public var description: String { "line \(line): \(message)" }
}

public enum TOMLParser {
    /// Parses a whole document into its root table.
    public static func parse(_ text: String) throws(TOMLError) -> TOMLTable {
        var parser = Parser(bytes: Array(text.utf8))
        try parser.parseDocument()
        return parser.root.frozen(line: 1)
    }
}

// MARK: - Implementation

/// Mutable tree while parsing (tables are shared by reference so headers can reopen them).
private final class TableBox {
    enum Entry {
        case value(TOMLNode)
        case table(TableBox)
        case tables([TableBox])  // [[array of tables]]
    }

    var order: [String] = []
    var entries: [String: Entry] = [:]
    var line: Int
    /// Defined by a `[header]` (a second `[header]` for it is an error).
    var explicitlyDefined = false
    /// Inline tables and values cannot be extended.
    var sealed = false

    init(line: Int) { self.line = line }

    func set(_ key: String, _ entry: Entry) {
        if entries[key] == nil { order.append(key) }
        entries[key] = entry
    }

    func frozen(line: Int) -> TOMLTable {
        var table = TOMLTable()
        for key in order {
            switch entries[key]! {
            case .value(let node):
                table.entries.append((key, node))
            case .table(let box):
                table.entries.append((key, TOMLNode(value: .table(box.frozen(line: box.line)), line: box.line)))
            case .tables(let boxes):
                let nodes = boxes.map { TOMLNode(value: .table($0.frozen(line: $0.line)), line: $0.line) }
                table.entries.append((key, TOMLNode(value: .array(nodes), line: boxes.first?.line ?? line)))
            }
        }
        return table
    }
}

private struct Parser {
    let bytes: [UInt8]
    var index = 0
    var line = 1
    let root = TableBox(line: 1)
    lazy var current: TableBox = root

    init(bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index >= bytes.count }
    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }
    func peek(_ offset: Int) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }

    func error(_ message: String, line: Int? = nil) -> TOMLError { TOMLError(line: line ?? self.line, message: message) }

    mutating func advance() {
        if bytes[index] == UInt8(ascii: "\n") { line += 1 }
        index += 1
    }

    mutating func skipWhitespace() {
        while let c = peek, c == 0x20 || c == 0x09 { index += 1 }
    }

    /// Whitespace, comments and newlines (inside arrays).
    mutating func skipWhitespaceCommentsAndNewlines() throws(TOMLError) {
        while let c = peek {
            if c == 0x20 || c == 0x09 || c == 0x0A {
                advance()
            } else if c == 0x0D, peek(1) == 0x0A {
                advance()
            } else if c == UInt8(ascii: "#") {
                try skipComment()
            } else {
                return
            }
        }
    }

    mutating func skipComment() throws(TOMLError) {
        while let c = peek, c != 0x0A {
            if c == 0x0D && peek(1) == 0x0A { return }
            if (c < 0x20 && c != 0x09) || c == 0x7F { throw error("control character in a comment") }
            index += 1
        }
    }

    /// After a value or a header: optional whitespace and comment, then a newline or the end.
    mutating func expectLineEnd() throws(TOMLError) {
        skipWhitespace()
        if peek == UInt8(ascii: "#") { try skipComment() }
        guard let c = peek else { return }
        if c == 0x0A { advance(); return }
        if c == 0x0D, peek(1) == 0x0A { index += 1; advance(); return }
        throw error("unexpected '\(Character(Unicode.Scalar(c)))' after a value (expected a newline)")
    }

    mutating func parseDocument() throws(TOMLError) {
        while true {
            try skipWhitespaceCommentsAndNewlines()
            guard let c = peek else { return }
            if c == UInt8(ascii: "[") {
                try parseHeader()
            } else {
                try parseKeyValue(into: current)
                try expectLineEnd()
            }
        }
    }

    // MARK: Headers

    mutating func parseHeader() throws(TOMLError) {
        let headerLine = line
        index += 1
        let isArray = peek == UInt8(ascii: "[")
        if isArray { index += 1 }
        skipWhitespace()
        let path = try parseKey()
        skipWhitespace()
        guard peek == UInt8(ascii: "]") else { throw error("expected ']' to close the table header") }
        index += 1
        if isArray {
            guard peek == UInt8(ascii: "]") else { throw error("expected ']]' to close the array-of-tables header") }
            index += 1
        }
        try expectLineEnd()

        var table = root
        for (position, key) in path.enumerated() {
            let last = position == path.count - 1
            let name = path[...position].joined(separator: ".")
            switch table.entries[key] {
            case nil:
                if last && isArray {
                    let box = TableBox(line: headerLine)
                    table.set(key, .tables([box]))
                    table = box
                } else {
                    let box = TableBox(line: headerLine)
                    table.set(key, .table(box))
                    table = box
                }
            case .table(let box):
                if last && isArray { throw error("[[\(name)]] redefines the table [\(name)]", line: headerLine) }
                if box.sealed { throw error("cannot extend \(name): it was defined inline", line: headerLine) }
                table = box
            case .tables(let boxes):
                if last && isArray {
                    let box = TableBox(line: headerLine)
                    table.set(key, .tables(boxes + [box]))
                    table = box
                } else if last {
                    throw error("[\(name)] redefines the array of tables [[\(name)]]", line: headerLine)
                } else {
                    table = boxes[boxes.count - 1]
                }
            case .value:
                throw error("\(name) is already a value, not a table", line: headerLine)
            }
        }
        if !isArray {
            if table.explicitlyDefined { throw error("table [\(path.joined(separator: "."))] defined twice", line: headerLine) }
            table.explicitlyDefined = true
            table.line = headerLine
        }
        current = table
    }

    // MARK: Keys

    mutating func parseKey() throws(TOMLError) -> [String] {
        var parts: [String] = []
        while true {
            skipWhitespace()
            guard let c = peek else { throw error("expected a key") }
            if c == UInt8(ascii: "\"") {
                if peek(1) == UInt8(ascii: "\""), peek(2) == UInt8(ascii: "\"") { throw error("multi-line strings cannot be keys") }
                parts.append(try parseBasicString())
            } else if c == UInt8(ascii: "'") {
                if peek(1) == UInt8(ascii: "'"), peek(2) == UInt8(ascii: "'") { throw error("multi-line strings cannot be keys") }
                parts.append(try parseLiteralString())
            } else {
                let start = index
                while let c = peek, Self.isBareKeyByte(c) { index += 1 }
                if index == start { throw error("expected a key, found '\(Character(Unicode.Scalar(c)))'") }
                parts.append(String(decoding: bytes[start..<index], as: UTF8.self))
            }
            skipWhitespace()
            if peek == UInt8(ascii: ".") {
                index += 1
            } else {
                return parts
            }
        }
    }

    static func isBareKeyByte(_ c: UInt8) -> Bool {
        (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x5F || c == 0x2D
    }

    mutating func parseKeyValue(into table: TableBox) throws(TOMLError) {
        let keyLine = line
        let path = try parseKey()
        skipWhitespace()
        guard peek == UInt8(ascii: "=") else { throw error("expected '=' after the key \(path.joined(separator: "."))") }
        index += 1
        skipWhitespace()
        let value = try parseValue()
        var target = table
        for (position, key) in path.dropLast().enumerated() {
            let name = path[...position].joined(separator: ".")
            switch target.entries[key] {
            case nil:
                let box = TableBox(line: keyLine)
                target.set(key, .table(box))
                target = box
            case .table(let box):
                if box.sealed {
                    throw error("cannot extend \(name)", line: keyLine)
                }
                target = box
            default:
                throw error("\(name) is already a value, not a table", line: keyLine)
            }
        }
        let key = path[path.count - 1]
        if target.entries[key] != nil {
            throw error("duplicate key \(path.joined(separator: "."))", line: keyLine)
        }
        target.set(key, .value(TOMLNode(value: value, line: keyLine)))
    }

    // MARK: Values

    mutating func parseValue() throws(TOMLError) -> TOMLValue {
        guard let c = peek else { throw error("expected a value") }
        switch c {
        case UInt8(ascii: "\""):
            if peek(1) == UInt8(ascii: "\""), peek(2) == UInt8(ascii: "\"") { return .string(try parseMultilineBasicString()) }
            return .string(try parseBasicString())
        case UInt8(ascii: "'"):
            if peek(1) == UInt8(ascii: "'"), peek(2) == UInt8(ascii: "'") { return .string(try parseMultilineLiteralString()) }
            return .string(try parseLiteralString())
        case UInt8(ascii: "["):
            return try parseArray()
        case UInt8(ascii: "{"):
            return try parseInlineTable()
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            if matches("true") { index += 4; return .boolean(true) }
            if matches("false") { index += 5; return .boolean(false) }
            throw error("invalid value (strings need quotes)")
        default:
            return try parseNumber()
        }
    }

    func matches(_ word: String) -> Bool {
        let w = Array(word.utf8)
        guard index + w.count <= bytes.count, Array(bytes[index..<index + w.count]) == w else { return false }
        if let next = peek(w.count), Self.isBareKeyByte(next) { return false }
        return true
    }

    mutating func parseNumber() throws(TOMLError) -> TOMLValue {
        let start = index
        while let c = peek, Self.isBareKeyByte(c) || c == UInt8(ascii: "+") || c == UInt8(ascii: ".")
            || c == UInt8(ascii: ":") {
            index += 1
        }
        var text = String(decoding: bytes[start..<index], as: UTF8.self)
        if text.isEmpty {
            throw error("invalid value '\(Character(Unicode.Scalar(bytes[start])))' (strings need quotes)")
        }
        if text.contains(":") || (text.count >= 10 && text.dropFirst(4).first == "-" && text.first?.isNumber == true) {
            throw error("dates and times are not supported")
        }
        switch text {
        case "inf", "+inf": return .float(.infinity)
        case "-inf": return .float(-.infinity)
        case "nan", "+nan", "-nan": return .float(.nan)
        default: break
        }
        let invalid = error("invalid value (strings need quotes)")
        if text.contains("__") || text.hasPrefix("_") || text.hasSuffix("_") { throw invalid }
        text.removeAll { $0 == "_" }
        let unsigned = text.hasPrefix("+") || text.hasPrefix("-") ? String(text.dropFirst()) : text
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where text.hasPrefix(prefix) {
            guard let value = Int64(text.dropFirst(2), radix: radix) else { throw invalid }
            return .integer(value)
        }
        let isFloat = unsigned.contains(".") || unsigned.contains("e") || unsigned.contains("E")
        if isFloat {
            guard let first = unsigned.first, first.isNumber, let value = Double(text) else { throw invalid }
            if unsigned.contains(".") {
                // Digits on both sides of the point.
                let parts = unsigned.split(separator: ".", omittingEmptySubsequences: false)
                guard parts.count == 2, parts[1].first?.isNumber == true else { throw invalid }
            }
            return .float(value)
        }
        guard !unsigned.isEmpty, unsigned.allSatisfy(\.isNumber) else { throw invalid }
        if unsigned.count > 1 && unsigned.hasPrefix("0") { throw error("leading zeros are not allowed") }
        guard let value = Int64(text) else { throw error("integer out of range") }
        return .integer(value)
    }

    mutating func parseArray() throws(TOMLError) -> TOMLValue {
        let startLine = line
        index += 1
        var items: [TOMLNode] = []
        while true {
            try skipWhitespaceCommentsAndNewlines()
            guard let c = peek else { throw error("unterminated array", line: startLine) }
            if c == UInt8(ascii: "]") { index += 1; return .array(items) }
            let itemLine = line
            items.append(TOMLNode(value: try parseValue(), line: itemLine))
            try skipWhitespaceCommentsAndNewlines()
            if peek == UInt8(ascii: ",") {
                index += 1
            } else if peek == UInt8(ascii: "]") {
                index += 1
                return .array(items)
            } else if atEnd {
                throw error("unterminated array", line: startLine)
            } else {
                throw error("expected ',' or ']' in an array")
            }
        }
    }

    mutating func parseInlineTable() throws(TOMLError) -> TOMLValue {
        let tableLine = line
        index += 1
        let box = TableBox(line: tableLine)
        skipWhitespace()
        if peek == UInt8(ascii: "}") {
            index += 1
            return .table(box.frozen(line: tableLine))
        }
        while true {
            skipWhitespace()
            try parseKeyValue(into: box)
            skipWhitespace()
            if peek == UInt8(ascii: ",") {
                index += 1
            } else if peek == UInt8(ascii: "}") {
                index += 1
                box.sealed = true
                return .table(box.frozen(line: tableLine))
            } else {
                throw error("expected ',' or '}' in an inline table")
            }
        }
    }

    // MARK: Strings

    mutating func parseBasicString() throws(TOMLError) -> String {
        index += 1
        var scalars = String.UnicodeScalarView()
        var raw: [UInt8] = []
        func flush() {
            if !raw.isEmpty { scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars); raw.removeAll() }
        }
        while true {
            guard let c = peek, c != 0x0A else { throw error("unterminated string") }
            index += 1
            if c == UInt8(ascii: "\"") { flush(); return String(scalars) }
            if c == UInt8(ascii: "\\") {
                flush()
                scalars.append(try parseEscape())
            } else if (c < 0x20 && c != 0x09) || c == 0x7F {
                throw error("control character in a string (use an escape)")
            } else {
                raw.append(c)
            }
        }
    }

    mutating func parseEscape() throws(TOMLError) -> Unicode.Scalar {
        guard let c = peek else { throw error("unterminated escape") }
        index += 1
        switch c {
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "e"): return "\u{1B}"
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let count = c == UInt8(ascii: "u") ? 4 : 8
            guard index + count <= bytes.count,
                  let code = UInt32(String(decoding: bytes[index..<index + count], as: UTF8.self), radix: 16),
                  let scalar = Unicode.Scalar(code)
            else { throw error("invalid unicode escape") }
            index += count
            return scalar
        default:
            throw error("invalid escape \\\(Character(Unicode.Scalar(c)))")
        }
    }

    mutating func parseLiteralString() throws(TOMLError) -> String {
        index += 1
        let start = index
        while true {
            guard let c = peek, c != 0x0A else { throw error("unterminated string") }
            if c == UInt8(ascii: "'") {
                let text = String(decoding: bytes[start..<index], as: UTF8.self)
                index += 1
                return text
            }
            if (c < 0x20 && c != 0x09) || c == 0x7F { throw error("control character in a string") }
            index += 1
        }
    }

    /// Skips the newline right after an opening `"""` / `'''`.
    mutating func skipFirstNewline() {
        if peek == 0x0A { advance() } else if peek == 0x0D, peek(1) == 0x0A { index += 1; advance() }
    }

    mutating func parseMultilineBasicString() throws(TOMLError) -> String {
        index += 3
        skipFirstNewline()
        var scalars = String.UnicodeScalarView()
        var raw: [UInt8] = []
        func flush() {
            if !raw.isEmpty { scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars); raw.removeAll() }
        }
        while true {
            guard let c = peek else { throw error("unterminated multi-line string") }
            if c == UInt8(ascii: "\""), peek(1) == UInt8(ascii: "\""), peek(2) == UInt8(ascii: "\"") {
                // Up to two extra quotes belong to the content.
                var extra = 0
                while peek(3 + extra) == UInt8(ascii: "\"") && extra < 2 { extra += 1 }
                raw.append(contentsOf: Array(repeating: UInt8(ascii: "\""), count: extra))
                index += 3 + extra
                flush()
                return String(scalars)
            }
            if c == UInt8(ascii: "\\") {
                // A line-ending backslash trims the newline and the whitespace after it.
                var look = index + 1
                while look < bytes.count, bytes[look] == 0x20 || bytes[look] == 0x09 { look += 1 }
                if look < bytes.count, bytes[look] == 0x0A || bytes[look] == 0x0D {
                    index = look
                    while let w = peek, w == 0x20 || w == 0x09 || w == 0x0A || w == 0x0D { advance() }
                    continue
                }
                index += 1
                flush()
                scalars.append(try parseEscape())
                continue
            }
            if (c < 0x20 && c != 0x09 && c != 0x0A && c != 0x0D) || c == 0x7F {
                throw error("control character in a string (use an escape)")
            }
            raw.append(c)
            advance()
        }
    }

    mutating func parseMultilineLiteralString() throws(TOMLError) -> String {
        index += 3
        skipFirstNewline()
        var raw: [UInt8] = []
        while true {
            guard let c = peek else { throw error("unterminated multi-line string") }
            if c == UInt8(ascii: "'"), peek(1) == UInt8(ascii: "'"), peek(2) == UInt8(ascii: "'") {
                var extra = 0
                while peek(3 + extra) == UInt8(ascii: "'") && extra < 2 { extra += 1 }
                raw.append(contentsOf: Array(repeating: UInt8(ascii: "'"), count: extra))
                index += 3 + extra
                return String(decoding: raw, as: UTF8.self)
            }
            raw.append(c)
            advance()
        }
    }
}
