/// Why `JSONValue.parse` rejected its input: the byte offset where parsing stopped and what was wrong.
public struct JSONParseError: Error, Hashable, Sendable, CustomStringConvertible {
    public let offset: Int
    public let reason: String

    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

/// A single-pass JSON (RFC 8259) parser over UTF-8 bytes, the body of `JSONValue.parse`.
///
/// It replaced `JSONDecoder` + `JSONValue.init(from:)` (which tries Bool, Int64, Double, String,
/// array, object in turn, each failure building a `DecodingError`) and keeps what that produced,
/// established by experiment against Foundation (swift-foundation of Swift 6.3), written out in
/// `Tests/StratumProtocolTests/JSONByteParserTests.swift` and checked against it by
/// `JSONDifferentialTests` there:
///
/// - Numbers follow the RFC grammar (no `01`, `+1`, `.5`, `1.`, `NaN`). An integer literal that
///   fits in Int64 is `.integer`. Any other number is read as the nearest Double; it is still
///   `.integer` when that Double is integral and in Int64's range: below 2^53 in magnitude it is
///   that Double (`1.0`, `1e3`, `-0`, `-1e-400` are integers), from 2^53 on it is the decimal text
///   truncated toward zero as Foundation's `Decimal` reads it (see `decimalTruncation`), or `.double`
///   where that does not fit. Everything else is `.double`; a number beyond Double's range
///   (`1.5e400`) rejects the whole text. `.double` is never NaN, infinite or -0.
/// - Strings: the escapes of the RFC, `\u` surrogates only in valid pairs, no raw control characters
///   (U+0000…U+001F; U+007F is fine), valid UTF-8 only.
/// - One trailing comma is accepted before `]` and `}` (`[1,]`, `{"a":1,}`), as Foundation does.
/// - An object keeps the first of repeated keys (keys compare as Swift strings, so canonically
///   equivalent spellings are the same key). The value of a repeated key is only skimmed, as
///   Foundation's scanner does (see `skipValue`): `{"a":1,"a":01}` is accepted as `{"a":1}`.
/// - Any value may stand at the top level; whitespace (space, tab, CR, LF) may surround it, a UTF-8
///   byte order mark may precede it; nothing else may follow it.
/// - At most 512 nested arrays and objects (Foundation's limit), which also bounds the recursion.
///
/// Where it differs from Foundation, on purpose:
/// - Foundation also takes UTF-16 and UTF-32 texts (recognised by a byte order mark or by zero
///   bytes among the first four); they are rejected here. No UTF-8 JSON text starts that way, and a
///   Stratum line is UTF-8.
/// - Foundation traps (a `preconditionFailure` in `JSONScanner.validateNumber`) on an integral number
///   from 2^53 on whose decimal text its `Decimal` parser cannot hold, such as `1` followed by 200
///   zeros and `e-182`: any peer could stop the process with one line. Here such a number is `.double`.
struct JSONByteParser {
    /// The deepest nesting of arrays and objects accepted.
    static let maxDepth = 512

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0
    /// Reused for strings with escapes.
    private var scratch: [UInt8] = []

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSONValue {
        var parser = JSONByteParser(bytes: bytes)
        return try parser.parseDocument()
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    private mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
        let value = try parseValue()
        skipWhitespace()
        guard index == bytes.count else { throw failure("unexpected byte after the value") }
        return value
    }

    // MARK: Bytes

    private func failure(_ reason: String) -> JSONParseError {
        JSONParseError(offset: index, reason: reason)
    }

    @inline(__always)
    private func peek() -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    @inline(__always)
    private static func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }

    @inline(__always)
    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    /// The next byte after whitespace, not consumed.
    private mutating func nextSignificantByte() throws(JSONParseError) -> UInt8 {
        skipWhitespace()
        guard let byte = peek() else { throw failure("unexpected end of input") }
        return byte
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - index >= count else { throw failure("unexpected end of input in a literal") }
        let text = literal.utf8Start
        for offset in 0..<count where bytes[index + offset] != text[offset] {
            index += offset
            throw failure("invalid literal")
        }
        index += count
    }

    // MARK: Values

    private mutating func parseValue() throws(JSONParseError) -> JSONValue {
        switch try nextSignificantByte() {
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw failure("unexpected byte where a value should start")
        }
    }

    private mutating func enterContainer() throws(JSONParseError) {
        guard depth < Self.maxDepth else { throw failure("more than \(Self.maxDepth) nested arrays and objects") }
        depth += 1
        index += 1
    }

    /// After an element: true at the end of the container (consumed, a trailing comma included),
    /// false after a comma with another element to come.
    private mutating func endOfContainer(closer: UInt8) throws(JSONParseError) -> Bool {
        let byte = try nextSignificantByte()
        if byte == closer {
            index += 1
            return true
        }
        guard byte == UInt8(ascii: ",") else { throw failure("expected a comma or the end of the container") }
        index += 1
        if try nextSignificantByte() == closer {
            index += 1
            return true
        }
        return false
    }

    private mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try enterContainer()
        defer { depth -= 1 }
        var elements: [JSONValue] = []
        if try nextSignificantByte() == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        elements.reserveCapacity(8)
        repeat {
            elements.append(try parseValue())
        } while try !endOfContainer(closer: UInt8(ascii: "]"))
        return .array(elements)
    }

    private mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try enterContainer()
        defer { depth -= 1 }
        var members: [String: JSONValue] = [:]
        if try nextSignificantByte() == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        members.reserveCapacity(4)
        repeat {
            guard try nextSignificantByte() == UInt8(ascii: "\"") else { throw failure("expected a string key") }
            let key = try parseString()
            guard try nextSignificantByte() == UInt8(ascii: ":") else { throw failure("expected a colon after the key") }
            index += 1
            if members[key] == nil {
                members[key] = try parseValue()
            } else {
                try skipValue()  // the first of repeated keys wins, as in Foundation
            }
        } while try !endOfContainer(closer: UInt8(ascii: "}"))
        return .object(members)
    }

    // MARK: Strings

    /// A string from its opening quote (at `index`) to past its closing quote.
    private mutating func parseString() throws(JSONParseError) -> String {
        index += 1
        let start = index
        var highBits: UInt8 = 0  // all the bytes or-ed: below 0x80 for ASCII
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = try makeString(UnsafeBufferPointer(rebasing: bytes[start..<index]), isASCII: highBits < 0x80)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw failure("control character in a string") }
            highBits |= byte
            index += 1
        }
        guard index < bytes.count else { throw failure("unterminated string") }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
        return try parseEscapedString(highBits: highBits)
    }

    /// The rest of a string with escapes, from the first backslash (at `index`) on, into `scratch`.
    private mutating func parseEscapedString(highBits: UInt8) throws(JSONParseError) -> String {
        var highBits = highBits  // of the raw bytes: escapes always make valid UTF-8
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                let isASCII = highBits < 0x80
                return try scratch.withUnsafeBufferPointer { (buffer) throws(JSONParseError) in
                    try makeString(buffer, isASCII: isASCII)
                }
            case UInt8(ascii: "\\"):
                try parseEscape()
            case 0..<0x20:
                throw failure("control character in a string")
            default:
                scratch.append(byte)
                highBits |= byte
                index += 1
            }
        }
        throw failure("unterminated string")
    }

    /// The string of `utf8`, which must be valid UTF-8 unless `isASCII` already says so.
    /// (`String(validating:as:)` is generic and not specialised here: it would look up type metadata
    /// on each call.) Decoding repairs an ill-formed sequence to U+FFFD, which changes the bytes: the
    /// text is valid exactly where they come back unchanged.
    private func makeString(_ utf8: UnsafeBufferPointer<UInt8>, isASCII: Bool) throws(JSONParseError) -> String {
        var text = String(decoding: utf8, as: UTF8.self)
        if !isASCII, !text.withUTF8({ $0.elementsEqual(utf8) }) { throw failure("invalid UTF-8 in a string") }
        return text
    }

    /// One escape sequence from its backslash (at `index`), appended to `scratch` as UTF-8.
    private mutating func parseEscape() throws(JSONParseError) {
        guard index + 1 < bytes.count else { throw failure("unterminated string") }
        let escaped: UInt8
        switch bytes[index + 1] {
        case UInt8(ascii: "\""): escaped = UInt8(ascii: "\"")
        case UInt8(ascii: "\\"): escaped = UInt8(ascii: "\\")
        case UInt8(ascii: "/"): escaped = UInt8(ascii: "/")
        case UInt8(ascii: "b"): escaped = 0x08
        case UInt8(ascii: "f"): escaped = 0x0C
        case UInt8(ascii: "n"): escaped = 0x0A
        case UInt8(ascii: "r"): escaped = 0x0D
        case UInt8(ascii: "t"): escaped = 0x09
        case UInt8(ascii: "u"):
            index += 2
            let scalar = try parseUnicodeEscape()
            scratch.append(contentsOf: scalar.utf8)
            return
        default:
            index += 1
            throw failure("invalid escape")
        }
        scratch.append(escaped)
        index += 2
    }

    /// The scalar of `XXXX` (at `index`, after `\u`), with a low surrogate `\uXXXX` after a high one.
    private mutating func parseUnicodeEscape() throws(JSONParseError) -> Unicode.Scalar {
        let unit = try parseHex4()
        if UTF16.isLeadSurrogate(unit) {
            guard bytes.count - index >= 2, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                throw failure("high surrogate without a low surrogate")
            }
            index += 2
            let low = try parseHex4()
            guard UTF16.isTrailSurrogate(low) else { throw failure("high surrogate without a low surrogate") }
            return UTF16.decode(UTF16.EncodedScalar([unit, low]))
        }
        guard let scalar = Unicode.Scalar(unit) else { throw failure("low surrogate without a high surrogate") }
        return scalar
    }

    private mutating func parseHex4() throws(JSONParseError) -> UInt16 {
        guard bytes.count - index >= 4 else { throw failure("unterminated \\u escape") }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure("invalid hex digit in a \\u escape")
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }

    // MARK: Numbers

    private mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = index
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        // The significant digits while they fit (at most 19), and the power of ten they are scaled by.
        var significand: UInt64 = 0
        var scale = 0
        var exact = true
        guard let first = peek(), Self.isDigit(first) else { throw failure("expected a digit") }
        if first == UInt8(ascii: "0") {
            index += 1
        } else {
            while let byte = peek(), Self.isDigit(byte) {
                Self.accumulate(byte, into: &significand, exact: &exact, scale: &scale, isFraction: false)
                index += 1
            }
        }
        var isInteger = true
        if peek() == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard let byte = peek(), Self.isDigit(byte) else { throw failure("expected a digit after the decimal point") }
            while let byte = peek(), Self.isDigit(byte) {
                Self.accumulate(byte, into: &significand, exact: &exact, scale: &scale, isFraction: true)
                index += 1
            }
        }
        if let byte = peek(), byte | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            index += 1
            scale += try parseExponent()
        }
        if isInteger && exact {
            if negative, significand <= UInt64(Int64.max) + 1 { return .integer(Int64(truncatingIfNeeded: 0 &- significand)) }
            if !negative, significand <= UInt64(Int64.max) { return .integer(Int64(significand)) }
        }
        let text = UnsafeBufferPointer(rebasing: bytes[start..<index])
        let double = Self.nearestDouble(text, significand: exact ? significand : nil, scale: scale, negative: negative)
        guard double.isFinite else {
            index = start
            throw failure("number out of Double's range")
        }
        return Self.classify(double, text: text)
    }

    @inline(__always)
    private static func accumulate(_ byte: UInt8, into significand: inout UInt64, exact: inout Bool, scale: inout Int,
                                   isFraction: Bool) {
        if significand < 1_000_000_000_000_000_000 {
            significand = significand * 10 + UInt64(byte - UInt8(ascii: "0"))
            if isFraction { scale -= 1 }
        } else {
            exact = false
            if !isFraction { scale += 1 }
        }
    }

    /// The exponent after `e`/`E` (at `index`). Saturates at 2^40, which no count of fraction digits
    /// in a buffer can offset: the fast path of `nearestDouble` then never applies.
    private mutating func parseExponent() throws(JSONParseError) -> Int {
        var negative = false
        if let sign = peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            negative = sign == UInt8(ascii: "-")
            index += 1
        }
        guard let first = peek(), Self.isDigit(first) else { throw failure("expected a digit in the exponent") }
        var exponent = 0
        while let byte = peek(), Self.isDigit(byte) {
            if exponent < 1 << 40 { exponent = exponent * 10 + Int(byte - UInt8(ascii: "0")) }
            index += 1
        }
        return negative ? -exponent : exponent
    }

    private static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// The Double nearest to the number `text` (correctly rounded, as strtod). `significand` is
    /// its digits when they all fit, `scale` their power of ten.
    private static func nearestDouble(_ text: UnsafeBufferPointer<UInt8>, significand: UInt64?, scale: Int,
                                      negative: Bool) -> Double {
        // Both operands exact, so the one rounding of the product or quotient is the correct one.
        if let significand, significand <= 1 << 53, abs(scale) <= 22 {
            let magnitude = Double(significand)
            let value = scale < 0 ? magnitude / exactPowersOfTen[-scale] : magnitude * exactPowersOfTen[scale]
            return negative ? -value : value
        }
        // The standard library's conversion (strtod in the C locale), ±infinity beyond Double's range.
        return Double(String(decoding: text, as: UTF8.self)) ?? .nan
    }

    /// `.integer` or `.double` for a number that is not a plain Int64 literal, as Foundation decides.
    private static func classify(_ double: Double, text: UnsafeBufferPointer<UInt8>) -> JSONValue {
        guard let integer = Int64(exactly: double) else { return .double(double) }
        if double.magnitude < 0x1p53 { return .integer(integer) }
        // From 2^53 on, a Double stands for several integers: Foundation takes the decimal text.
        if let truncated = decimalTruncation(text) { return .integer(truncated) }
        return .double(double)
    }
}

// MARK: - Foundation's integers from 2^53 on

extension JSONByteParser {
    /// The integer Foundation makes of a (valid) number whose nearest Double is integral, in
    /// Int64's range and at least 2^53 in magnitude: it reads the text as a `Decimal` (a 128-bit
    /// significand, digits beyond it dropped, an exponent in -128...127, trailing zeros then
    /// removed) and truncates that toward zero, provided the significand fits in 64 bits and the
    /// result in Int64. Nil where Foundation ends with `.double`, and where its `Decimal` cannot
    /// hold the text at all (Foundation traps there; see the type's comment).
    private static func decimalTruncation(_ text: UnsafeBufferPointer<UInt8>) -> Int64? {
        var index = 0
        let negative = text[0] == UInt8(ascii: "-")
        if negative { index += 1 }
        var significand: UInt128 = 0
        var exponent = 0
        var full = false  // the significand overflowed: later digits are dropped
        while index < text.count, isDigit(text[index]) {
            if !full, let next = timesTenPlus(significand, text[index]) {
                significand = next
            } else {
                full = true
                guard exponent < 127 else { return nil }
                exponent += 1
            }
            index += 1
        }
        if index < text.count, text[index] == UInt8(ascii: ".") {
            index += 1
            while index < text.count, isDigit(text[index]) {
                if !full, let next = timesTenPlus(significand, text[index]) {
                    significand = next
                    guard exponent > -128 else { return nil }
                    exponent -= 1
                } else {
                    full = true
                }
                index += 1
            }
        }
        if index < text.count {  // e or E
            index += 1
            var negativeExponent = false
            if text[index] == UInt8(ascii: "+") || text[index] == UInt8(ascii: "-") {
                negativeExponent = text[index] == UInt8(ascii: "-")
                index += 1
            }
            var written = 0
            while index < text.count {
                written = written * 10 + Int(text[index] - UInt8(ascii: "0"))
                guard written <= 254 else { return nil }
                index += 1
            }
            exponent += negativeExponent ? -written : written
            guard exponent >= -128 && exponent <= 127 else { return nil }
        }
        return truncate(significand, exponent: exponent, negative: negative)
    }

    private static func timesTenPlus(_ value: UInt128, _ digit: UInt8) -> UInt128? {
        let (product, overflow) = value.multipliedReportingOverflow(by: 10)
        let (sum, carry) = product.addingReportingOverflow(UInt128(digit - UInt8(ascii: "0")))
        return overflow || carry ? nil : sum
    }

    /// `Decimal` compaction, then its conversion to Int64 (truncating toward zero).
    private static func truncate(_ significand: UInt128, exponent: Int, negative: Bool) -> Int64? {
        var significand = significand
        var exponent = exponent
        guard significand != 0 else { return 0 }
        // (Decimal caps the exponent at 127 here; unreachable for a number below 2^63.)
        while significand % 10 == 0 {
            significand /= 10
            exponent += 1
        }
        guard var magnitude = UInt64(exactly: significand) else { return nil }
        if exponent < 0 {
            for _ in 0 ..< -exponent { magnitude /= 10 }
        } else {
            for _ in 0..<exponent {
                let (product, overflow) = magnitude.multipliedReportingOverflow(by: 10)
                guard !overflow else { return nil }
                magnitude = product
            }
        }
        guard let value = Int64(exactly: magnitude) else { return nil }
        return negative ? -value : value
    }
}

// MARK: - Values of repeated keys

extension JSONByteParser {
    /// Skims one value without making it, as Foundation's scanner does for the value of a repeated
    /// key (which its decoder then never reads): the structure, literals and depth limit are checked
    /// as anywhere, but a string only needs its closing quote (after a backslash any byte is
    /// skipped, after `\u` any four bytes but a quote) and a number is `-` or a digit followed by
    /// any of `0-9 . + - e E`.
    private mutating func skipValue() throws(JSONParseError) {
        switch try nextSignificantByte() {
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "{"), UInt8(ascii: "["): try skipContainer()
        case UInt8(ascii: "t"): try expectLiteral("true")
        case UInt8(ascii: "f"): try expectLiteral("false")
        case UInt8(ascii: "n"): try expectLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            index += 1
            while let byte = peek() {
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "+"), UInt8(ascii: "-"),
                    UInt8(ascii: "e"), UInt8(ascii: "E"):
                    index += 1
                default: return
                }
            }
        default: throw failure("unexpected byte where a value should start")
        }
    }

    private mutating func skipContainer() throws(JSONParseError) {
        let isObject = bytes[index] == UInt8(ascii: "{")
        let closer = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
        try enterContainer()
        defer { depth -= 1 }
        if try nextSignificantByte() == closer {
            index += 1
            return
        }
        repeat {
            if isObject {
                guard try nextSignificantByte() == UInt8(ascii: "\"") else { throw failure("expected a string key") }
                try skipString()
                guard try nextSignificantByte() == UInt8(ascii: ":") else { throw failure("expected a colon after the key") }
                index += 1
            }
            try skipValue()
        } while try !endOfContainer(closer: closer)
    }

    private mutating func skipString() throws(JSONParseError) {
        index += 1
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                index += 1
                return
            case UInt8(ascii: "\\"):
                guard index + 1 < bytes.count else { throw failure("unterminated string") }
                if bytes[index + 1] == UInt8(ascii: "u") {
                    guard bytes.count - index >= 6 else { throw failure("unterminated \\u escape") }
                    for offset in 2..<6 where bytes[index + offset] == UInt8(ascii: "\"") {
                        throw failure("quote inside a \\u escape")
                    }
                    index += 6
                } else {
                    index += 2
                }
            default:
                index += 1
            }
        }
        throw failure("unterminated string")
    }
}
