import Configuration
import HashingEngine

extension KernelChoice {
    /// The kernel; throws with a clear message when this CPU lacks what a forced kernel needs.
    public func makeKernel() throws -> any NonceScanningKernel {
        switch self {
        case .automatic: KernelSelection.automatic()
        case .specific(let kind): try KernelSelection.make(kind)
        }
    }
}
