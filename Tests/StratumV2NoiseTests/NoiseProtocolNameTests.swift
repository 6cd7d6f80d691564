import XCTest
@testable import StratumV2Noise

final class NoiseProtocolNameTests: XCTestCase {
    func testProtocolNameIsTheSpecsAsciiName() {
        XCTAssertEqual(Array(NoiseProtocolName.stratumV2.utf8).count, 46)
    }
}
