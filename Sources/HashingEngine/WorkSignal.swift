#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Wakes idle hashing threads when work (or the order to stop) is published, so a thread with
/// nothing to do blocks instead of polling. Only the idle path uses it, never the hash loop.
final class WorkSignal: @unchecked Sendable {  // the pthread objects are used under their own rules
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Blocks the calling thread until `isReady()` holds; it is evaluated under the lock, first
    /// and after every wake-up, so a `broadcast()` after the state changed is never missed.
    func wait(until isReady: () -> Bool) {
        pthread_mutex_lock(mutex)
        while !isReady() { pthread_cond_wait(condition, mutex) }
        pthread_mutex_unlock(mutex)
    }

    /// Wakes every waiting thread (call after changing what `isReady` reads).
    func broadcast() {
        pthread_mutex_lock(mutex)
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
    }
}
