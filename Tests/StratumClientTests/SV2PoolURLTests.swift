import MiningCore
import PoolSettings
import XCTest

/// `stratum2+tcp://HOST:PORT/KEY` and the authority key's base58check (sv2-spec §4.7.1).
final class SV2PoolURLTests: XCTestCase {
    /// sv2-spec §4.7.1's test vector.
    static let vectorKey: [UInt8] = [118, 99, 112, 0, 151, 156, 28, 17, 175, 12, 48, 11, 205, 140, 127, 228, 134, 16, 252, 233, 185,
                                     193, 30, 61, 174, 227, 90, 224, 176, 138, 116, 85]
    static let vectorText = "9bXiEd8boQVhq7WddEcERUL5tyyJVFYdU8th3HfbNXK3Yw6GRXh"

    func testTheSpecsAuthorityKeyVectorEncodesAndDecodes() throws {
        let key = try XCTUnwrap(SV2AuthorityKey(xOnly: Self.vectorKey))
        XCTAssertEqual(key.base58, Self.vectorText)
        XCTAssertEqual(try SV2AuthorityKey(base58: Self.vectorText).xOnly, Self.vectorKey)
    }

    func testBase58CheckKeepsLeadingZerosAndCatchesTypos() throws {
        XCTAssertEqual(try Base58Check.decodeBody(Base58Check.encode(body: [0, 0, 1, 2])), [0, 0, 1, 2])
        XCTAssertTrue(Base58Check.encode(body: [0, 0, 1]).hasPrefix("11"))
        var typo = Array(Self.vectorText)
        typo[10] = typo[10] == "a" ? "b" : "a"
        XCTAssertThrowsError(try SV2AuthorityKey(base58: String(typo))) { error in
            XCTAssertEqual(error as? SV2AuthorityKey.ParseError, .encoding(.invalidChecksum))
        }
        XCTAssertThrowsError(try SV2AuthorityKey(base58: "0OIl")) { error in
            XCTAssertEqual(error as? SV2AuthorityKey.ParseError, .encoding(.invalidCharacter))
        }
        // A valid base58check payload of the wrong shape.
        XCTAssertThrowsError(try SV2AuthorityKey(base58: Base58Check.encode(body: [1, 0, 1, 2]))) { error in
            XCTAssertEqual(error as? SV2AuthorityKey.ParseError, .wrongLength(4))
        }
        XCTAssertThrowsError(try SV2AuthorityKey(base58: Base58Check.encode(body: [2, 0] + Self.vectorKey))) { error in
            XCTAssertEqual(error as? SV2AuthorityKey.ParseError, .unknownVersion(2))
        }
        // x = 5 is not the x coordinate of a point on secp256k1 (5³ + 7 = 132 is not a square mod p).
        XCTAssertNil(SV2AuthorityKey(xOnly: [UInt8](repeating: 0, count: 31) + [5]))
    }

    func testStratumV2URLsCarryTheirKeyAndEveryOtherSchemeHasNone() throws {
        let endpoint = try XCTUnwrap(PoolEndpoint(url: "stratum2+tcp://pool.example.com:34254/\(Self.vectorText)"))
        XCTAssertTrue(endpoint.isStratumV2)
        XCTAssertFalse(endpoint.useTLS)
        XCTAssertEqual(endpoint.port, 34254)
        XCTAssertEqual(endpoint.authorityKey?.xOnly, Self.vectorKey)
        XCTAssertEqual(endpoint.url, "stratum2+tcp://pool.example.com:34254/\(Self.vectorText)")
        XCTAssertFalse(try XCTUnwrap(PoolEndpoint(url: "stratum+tcp://pool.example.com:3333")).isStratumV2)
        XCTAssertEqual(PoolEndpoint.parse("stratum2+tcp://pool.example.com:34254"), .failure(.missingAuthorityKey))
        XCTAssertEqual(PoolEndpoint.parse("stratum2+tcp://pool.example.com:34254/abc"), .failure(.authorityKey(.encoding(.tooShort))))
        XCTAssertEqual(PoolEndpoint.parse("stratum+tcp://pool.example.com:3333/\(Self.vectorText)"), .failure(.unexpectedPath))
        XCTAssertEqual(PoolEndpoint.parse("stratum3+tcp://pool.example.com:3333"), .failure(.unknownScheme("stratum3+tcp")))
    }
}
