import XCTest
@testable import StratumV2Noise

final class NoiseProtocolNameTests: XCTestCase {
    func testProtocolNameIsTheSpecsAsciiName() {
        // "Noise_NX_Secp256k1+EllSwift_ChaChaPoly_SHA256" is 45 ASCII bytes: over 32, so §4.5.1 hashes it.
        XCTAssertEqual(Array(NoiseProtocolName.stratumV2.utf8).count, 45)
    }
}
