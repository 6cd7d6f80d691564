import StratumProtocol
import XCTest

/// `JSONValue.parse` on the edge cases of RFC 8259 and of Foundation's `JSONDecoder`, whose results
/// it keeps (established by experiment; `JSONReferenceParser` is that implementation, and every case
/// here is checked against it too unless it is one of the documented differences).
final class JSONByteParserTests: XCTestCase {
    // MARK: Helpers

    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// Expects `input` to parse as `expected` (doubles bit for bit, strings scalar for scalar), or to
    /// be rejected when `expected` is nil, by the parser and by the reference.
    private func check(_ input: [UInt8], _ expected: JSONValue?, reference: Bool = true,
                       file: StaticString = #filePath, line: UInt = #line) {
        let label = String(decoding: input.prefix(80), as: UTF8.self).debugDescription
        let parsed = try? JSONValue.parse(input)
        XCTAssertTrue(JSONValue.identical(parsed, expected), "\(label): \(String(describing: parsed))", file: file, line: line)
        guard reference else { return }
        let referenceParsed = try? JSONReferenceParser.parse(input)
        XCTAssertTrue(JSONValue.identical(referenceParsed, expected), "reference, \(label): \(String(describing: referenceParsed))",
                      file: file, line: line)
    }

    private func accepts(_ text: String, _ expected: JSONValue, file: StaticString = #filePath, line: UInt = #line) {
        check(bytes(text), expected, file: file, line: line)
    }

    private func rejects(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        check(bytes(text), nil, file: file, line: line)
    }

    // MARK: Numbers

    func testIntegersAndDoublesAsFoundationDecidesThem() {
        accepts("1", .integer(1))
        accepts("-0", .integer(0))
        accepts("0", .integer(0))
        accepts("1.0", .integer(1))
        accepts("-0.0", .integer(0))
        accepts("1e3", .integer(1000))
        accepts("1E+2", .integer(100))
        accepts("1e-0", .integer(1))
        accepts("1e05", .integer(100_000))
        accepts("0.1e1", .integer(1))
        accepts("0e5", .integer(0))
        accepts("1e0000000000000000000003", .integer(1000))
        accepts("1.5", .double(1.5))
        accepts("-2.5", .double(-2.5))
        accepts("0.1", .double(0.1))
        accepts("1e-2", .double(0.01))
        accepts("1e18", .integer(1_000_000_000_000_000_000))
        accepts("1e19", .double(1e19))
        // Underflow to zero is the integer 0 (never a -0 double).
        accepts("1e-400", .integer(0))
        accepts("-1e-400", .integer(0))
        accepts("2e-324", .integer(0))
        accepts("3e-324", .double(.leastNonzeroMagnitude))
        accepts("5e-324", .double(.leastNonzeroMagnitude))
        accepts("0.000000000000000000000000000000000000000000001", .double(1e-45))
        accepts("1e308", .double(1e308))
        accepts("1.7976931348623157e308", .double(.greatestFiniteMagnitude))
        accepts("[1.0, 2.5, -0, 1e2]", [.integer(1), .double(2.5), .integer(0), .integer(100)])
    }

    func testInt64BoundsAndTheDecimalPathFrom2To53() {
        accepts("9223372036854775807", .integer(.max))
        accepts("-9223372036854775808", .integer(.min))
        accepts("9223372036854775808", .double(0x1p63))
        accepts("-9223372036854775809", .double(-0x1p63))
        accepts("18446744073709551616", .double(0x1p64))
        accepts("9223372036854775807.0", .double(0x1p63))
        accepts("9223372036854775807e0", .double(0x1p63))
        accepts("-9223372036854775808e0", .double(-0x1p63))
        accepts("-9223372036854775808.0", .double(-0x1p63))
        // Below 2^53: the nearest Double, if integral.
        accepts("1.00000000000000000001", .integer(1))
        accepts("4503599627370497.5", .integer(4_503_599_627_370_498))
        // From 2^53 on: the decimal text truncated, where its digits fit in 64 bits.
        accepts("9007199254740993", .integer(9_007_199_254_740_993))
        accepts("9007199254740993.9", .integer(9_007_199_254_740_993))
        accepts("123456789012345678.5", .integer(123_456_789_012_345_678))
        accepts("-0.9007199254740993e16", .integer(-9_007_199_254_740_993))
        accepts("9.2e18", .integer(9_200_000_000_000_000_000))
        accepts("1.0000000000000000001e18", .integer(1_000_000_000_000_000_000))
        accepts("1.000000000000000000000e18", .integer(1_000_000_000_000_000_000))
        accepts("18446744073709551615e-1", .integer(1_844_674_407_370_955_161))
        accepts("9223372036854774784.0", .integer(9_223_372_036_854_774_784))
        accepts("9007199254740993." + String(repeating: "0", count: 30) + "1", .integer(9_007_199_254_740_993))
        accepts("1" + String(repeating: "0", count: 60) + "e-42", .integer(1_000_000_000_000_000_000))
        accepts("0." + String(repeating: "0", count: 112) + "9007199254740993e128", .integer(9_007_199_254_740_993))
        // … and the nearest Double where they do not.
        accepts("9007199254740993.0000000000000000000001", .double(9_007_199_254_740_994))
        accepts("1.00000000000000000001e18", .double(1e18))
        accepts("18446744073709551616e-1", .double(1_844_674_407_370_955_161.6))
        accepts("4611686018427387904.5", .double(0x1p62))
        accepts("9223372036854774784.9", .double(9_223_372_036_854_774_784))
    }

    func testNumbersOutsideTheGrammarOrDoublesRangeAreRejected() {
        for text in ["00", "01", "-01", "+1", ".5", "-.5", "1.", "1.e3", "1e", "1e+", "-", "--1", "0x10", "NaN", "nan",
                     "Infinity", "-Infinity", "1_0", "1 2", "0.0e", "[-]", "[1.]", "1.5e400", "-1.5e400", "2e308",
                     "1.7976931348623159e308", "1" + String(repeating: "0", count: 320)] {
            rejects(text)
        }
    }

    // MARK: Structure

    func testTopLevelValuesWhitespaceAndTrailingBytes() {
        accepts("5", .integer(5))
        accepts("\"x\"", .string("x"))
        accepts("true", .bool(true))
        accepts("false", .bool(false))
        accepts("null", .null)
        accepts("true ", .bool(true))
        accepts(" [1] ", [.integer(1)])
        accepts("\t\n\r [1]\n", [.integer(1)])
        accepts("[ ]", .array([]))
        accepts("{ }", .object([:]))
        accepts("{\"a\":[1,2,3],\"b\":{\"c\":null}}", ["a": [1, 2, 3], "b": ["c": .null]])
        for text in ["", " ", "[", "]", "{", "True", "nul", "nulll", "tru", "[1] x", "[1]]", "{}}", "[1]\0", "\0",
                     "\u{a0}[1]", "[1]\u{a0}", "\u{0b}[1]", "\u{0c}[1]", "'a'", "['a']", "[1]//c", "/*c*/[1]",
                     "[1 /*c*/]", "#", "{\"a\"}", "{\"a\":}", "{a:1}", "{1:1}", "{\"a\" 1}", "{\"a\":1 \"b\":2}"] {
            rejects(text)
        }
    }

    func testOneTrailingCommaIsAcceptedAsFoundationDoes() {
        accepts("[1,]", [.integer(1)])
        accepts("[[],]", [.array([])])
        accepts("{\"a\":1,}", ["a": 1])
        accepts("{ \"a\" : 1 , }", ["a": 1])
        for text in ["[,1]", "[1,,2]", "[1,2,,]", "[,]", "{,}", "{\"a\":1,,}"] {
            rejects(text)
        }
    }

    func testByteOrderMarkOnlyAtTheStart() {
        check([0xEF, 0xBB, 0xBF] + bytes("[1]"), [.integer(1)])
        check([0xEF, 0xBB, 0xBF] + bytes(" 5"), .integer(5))
        check([0xEF, 0xBB, 0xBF], nil)
        check([0x20, 0xEF, 0xBB, 0xBF] + bytes("[1]"), nil)
        check([0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF] + bytes("[1]"), nil)
        check(bytes("[") + [0xEF, 0xBB, 0xBF] + bytes("1]"), nil)
    }

    // MARK: Strings

    func testEscapesAndSurrogates() {
        accepts(#""\/\b\f\n\r\t\"\\""#, .string("/\u{08}\u{0C}\n\r\t\"\\"))
        accepts(#""\u0000""#, .string("\0"))
        accepts(#""\u00e9\u00E9""#, .string("\u{e9}\u{e9}"))
        accepts(#""\ud83d\ude00""#, .string("\u{1F600}"))
        accepts(#""\uD83D\uDE00""#, .string("\u{1F600}"))
        accepts(#""\uffff""#, .string("\u{FFFF}"))
        accepts(#""a\u0041\u004Ab""#, .string("aAJb"))
        for text in [#""a\x""#, #""\u12""#, #""\u12G4""#, #""\ud800""#, #""\udc00""#, #""\ud800\u0041""#,
                     #""\ud800\ud800""#, #""\udc00\ud800""#, #""\ud800x""#, #""\'""#, #""\U0041""#, #""\u""#, #""\"#,
                     #""abc"#, #""\u 123""#] {
            rejects(text)
        }
    }

    func testRawBytesInStrings() {
        accepts("\"\u{e9}\"", .string("\u{e9}"))
        accepts("\"e\u{301}\"", .string("e\u{301}"))  // kept as written, not normalised
        accepts("\"a\u{7f}b\"", .string("a\u{7f}b"))
        check([0x22, 0xF0, 0x9F, 0x98, 0x80, 0x22], .string("\u{1F600}"))
        check([0x22, 0x5C, 0x6E, 0xC3, 0xA9, 0x22], .string("\n\u{e9}"))
        for control: UInt8 in [0x00, 0x01, 0x09, 0x0A, 0x0D, 0x1F] {
            check([0x22, 0x61, control, 0x62, 0x22], nil)  // "a?b"
            check([0x22, 0x5C, 0x6E, control, 0x22], nil)  // "\n?"
        }
        let invalidUTF8: [[UInt8]] = [[0x80], [0xC3], [0xC3, 0x28], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
                                      [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xFF], [0xF8, 0x88, 0x80, 0x80, 0x80]]
        for sequence in invalidUTF8 {
            check([0x22] + sequence + [0x22], nil)  // in a string
            check([0x22, 0x5C, 0x6E] + sequence + [0x22], nil)  // in a string with an escape
            check([0x7B, 0x22] + sequence + [0x22, 0x3A, 0x31, 0x7D], nil)  // in a key
            check(bytes("[\"a\"") + sequence + bytes("]"), nil)  // outside a string
        }
    }

    // MARK: Objects

    func testTheFirstOfRepeatedKeysWins() {
        accepts(#"{"a":1,"a":2}"#, ["a": 1])
        accepts(#"{"a":1,"b":2,"a":3}"#, ["a": 1, "b": 2])
        accepts(#"{"a":[1],"a":{}}"#, ["a": [1]])
        accepts(#"{"a":1,"\u0061":2}"#, ["a": 1])
        accepts(#"{"":1}"#, ["": 1])
        // Keys compare as Swift strings (canonical equivalence); the first spelling is kept.
        accepts(#"{"e\u0301":1,"é":2}"#, .object(["e\u{301}": 1]))
    }

    func testTheValueOfARepeatedKeyIsOnlySkimmed() {
        let skimmed = [#""\ud800""#, "01", "1e400", #""\x""#, #"[1,"\ud800"]"#, "\"\t\"", #"{"\ud800":1}"#, "1-+e", "-",
                       "1.2.3", #""\uZZZZ""#, #""\u\\\\""#, "[1,]", #"{"\ud800":1,"\ud800":2}"#, "1e0000000000000000000000001"]
        for value in skimmed {
            accepts(#"{"a":1,"a":"# + value + "}", ["a": 1])
        }
        check(bytes(#"{"a":1,"a":""#) + [0xFF, 0x22, 0x7D], ["a": 1])
        accepts(#"{"é":1,"e\u0301":"\ud800"}"#, .object(["\u{e9}": 1]))
        for value in [#""\u""#, #""\u12""#, "tru", "[,]", #""abc"#, "x", "[1 2]", #"{"a"}"#, "+1"] {
            rejects(#"{"a":1,"a":"# + value + "}")
        }
        rejects(#"[1,{"a":1,"a":"\u"},2]"#)
    }

    // MARK: Depth

    func testAtMost512NestedContainers() {
        func nested(_ depth: Int, open: String, close: String, inner: String = "") -> [UInt8] {
            bytes(String(repeating: open, count: depth) + inner + String(repeating: close, count: depth))
        }
        check(nested(512, open: "[", close: "]"), JSONValue.nestedArrays(512))
        check(nested(513, open: "[", close: "]"), nil)
        check(nested(512, open: "{\"a\":", close: "}", inner: "1"), JSONValue.nestedObjects(512))
        check(nested(513, open: "{\"a\":", close: "}", inner: "1"), nil)
        XCTAssertNotNil(try? JSONValue.parse(nested(256, open: "[{\"a\":", close: "}]", inner: "1")))
        check(nested(257, open: "[{\"a\":", close: "}]", inner: "1"), nil)
        // The skimmed value of a repeated key counts too.
        check(bytes(#"{"a":1,"a":"#) + nested(511, open: "[", close: "]") + bytes("}"), ["a": 1])
        check(bytes(#"{"a":1,"a":"#) + nested(512, open: "[", close: "]") + bytes("}"), nil)
        // Hostile depth is refused at 513 whatever follows, without running out of stack.
        check(nested(100_000, open: "[", close: "]"), nil, reference: false)
        check(bytes(String(repeating: "[", count: 100_000)), nil, reference: false)
        check(bytes(#"{"a":1,"a":"# + String(repeating: "{\"a\":", count: 100_000)), nil, reference: false)
    }

    // MARK: Differences from Foundation (documented in JSONByteParser)

    func testUTF16AndUTF32TextsAreRejectedWhereFoundationTranscodes() {
        let texts: [[UInt8]] = [
            [0xFF, 0xFE, 0x5B, 0x00, 0x31, 0x00, 0x5D, 0x00],  // UTF-16LE with BOM: [1]
            [0xFE, 0xFF, 0x00, 0x5B, 0x00, 0x31, 0x00, 0x5D],  // UTF-16BE with BOM
            [0x5B, 0x00, 0x31, 0x00, 0x5D, 0x00],  // UTF-16LE
            [0x00, 0x5B, 0x00, 0x31, 0x00, 0x5D],  // UTF-16BE
            [0x5B, 0x00, 0x00, 0x00, 0x31, 0x00, 0x00, 0x00, 0x5D, 0x00, 0x00, 0x00],  // UTF-32LE
            [0x31, 0x00],  // UTF-16LE: 1
        ]
        for text in texts {
            XCTAssertTrue(JSONByteParserTests.foundationTranscodes(text))
            XCTAssertNotNil(try? JSONReferenceParser.parse(text), "\(text)")
            check(text, nil, reference: false)
        }
    }

    /// Foundation traps on this one (`JSONScanner.validateNumber`), so the reference is not asked.
    func testAnIntegralNumberFoundationsDecimalCannotHoldIsADouble() {
        check(bytes("1" + String(repeating: "0", count: 200) + "e-182"), .double(1e18), reference: false)
        check(bytes("0." + String(repeating: "0", count: 130) + "9007199254740993e146"), .double(9_007_199_254_740_992),
              reference: false)
        check(bytes("[-9007199254740993" + String(repeating: "0", count: 200) + "e-200]"), [.double(-9_007_199_254_740_992)],
              reference: false)
    }

    // MARK: Input collections

    func testSlicesAndNonContiguousCollections() throws {
        let line = bytes("  {\"id\":7,\"method\":\"mining.submit\",\"params\":[\"w\",\"1\",\"00\",\"5f5e1000\",\"00000000\"]}")
        let expected: JSONValue = ["id": 7, "method": "mining.submit", "params": ["w", "1", "00", "5f5e1000", "00000000"]]
        XCTAssertEqual(try JSONValue.parse(line), expected)
        XCTAssertEqual(try JSONValue.parse(line.drop(while: { $0 == 0x20 })), expected)
        XCTAssertEqual(try JSONValue.parse(line.lazy.map { $0 }), expected)
        XCTAssertThrowsError(try JSONValue.parse(line[3..<3]), "empty input")
        XCTAssertThrowsError(try JSONValue.parse(line.dropLast()), "a line cut short")
    }

    func testErrorsSayWhere() {
        XCTAssertThrowsError(try JSONValue.parse(bytes("[1,x]"))) { error in
            XCTAssertEqual((error as? JSONParseError)?.offset, 3)
        }
        XCTAssertThrowsError(try JSONValue.parse(bytes("{\"a\":1e999}"))) { error in
            XCTAssertEqual((error as? JSONParseError)?.offset, 5)
        }
        XCTAssertThrowsError(try JSONValue.parse(bytes("[1] ]"))) { error in
            XCTAssertEqual((error as? JSONParseError)?.offset, 4)
            XCTAssertTrue("\(error)".contains("at byte 4"), "\(error)")
        }
    }
}

extension JSONByteParserTests {
    /// Whether Foundation reads `bytes` as UTF-16 or UTF-32 (a byte order mark, or zero bytes among the
    /// first four; `JSONDecoder`'s encoding detection), which `JSONValue.parse` does not.
    static func foundationTranscodes(_ bytes: [UInt8]) -> Bool {
        let head = (0..<4).map { $0 < bytes.count ? bytes[$0] : nil }
        switch (head[0], head[1], head[2], head[3]) {
        case (0xFE, 0xFF, _, _), (0xFF, 0xFE, _, _), (0, 0, 0xFE, 0xFF): return true
        case (0, 0, 0, .some(let a)) where a != 0: return true
        case (0, .some(let a), 0, .some(let b)) where a != 0 && b != 0: return true
        case (.some(let a), 0, 0, 0) where a != 0: return true
        case (.some(let a), 0, .some(let b), 0) where a != 0 && b != 0: return true
        case (0, .some(let a), nil, nil) where a != 0: return true
        case (.some(let a), 0, nil, nil) where a != 0: return true
        default: return false
        }
    }
}

extension JSONValue {
    /// Equal, and also bit for bit: doubles by bit pattern, strings and keys by Unicode scalars
    /// (`==` compares strings by canonical equivalence).
    static func identical(_ a: JSONValue?, _ b: JSONValue?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case (.some(let a), .some(let b)): return identical(a, b)
        default: return false
        }
    }

    static func identical(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.integer(let x), .integer(let y)): return x == y
        case (.double(let x), .double(let y)): return x.bitPattern == y.bitPattern
        case (.string(let x), .string(let y)): return x.unicodeScalars.elementsEqual(y.unicodeScalars)
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy { identical($0, $1) }
        case (.object(let x), .object(let y)):
            return x.count == y.count && x.allSatisfy { key, value in
                guard let index = y.index(forKey: key) else { return false }
                return y[index].key.unicodeScalars.elementsEqual(key.unicodeScalars) && identical(value, y[index].value)
            }
        default: return false
        }
    }

    static func nestedArrays(_ depth: Int) -> JSONValue {
        (1..<depth).reduce(.array([])) { inner, _ in .array([inner]) }
    }

    static func nestedObjects(_ depth: Int) -> JSONValue {
        (0..<depth).reduce(.integer(1)) { inner, _ in .object(["a": inner]) }
    }
}
