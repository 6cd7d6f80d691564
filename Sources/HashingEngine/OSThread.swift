#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A dedicated POSIX thread that can be joined. Hashing never runs on Swift concurrency's
/// cooperative pool, whose few threads must never be blocked by CPU loops.
final class OSThread: @unchecked Sendable {  // handle is written once, in init
    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    #if canImport(Darwin)
    private var handle: pthread_t?
    #else
    private var handle = pthread_t()
    #endif

    init(_ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Body(body))
        let result = pthread_create(&handle, nil, { argument in
            #if canImport(Darwin)
            let box = Unmanaged<Body>.fromOpaque(argument).takeRetainedValue()
            #else
            let box = Unmanaged<Body>.fromOpaque(argument!).takeRetainedValue()
            #endif
            box.run()
            return nil
        }, box.toOpaque())
        precondition(result == 0, "pthread_create failed: \(result)")
    }

    /// Waits for the thread to finish.
    func join() {
        #if canImport(Darwin)
        if let handle { pthread_join(handle, nil) }
        #else
        pthread_join(handle, nil)
        #endif
    }
}

/// Monotonic time in nanoseconds (cheap: vDSO).
@inline(__always)
func monotonicNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
}
