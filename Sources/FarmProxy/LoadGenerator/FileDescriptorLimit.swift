#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's open-file limit: a thousand connections need more than the usual soft limit of
/// 1,024 descriptors, so both sides of the load test raise it (up to the hard limit) first.
public enum FileDescriptorLimit {
    /// Raises the soft limit to at least `count` where the hard limit allows; returns the soft
    /// limit in force afterwards (nil: unknown).
    @discardableResult
    public static func raise(toAtLeast count: Int) -> Int? {
        var limit = rlimit()
        guard get(&limit) else { return nil }
        let wanted = rlim_t(max(0, count))
        if limit.rlim_cur < wanted {
            var raised = limit
            raised.rlim_cur = min(wanted, limit.rlim_max)
            if set(&raised) { limit = raised }
        }
        return limit.rlim_cur >= rlim_t(Int.max) ? Int.max : Int(limit.rlim_cur)
    }

    private static func get(_ limit: inout rlimit) -> Bool {
        #if canImport(Glibc)
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0
        #else
        getrlimit(RLIMIT_NOFILE, &limit) == 0
        #endif
    }

    private static func set(_ limit: inout rlimit) -> Bool {
        #if canImport(Glibc)
        setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0
        #else
        setrlimit(RLIMIT_NOFILE, &limit) == 0
        #endif
    }
}
