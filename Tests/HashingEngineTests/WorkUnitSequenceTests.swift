@testable import HashingEngine
import MiningCore
import StratumProtocol
import XCTest

/// The work units a thread takes from a template: the header variants each thread walks.
final class WorkUnitSequenceTests: XCTestCase {
    private func job(extranonce2Size: Int = 0, versionMask: UInt32 = 0) throws -> MiningJob {
        let notify = MiningNotify(jobID: "j", prevHash: [UInt8](repeating: 1, count: 32), coinbase1: [2], coinbase2: [3], merkleBranch: [],
                                  version: 0x2000_0000, nbits: 0x1d00_ffff, ntime: 1_700_000_000, cleanJobs: true)
        return try MiningJob(notify: notify, extranonce1: [], extranonce2Size: extranonce2Size, difficulty: 1, versionMask: versionMask,
                             fixedMerkleRoot: extranonce2Size == 0 ? [UInt8](repeating: 9, count: 32) : nil)
    }

    /// A header-only job with a fixed version: the threads split the 2^32 nonces, then roll ntime one
    /// second per pass, up to `maximumNTimeRoll`; each unit's header carries its ntime.
    func testAHeaderOnlyJobWithAFixedVersionRollsNTimeAfterEachFullPass() throws {
        let headerOnly = try job()
        let template = WorkTemplate(job: headerOnly, epoch: 1)
        var threads = (0..<2).map { WorkUnitSequence(template: template, threadIndex: $0, threadCount: 2) }
        for pass in UInt32(0)..<3 {
            let units = try threads.indices.map { try XCTUnwrap(threads[$0].next()) }
            XCTAssertEqual(units.map(\.ntime), [1_700_000_000 + pass, 1_700_000_000 + pass])
            XCTAssertEqual(units.map(\.firstNonce), [0, 1 << 31])
            XCTAssertEqual(units.map(\.nonceCount), [1 << 31, 1 << 31])
            let expected = headerOnly.kernelWork(extranonce2: [], ntime: 1_700_000_000 + pass)
            XCTAssertTrue(units.allSatisfy { $0.work == expected }, "the kernel hashes headers with the rolled ntime")
            XCTAssertNotEqual(expected, headerOnly.kernelWork(extranonce2: [], ntime: 1_700_000_000 + pass + 1))
            XCTAssertTrue(units.allSatisfy { $0.versionBits == nil && $0.extranonce2.isEmpty })
        }
        var last = WorkUnitSequence(template: template, threadIndex: 0, threadCount: 1)
        var passes: UInt64 = 0
        while let unit = last.next() {
            XCTAssertEqual(UInt64(unit.ntime - 1_700_000_000), passes)
            passes += 1
        }
        XCTAssertEqual(passes, WorkUnitSequence.maximumNTimeRoll + 1, "the job's ntime and up to maximumNTimeRoll seconds past it")
    }

    /// A narrowed nonce range (tests, benchmarks) is one pass; rolling version bits or extranonce2 keeps
    /// the job's ntime.
    func testOtherWorkKeepsTheJobsNTime() throws {
        var narrow = WorkUnitSequence(template: WorkTemplate(job: try job(), epoch: 1, nonceRange: 0...999), threadIndex: 0, threadCount: 1)
        XCTAssertNotNil(narrow.next())
        XCTAssertNil(narrow.next())
        var rolling = WorkUnitSequence(template: WorkTemplate(job: try job(versionMask: VersionRolling.standardMask), epoch: 1),
                                       threadIndex: 0, threadCount: 1)
        let units = (0..<3).compactMap { _ in rolling.next() }
        XCTAssertEqual(units.map(\.ntime), [1_700_000_000, 1_700_000_000, 1_700_000_000])
        XCTAssertEqual(Set(units.compactMap(\.versionBits)).count, 3)
    }
}
