import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The systemd notify protocol (`sd_notify(3)`), implemented directly: one datagram per message to
/// the `AF_UNIX` socket named by `$NOTIFY_SOCKET` (a path, or an abstract name written `@name`).
/// Without `$NOTIFY_SOCKET` (not under systemd) every call does nothing.
public final class SystemdNotifier: Sendable {
    private let address: [UInt8]?
    /// The watchdog period systemd asked for (`$WATCHDOG_USEC`, when `$WATCHDOG_PID` is unset or ours).
    public let watchdogInterval: Duration?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        if let socket = environment["NOTIFY_SOCKET"], !socket.isEmpty,
           socket.hasPrefix("/") || socket.hasPrefix("@") {
            var bytes = Array(socket.utf8)
            if bytes[0] == UInt8(ascii: "@") { bytes[0] = 0 }  // abstract namespace
            address = bytes
        } else {
            address = nil
        }
        if let text = environment["WATCHDOG_USEC"], let usec = UInt64(text), usec > 0,
           environment["WATCHDOG_PID"].map({ $0 == String(getpid()) }) ?? true {
            watchdogInterval = .microseconds(Int64(clamping: usec))
        } else {
            watchdogInterval = nil
        }
    }

    /// Sends `state` (newline-separated `KEY=VALUE` assignments). Returns false when not under
    /// systemd or when the datagram could not be sent.
    @discardableResult
    public func notify(_ state: String) -> Bool {
        guard let address, address.count < MemoryLayout.size(ofValue: sockaddr_un().sun_path) else { return false }
        #if os(Linux)
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(AF_UNIX, SOCK_DGRAM, 0)
        #endif
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { path in
            for (i, byte) in address.enumerated() { path[i] = byte }
        }
        // Abstract names are not NUL-terminated: the length says where they end.
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)! + address.count
                               + (address.first == 0 ? 0 : 1))
        let payload = Array(state.utf8)
        let sent = payload.withUnsafeBytes { bytes in
            withUnsafePointer(to: &addr) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL), $0, length)
                }
            }
        }
        return sent == payload.count
    }

    public func ready(status: String? = nil) {
        notify(status.map { "READY=1\nSTATUS=\(Self.clean($0))" } ?? "READY=1")
    }

    public func status(_ text: String) { notify("STATUS=\(Self.clean(text))") }

    public func watchdog() { notify("WATCHDOG=1") }

    /// `RELOADING=1` with the `MONOTONIC_USEC` that `Type=notify-reload` wants.
    public func reloading() {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let usec = UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
        notify("RELOADING=1\nMONOTONIC_USEC=\(usec)")
    }

    public func stopping() { notify("STOPPING=1") }

    private static func clean(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }
}
