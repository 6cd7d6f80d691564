import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Reads lines appended to a file, like `tail -f`: survives the file not existing yet, being
/// rotated (renamed away and recreated) or truncated.
public final class ShareLogFollower {
    public let path: String
    private var handle: FileHandle?
    private var inode: UInt64 = 0
    private var offset: UInt64 = 0
    private var partial = Data()

    /// - Parameter fromEnd: start at the current end (only new lines) or at the beginning.
    public init(path: String, backlog: Int = 10) {
        self.path = path
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
            backlogLines = lines.suffix(backlog).map(String.init)
            openIfNeeded()
            offset = UInt64(text.utf8.count)
            handle?.seek(toFileOffset: offset)
        }
    }

    /// The last lines that were there when following began.
    public private(set) var backlogLines: [String] = []

    /// Complete lines appended since the last call.
    public func poll() -> [String] {
        var info = stat()
        if stat(path, &info) != 0 {
            return []
        }
        if UInt64(info.st_ino) != inode || UInt64(info.st_size) < offset {
            // Rotated or truncated: read the new file from its start.
            handle?.closeFile()
            handle = nil
            offset = 0
            partial.removeAll()
        }
        openIfNeeded()
        guard let handle else { return [] }
        handle.seek(toFileOffset: offset)
        let data = handle.readDataToEndOfFile()
        offset += UInt64(data.count)
        partial.append(data)
        var lines: [String] = []
        while let newline = partial.firstIndex(of: UInt8(ascii: "\n")) {
            let line = partial[partial.startIndex..<newline]
            lines.append(String(decoding: line, as: UTF8.self))
            partial.removeSubrange(partial.startIndex...newline)
        }
        return lines
    }

    private func openIfNeeded() {
        guard handle == nil, let opened = FileHandle(forReadingAtPath: path) else { return }
        handle = opened
        var info = stat()
        if fstat(opened.fileDescriptor, &info) == 0 { inode = UInt64(info.st_ino) }
    }
}
