import Foundation
import HashingEngine
import MiningCore

/// Test-only: a real kernel that also reports, in its first `lies` batches, one nonce of the
/// batch that is not a match. The engine's independent re-check must refuse each of them.
final class LyingKernel: NonceScanningKernel, @unchecked Sendable {  // liesLeft is under lock
    let honest: any NonceScanningKernel
    private let lock = NSLock()
    private var liesLeft: Int

    init(honest: any NonceScanningKernel, lies: Int) {
        self.honest = honest
        liesLeft = lies
    }

    var kind: KernelKind { honest.kind }

    func scan(_ work: KernelWork, firstNonce: UInt32, count: UInt32, found: UnsafeMutableBufferPointer<UInt32>) -> Int {
        let matches = honest.scan(work, firstNonce: firstNonce, count: count, found: found)
        guard matches < found.count, count > UInt32(matches), takeLie() else {
            return matches
        }
        // A nonce of this batch the honest kernel did not report.
        let reported = Set(found[0..<matches])
        var lie = firstNonce
        while reported.contains(lie) { lie &+= 1 }
        found[matches] = lie
        return matches + 1
    }

    private func takeLie() -> Bool {
        lock.withLock {
            guard liesLeft > 0 else { return false }
            liesLeft -= 1
            return true
        }
    }
}
