import HashingEngine
import MiningCore
import XCTest

/// `KernelVerification`: every kernel this CPU runs agrees with the reference scanner, and a
/// kernel that misses matches is caught.
final class KernelVerificationTests: XCTestCase {
    func testEveryAvailableKernelPassesVerification() throws {
        for kind in KernelSelection.available() {
            XCTAssertNoThrow(try KernelVerification.verify(try KernelSelection.make(kind)), kind.rawValue)
        }
    }

    func testVerificationCatchesAWrongKernel() {
        /// A kernel that drops every other match.
        struct Faulty: NonceScanningKernel {
            var kind: KernelKind { .avx2 }
            func scan(_ work: KernelWork, firstNonce: UInt32, count: UInt32, found: UnsafeMutableBufferPointer<UInt32>) -> Int {
                let all = SwiftKernel().scan(work, firstNonce: firstNonce, count: count, found: found)
                return all / 2
            }
        }
        XCTAssertThrowsError(try KernelVerification.verify(Faulty()))
    }
}
