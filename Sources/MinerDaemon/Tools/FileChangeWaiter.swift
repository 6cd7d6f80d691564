import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Blocks until something changes in a file's directory (inotify on Linux): written, created,
/// renamed into place or away, truncated. `swiftminer status --follow` waits on it between reads
/// of the share log instead of polling, and it sees rotation and recreation because it watches
/// the directory, not the file.
public final class FileChangeWaiter {
    #if os(Linux)
    private let descriptor: Int32
    #endif

    /// Watches the directory that holds `path`; nil when the system refuses a watch.
    public init?(watching path: String) {
        #if os(Linux)
        let directory = (path as NSString).deletingLastPathComponent
        descriptor = inotify_init1(Int32(IN_CLOEXEC))
        guard descriptor >= 0 else { return nil }
        let mask = UInt32(IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CLOSE_WRITE | IN_ATTRIB)
        guard inotify_add_watch(descriptor, directory.isEmpty ? "." : directory, mask) >= 0 else {
            close(descriptor)
            return nil
        }
        #else
        return nil
        #endif
    }

    deinit {
        #if os(Linux)
        close(descriptor)
        #endif
    }

    /// Waits for the next change (nil: for ever); true when one came, false when the time ran out.
    /// Every event queued by then is consumed, so one call answers a burst of writes.
    public func wait(timeout: Duration? = nil) -> Bool {
        #if os(Linux)
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let milliseconds = timeout.map { Int32(clamping: Int64(($0 / .milliseconds(1)).rounded(.up))) } ?? -1
        var ready: Int32
        repeat { ready = poll(&entry, 1, milliseconds) } while ready < 0 && errno == EINTR
        guard ready > 0 else { return false }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        _ = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        return true
        #else
        return false
        #endif
    }
}
