import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `shares.jsonl`: one `ShareLogRecord` per line per share outcome, appended when the outcome is known.
///
/// Reopened on SIGHUP (for logrotate); rotated to `shares.jsonl.1` … `.N` past a size cap. When a
/// write fails (directory gone, disk full) the lines are kept in memory (bounded) and written when
/// writing works again; the caller is told so it can warn (at most once a minute).
public final class ShareLog: @unchecked Sendable {  // used by one actor at a time
    public let path: String
    /// Rotate when the file would grow past this many bytes (nil: never).
    public let maxBytes: Int?
    /// How many rotated files to keep.
    public let keep: Int
    /// Lines waiting for a write that works; the oldest are dropped past this many.
    public static let maxBufferedLines = 10_000

    private var fd: Int32 = -1
    private var size = 0
    private var buffered: [String] = []
    public private(set) var droppedLines = 0
    public private(set) var writeFailures = 0

    public init(path: String, maxBytes: Int? = 64 << 20, keep: Int = 5) {
        self.path = path
        self.maxBytes = maxBytes
        self.keep = max(1, keep)
    }

    deinit { if fd >= 0 { close(fd) } }

    public var pendingLines: Int { buffered.count }

    /// Appends a record's line. Returns an error description when the line could not be written
    /// yet (it stays buffered), or when the record has no JSON form (it is dropped).
    @discardableResult
    public func append(_ record: ShareLogRecord) -> String? {
        let line: String
        do { line = try record.line() } catch {
            droppedLines += 1
            return "a share record cannot be written as JSON: \(error)"
        }
        buffered.append(line)
        if buffered.count > Self.maxBufferedLines {
            buffered.removeFirst(buffered.count - Self.maxBufferedLines)
            droppedLines += 1
        }
        return flush()
    }

    /// Writes what is buffered. Returns an error description if something is still unwritten.
    @discardableResult
    public func flush() -> String? {
        while let line = buffered.first {
            if fd < 0, let error = openFile() { return fail(error) }
            let bytes = Array((line + "\n").utf8)
            if let maxBytes, size > 0, size + bytes.count > maxBytes {
                if let error = rotate() { return fail(error) }
                if let error = openFile() { return fail(error) }
            }
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress!, $0.count) }
            if written != bytes.count {
                let error = written < 0 ? String(cString: strerror(errno)) : "short write"
                if written > 0 {
                    // A partial line would corrupt the log: cut it off again.
                    _ = ftruncate(fd, off_t(size))
                }
                close(fd)
                fd = -1
                return fail("write \(path): \(error)")
            }
            size += bytes.count
            buffered.removeFirst()
        }
        return nil
    }

    /// Closes the file so the next write opens it anew (SIGHUP, after logrotate moved it).
    public func reopen() {
        if fd >= 0 { close(fd) }
        fd = -1
        flush()
    }

    private func fail(_ error: String) -> String {
        writeFailures += 1
        return error
    }

    private func openFile() -> String? {
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return "open \(path): \(String(cString: strerror(errno)))" }
        var info = stat()
        size = fstat(fd, &info) == 0 ? Int(info.st_size) : 0
        return nil
    }

    private func rotate() -> String? {
        if fd >= 0 { close(fd) }
        fd = -1
        unlink("\(path).\(keep)")
        for index in stride(from: keep - 1, through: 1, by: -1) {
            rename("\(path).\(index)", "\(path).\(index + 1)")
        }
        if rename(path, "\(path).1") != 0 && errno != ENOENT {
            return "rotate \(path): \(String(cString: strerror(errno)))"
        }
        size = 0
        return nil
    }
}
