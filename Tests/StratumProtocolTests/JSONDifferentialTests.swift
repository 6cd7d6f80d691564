import Foundation
import StratumProtocol
import XCTest

/// `JSONValue.parse` against the Foundation reference (`JSONReferenceParser`) on generated JSON
/// texts and on mutated and truncated Stratum lines: both must accept the same inputs and make the
/// same values of them (doubles bit for bit, strings scalar for scalar). Seeded: a failure names
/// the seed and the input, and reproduces.
final class JSONDifferentialTests: XCTestCase {
    static let seed: UInt64 = 0x5757_4A53_4F4E_2026

    /// Real lines: the fuzz seed corpus (pool → miner) and what miners send.
    static func stratumLines() -> [[UInt8]] {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fuzz/corpus")
        var lines: [[UInt8]] = []
        let files = (try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []
        for file in files.sorted() {
            guard let data = FileManager.default.contents(atPath: corpus.appendingPathComponent(file).path) else { continue }
            lines += data.split(separator: 0x0A).map { Array($0.last == 0x0D ? $0.dropLast() : $0[...]) }
        }
        lines += [
            #"{"id":1,"method":"mining.subscribe","params":["swiftminer/0.1"]}"#,
            #"{"id":1,"method":"mining.configure","params":[["version-rolling"],{"version-rolling.mask":"1fffe000","version-rolling.min-bit-count":0}]}"#,
            #"{"id":2,"method":"mining.authorize","params":["tb1qumezefzdeqqwn5zfvgdrhxjzc5ylr39uhuxcz4.bitaxe3","x"]}"#,
            #"{"id":5,"method":"mining.submit","params":["tb1qumezefzdeqqwn5zfvgdrhxjzc5ylr39uhuxcz4.bitaxe3","1","c7080000","64b3f3ec","ed460d91","00002000"]}"#,
            #"{"id":6,"method":"mining.suggest_difficulty","params":[0.0001]}"#,
            #"{"id":null,"method":"mining.set_difficulty","params":[1.5e3]}"#,
            #"{"id":7,"result":false,"error":[23,"Low difficulty share",null],"reject-reason":"low diff"}"#,
        ].map { Array($0.utf8) }
        return lines
    }

    func testGeneratedDocumentsParseAsTheReferenceParsesThem() {
        var generator = JSONTextGenerator(seed: Self.seed)
        var inputs: [[UInt8]] = []
        for _ in 0..<4000 { inputs.append(generator.document()) }
        let tally = compareWithReference(inputs, what: "generated")
        XCTAssertGreaterThan(tally.accepted, 2500, "the generator should mostly write valid JSON")
        XCTAssertGreaterThan(tally.rejected, 100, "and some invalid")
        XCTAssertGreaterThan(tally.doubles, 500)
        XCTAssertGreaterThan(tally.integers, 500)
    }

    func testMutatedStratumLinesAndDocumentsParseAsTheReferenceParsesThem() {
        let lines = Self.stratumLines()
        XCTAssertGreaterThan(lines.count, 50)
        var generator = JSONTextGenerator(seed: Self.seed &+ 1)
        var inputs: [[UInt8]] = lines
        for line in lines {
            for cut in stride(from: 0, to: line.count, by: max(1, line.count / 16)) { inputs.append(Array(line[..<cut])) }
        }
        let documents = (0..<300).map { _ in generator.document() }
        for _ in 0..<12000 {
            let base = generator.below(3) == 0 ? documents[generator.below(documents.count)] : lines[generator.below(lines.count)]
            inputs.append(generator.mutate(base))
        }
        let tally = compareWithReference(inputs, what: "mutated")
        XCTAssertGreaterThan(tally.accepted, 1000)
        XCTAssertGreaterThan(tally.rejected, 5000)
    }

    struct Tally { var accepted = 0, rejected = 0, doubles = 0, integers = 0 }

    private func compareWithReference(_ inputs: [[UInt8]], what: String) -> Tally {
        var tally = Tally()
        var failures = 0
        for (number, input) in inputs.enumerated() {
            let parsed = try? JSONValue.parse(input)
            if JSONByteParserTests.foundationTranscodes(input) {  // documented difference
                XCTAssertNil(parsed, "\(what) #\(number): \(Array(input))")
                continue
            }
            let expected = try? JSONReferenceParser.parse(input)
            if !JSONValue.identical(parsed, expected) {
                failures += 1
                if failures <= 10 {
                    XCTFail("""
                        \(what) #\(number) (seed \(Self.seed)): \(String(decoding: input, as: UTF8.self).debugDescription) \
                        bytes \(input.count <= 64 ? "\(input)" : "…")
                        parsed:    \(String(describing: parsed))
                        reference: \(String(describing: expected))
                        """)
                }
            }
            guard let parsed else {
                tally.rejected += 1
                continue
            }
            tally.accepted += 1
            parsed.visitNumbers { if case .double = $0 { tally.doubles += 1 } else { tally.integers += 1 } }
        }
        XCTAssertEqual(failures, 0, "\(what): \(failures) of \(inputs.count) inputs parse otherwise than the reference")
        return tally
    }
}

extension JSONValue {
    func visitNumbers(_ body: (JSONValue) -> Void) {
        switch self {
        case .integer, .double: body(self)
        case .array(let elements): for element in elements { element.visitNumbers(body) }
        case .object(let members): for value in members.values { value.visitNumbers(body) }
        default: break
        }
    }
}

/// Seeded JSON texts: random nesting of objects (repeated keys included) and arrays, strings with
/// escapes, surrogate pairs and raw UTF-8, numbers of every shape, random whitespace and trailing
/// commas, a few deliberate errors; and byte-level mutations of texts.
struct JSONTextGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// splitmix64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    mutating func pick<T>(_ options: [T]) -> T { options[below(options.count)] }

    mutating func document() -> [UInt8] {
        var out: [UInt8] = []
        if chance(2) { out += [0xEF, 0xBB, 0xBF] }
        whitespace(&out)
        value(&out, depth: 0)
        whitespace(&out)
        return out
    }

    private mutating func whitespace(_ out: inout [UInt8]) {
        guard chance(15) else { return }
        for _ in 0..<(1 + below(3)) { out.append(pick([0x20, 0x09, 0x0A, 0x0D])) }
    }

    private mutating func value(_ out: inout [UInt8], depth: Int) {
        let roll = depth > 5 ? 40 + below(60) : below(100)
        switch roll {
        case 0..<20: container(&out, depth: depth, object: true)
        case 20..<35: container(&out, depth: depth, object: false)
        case 35..<60: string(&out)
        case 60..<92: out += Array(number().utf8)
        default: out += Array(pick(["true", "false", "null"]).utf8)
        }
    }

    private mutating func container(_ out: inout [UInt8], depth: Int, object: Bool) {
        out.append(object ? 0x7B : 0x5B)
        let count = below(6)
        var keys: [[UInt8]] = []
        for index in 0..<count {
            if index > 0 { out.append(0x2C) }
            whitespace(&out)
            if object {
                var key: [UInt8] = []
                if !keys.isEmpty && chance(15) { key = pick(keys) } else { string(&key, short: true) }
                keys.append(key)
                out += key
                whitespace(&out)
                out.append(0x3A)
                whitespace(&out)
            }
            value(&out, depth: depth + 1)
            whitespace(&out)
        }
        if count > 0 && chance(5) { out.append(0x2C) }  // trailing comma
        out.append(object ? 0x7D : 0x5D)
    }

    private mutating func string(_ out: inout [UInt8], short: Bool = false) {
        out.append(0x22)
        for _ in 0..<below(short ? 4 : 12) {
            switch below(100) {
            case 0..<45: out.append(UInt8(pick(Array(0x20...0x7E).filter { $0 != 0x22 && $0 != 0x5C })))
            case 45..<60: out += Array(pick(["\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t"]).utf8)
            case 60..<70: out += Array(String(format: "\\u%04x", pick([0, 0x1F, 0x41, 0xE9, 0x301, 0x20AC, 0xFFFF, below(0xD800)])).utf8)
            case 70..<75:
                let scalar = 0x10000 + below(0x100000)
                let high = 0xD800 + ((scalar - 0x10000) >> 10), low = 0xDC00 + ((scalar - 0x10000) & 0x3FF)
                out += Array(String(format: chance(50) ? "\\u%04x\\u%04x" : "\\u%04X\\u%04X", high, low).utf8)
            case 75..<92: out += Array(pick(["é", "e\u{301}", "€", "中", "😀", "\u{7F}", "\u{FFFD}", "𝄞"]).utf8)
            case 92..<94: out += Array(pick(["\\ud800", "\\udc00", "\\ud83dx", "\\x", "\\u12", "\\U0041"]).utf8)  // invalid
            case 94..<96: out.append(pick([0x00, 0x09, 0x0A, 0x1F]))  // raw control: invalid
            case 96..<98: out += pick([[0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0x80]])  // bad UTF-8
            default: out += Array(pick(["\\u0000", "a\\u0000b"]).utf8)
            }
        }
        out.append(0x22)
    }

    private mutating func digits(_ count: Int, leading: Bool = true) -> String {
        var text = ""
        for index in 0..<count { text.append(Character(String(index == 0 && leading ? 1 + below(9) : below(10)))) }
        return text
    }

    mutating func number() -> String {
        let sign = chance(30) ? "-" : ""
        switch below(10) {
        case 0: return sign + String(below(1000))
        case 1: return sign + pick(["0", "9223372036854775807", "9223372036854775808", "9223372036854775806", "18446744073709551616",
                                     "9007199254740992", "9007199254740993", "4503599627370496", "1e308", "2e308", "5e-324",
                                     "2.4703282292062328e-324", "1.7976931348623157e308", "0.1", "0.30000000000000004"])
        case 2: return sign + String(Int64.max - Int64(below(3000)) * Int64(below(1 << 20)))
        case 3:  // the 2^53 … 2^63 range, written with a fraction and exponent
            let integer = String(UInt64(1 << 53) + next() % (UInt64(1) << 63 - UInt64(1) << 53))
            let point = 1 + below(integer.count)
            let fraction = String(repeating: "0", count: below(3) == 0 ? below(30) : 0) + (chance(50) ? digits(below(6), leading: false) : "")
            let shift = below(4) - 1
            let mantissa = integer.prefix(point) + "." + integer.dropFirst(point) + fraction
            let exponent = integer.count - point - shift
            return sign + (mantissa.hasSuffix(".") ? mantissa + "0" : mantissa) + "e" + String(exponent)
        case 4: return sign + digits(1 + below(25)) + "." + digits(1 + below(25), leading: false)
        case 5:
            return sign + (chance(50) ? "0" : digits(1 + below(5))) + (chance(50) ? "." + digits(1 + below(8), leading: false) : "")
                + pick(["e", "E"]) + pick(["", "+", "-"]) + String(below(chance(80) ? 30 : 400))
        case 6: return sign + digits(1 + below(45))
        case 7: return sign + "0." + String(repeating: "0", count: below(20)) + digits(1 + below(20))
        case 8: return sign + String(below(100)) + ".0" + (chance(50) ? "e" + String(below(20)) : "")
        default:  // not JSON numbers
            return pick(["01", "+1", ".5", "1.", "1.e3", "1e", "-", "--1", "0x10", "NaN", "-Infinity", "1e+", "00", "-.5", "1.5.5"])
        }
    }

    private static let tokens: [[UInt8]] = [
        ",", "]", "}", "[", "{", ":", "\"", "\\", "\\u", "\\ud800", "\\u0000", "1e400", "-", "0", ".", "e", " ", "01",
        "null", "tru", "\"a\":1,\"a\":", "99999999999999999999", "9007199254740993.5", "\u{0}", "\u{FEFF}",
    ].map { Array($0.utf8) } + [[0xFF], [0xC3], [0xED, 0xA0, 0x80]]

    mutating func mutate(_ base: [UInt8]) -> [UInt8] {
        var bytes = base
        for _ in 0..<(1 + below(3)) {
            let at = bytes.isEmpty ? 0 : below(bytes.count)
            switch below(6) {
            case 0 where !bytes.isEmpty: bytes[at] = UInt8(truncatingIfNeeded: next())
            case 1 where !bytes.isEmpty: bytes.removeSubrange(at..<min(bytes.count, at + 1 + below(8)))
            case 2: bytes.insert(contentsOf: pick(Self.tokens), at: at)
            case 3: bytes = Array(bytes[..<at])
            case 4 where !bytes.isEmpty:
                let end = min(bytes.count, at + 1 + below(24))
                bytes.insert(contentsOf: Array(bytes[at..<end]), at: below(bytes.count))
            default: bytes.insert(pick(Array("[]{},:\"\\-.e0123456789 tfn".utf8)), at: at)
            }
        }
        return bytes
    }
}
