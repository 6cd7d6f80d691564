import Foundation
import XCTest

/// Rules the repository keeps about itself: a clone is the whole project, folder names are safe
/// on case-insensitive file systems, and no function in `Sources` grows past 80 lines.
final class RepositoryRulesTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Every file below `folder` (relative paths), skipping build outputs and hidden folders.
    static func files(under folder: String) -> [String] {
        let base = root.appendingPathComponent(folder)
        guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey],
                                                          options: [.skipsHiddenFiles]) else { return [] }
        var found: [String] = []
        for case let url as URL in walker {
            let relative = String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1))
            if relative.hasPrefix(".build") || relative.contains("/corpus") { continue }
            if (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true { found.append(relative) }
        }
        return found
    }

    static let trackedFolders = ["Sources", "Tests", "Fuzz", "scripts", "Docs", "Config", "systemd", ".ci"]

    func testNothingNamesFilesOutsideTheRepository() throws {
        var offenders: [String] = []
        let paths = Self.trackedFolders.flatMap(Self.files(under:)) + ["Package.swift", "README.md", "Makefile"]
        let outside = "../" + "shared"    // split so this file does not name it either
        for path in paths where !path.hasSuffix(".json") && !path.hasSuffix(".pem") {
            guard let text = try? String(contentsOf: Self.root.appendingPathComponent(path), encoding: .utf8) else { continue }
            if text.contains(outside) { offenders.append(path) }
        }
        XCTAssertGreaterThan(paths.count, 100, "the walk found the repository")
        XCTAssertEqual(offenders, [], "these name a folder beside the checkout, which a clone does not have")
    }

    func testNoTwoPathsDifferOnlyByCase() {
        var seen: [String: String] = [:]
        var clashes: [String] = []
        for path in Self.trackedFolders.flatMap(Self.files(under:)) {
            var prefix = ""
            for component in path.split(separator: "/") {
                prefix += prefix.isEmpty ? String(component) : "/\(component)"
                let folded = prefix.lowercased()
                if let other = seen[folded], other != prefix { clashes.append("\(other) ~ \(prefix)") }
                seen[folded] = prefix
            }
        }
        XCTAssertEqual(Set(clashes), [], "a case-insensitive file system (macOS' default) would merge these")
    }

    func testNoFunctionInSourcesIsLongerThan80Lines() throws {
        var long: [String] = []
        for path in Self.files(under: "Sources") where path.hasSuffix(".swift") {
            let text = try String(contentsOf: Self.root.appendingPathComponent(path), encoding: .utf8)
            for function in FunctionLengths.measure(text) where function.lines > 80 {
                long.append("\(path):\(function.line) \(function.lines) lines: \(function.declaration)")
            }
        }
        XCTAssertEqual(long, [], "split these into functions that say what each part does")
    }

    func testFunctionLengthsCountsFromTheDeclarationToItsClosingBrace() {
        let source = """
            struct S {
                func short() { print("{") }
                init(a: Int,
                     b: Int) {
                    let x = "}}}" // }
                    if a > b {
                        print(x)
                    }
                }
            }
            """
        let measured = FunctionLengths.measure(source)
        XCTAssertEqual(measured.map(\.lines), [1, 7])
        XCTAssertEqual(measured.map(\.line), [2, 3])
    }
}

/// A rough Swift function measure: a `func` or `init` declaration up to the brace that closes its
/// body, braces inside string literals and `//` comments ignored.
enum FunctionLengths {
    struct Function { let line: Int; let lines: Int; let declaration: String }

    static func measure(_ text: String) -> [Function] {
        let lines = text.components(separatedBy: "\n")
        var functions: [Function] = []
        for (index, line) in lines.enumerated() where isDeclaration(line) {
            if let end = closingLine(of: lines, from: index) {
                functions.append(Function(line: index + 1, lines: end - index + 1,
                                          declaration: line.trimmingCharacters(in: .whitespaces)))
            }
        }
        return functions
    }

    static func isDeclaration(_ line: String) -> Bool {
        let code = line.trimmingCharacters(in: .whitespaces)
        if code.hasPrefix("//") || code.hasPrefix("*") { return false }
        return code.range(of: #"(^|\s)func\s+\S"#, options: .regularExpression) != nil
            || code.range(of: #"(^|\s)init[?!]?\s*[(<]"#, options: .regularExpression) != nil
    }

    /// The index of the line whose brace closes the body opened at or after `start` (a
    /// declaration without a body within 15 lines is a protocol requirement: nil).
    static func closingLine(of lines: [String], from start: Int) -> Int? {
        var depth = 0
        var opened = false
        for index in start..<lines.count {
            for character in code(of: lines[index]) {
                if character == "{" { depth += 1; opened = true }
                if character == "}" { depth -= 1 }
            }
            if opened && depth <= 0 { return index }
            if !opened && index > start + 15 { return nil }
        }
        return nil
    }

    /// A line without its string literals and `//` comment.
    static func code(of line: String) -> String {
        var result = ""
        var inString = false
        var escaped = false
        var previous: Character = " "
        for character in line {
            if inString {
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == "\"" { inString = false }
            } else if character == "\"" {
                inString = true
            } else if character == "/" && previous == "/" {
                result.removeLast()
                break
            } else {
                result.append(character)
            }
            previous = character
        }
        return result
    }
}
