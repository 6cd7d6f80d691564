import MiningCore
@testable import Secp256k1
import XCTest

/// BIP324 ElligatorSwift against the BIP's vector files (Tests/Fixtures/README.md).
final class Secp256k1ElligatorSwiftTests: XCTestCase {
    func field(_ hex: String) -> FieldElement { FieldElement(exactly: UInt256(hex: hex)!)! }

    /// ellswift_decode_test_vectors.csv: every 64-byte encoding decodes to the file's x.
    func testConstantIsTheSquareRootOfMinus3ThatIsASquare() {
        XCTAssertEqual(-ElligatorSwift.c.squared, FieldElement(3), "−c² = 3")
        XCTAssertTrue(ElligatorSwift.c.isSquare, "the BIP picks the root that is a square")
    }

    func testDecodeVectors() throws {
        let rows = try Secp256k1Tests.rows("bip324-ellswift_decode_test_vectors.csv", columns: 3)
        XCTAssertEqual(rows.count, 76)
        for (index, row) in rows.enumerated() {
            XCTAssertEqual(ElligatorSwift.decode(Secp256k1Tests.bytes(row[0]))?.bytes, Secp256k1Tests.bytes(row[1]),
                           "row \(index): \(row[2])")
        }
    }

    /// xswiftec_inv_test_vectors.csv: for every (u, x) and case 0...7, the file's t or none; each t
    /// found decodes back to x.
    func testInverseVectors() throws {
        let rows = try Secp256k1Tests.rows("bip324-xswiftec_inv_test_vectors.csv", columns: 11)
        XCTAssertEqual(rows.count, 32)
        var found = 0
        for (index, row) in rows.enumerated() {
            let u = field(row[0]), x = field(row[1])
            for branch in 0..<8 {
                let t = ElligatorSwift.xSwiftECInverse(x: x, u: u, case: branch)
                let expected = row[2 + branch]
                XCTAssertEqual(t?.bytes ?? [], expected.isEmpty ? [] : Secp256k1Tests.bytes(expected),
                               "row \(index) case \(branch)")
                if let t {
                    XCTAssertEqual(ElligatorSwift.xSwiftEC(u: u, t: t), x, "row \(index) case \(branch): round trip")
                    found += 1
                }
            }
        }
        XCTAssertGreaterThan(found, 0)
    }

    /// packet_encoding_test_vectors.csv: our x from the secret key and from our encoding, their x,
    /// the x-only ECDH and the hashed shared secret, for both roles.
    func testSharedSecretVectors() throws {
        let rows = try Secp256k1Tests.rows("bip324-packet_encoding_test_vectors.csv", columns: 22)
        XCTAssertEqual(rows.count, 7)
        for row in rows {
            let index = row[0], b = Secp256k1Tests.bytes
            let secretKey = b(row[1]), ours = b(row[2]), theirs = b(row[3])
            XCTAssertEqual(Schnorr.publicKey(secretKey: secretKey), b(row[9]), "row \(index): x(d·G)")
            XCTAssertEqual(ElligatorSwift.decode(ours)?.bytes, b(row[9]), "row \(index): our encoding")
            XCTAssertEqual(ElligatorSwift.decode(theirs)?.bytes, b(row[10]), "row \(index): their encoding")
            XCTAssertEqual(ElligatorSwift.ecdhXOnly(theirs: theirs, secretKey: secretKey), b(row[11]), "row \(index): ECDH x")
            XCTAssertEqual(ElligatorSwift.sharedSecret(ours: ours, theirs: theirs, secretKey: secretKey,
                                                       initiating: row[4] == "1"), b(row[12]), "row \(index): shared secret")
        }
    }

    /// A seeded generator, so a failure reproduces (SplitMix64).
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// ellswift_create: encodings made from each packet vector's secret key decode to its x, differ
    /// from draw to draw, and two parties' secrets from fresh encodings agree.
    func testEncodingRoundTripsAndAgreesOnTheSharedSecret() throws {
        let rows = try Secp256k1Tests.rows("bip324-packet_encoding_test_vectors.csv", columns: 22)
        var generator = SeededGenerator(state: 324)
        for row in rows.prefix(3) {
            let index = row[0], secretKey = Secp256k1Tests.bytes(row[1])
            let first = try XCTUnwrap(ElligatorSwift.publicKey(secretKey: secretKey, using: &generator))
            let second = try XCTUnwrap(ElligatorSwift.publicKey(secretKey: secretKey, using: &generator))
            XCTAssertEqual(first.count, 64)
            XCTAssertNotEqual(first, second, "row \(index): a fresh encoding each time")
            XCTAssertEqual(ElligatorSwift.decode(first)?.bytes, Secp256k1Tests.bytes(row[9]), "row \(index): decodes to x(d·G)")
            XCTAssertEqual(ElligatorSwift.decode(second)?.bytes, Secp256k1Tests.bytes(row[9]), "row \(index): decodes to x(d·G)")
        }
        let alice = Secp256k1Tests.bytes(rows[0][1]), bob = Secp256k1Tests.bytes(rows[1][1])
        let aliceKey = try XCTUnwrap(ElligatorSwift.publicKey(secretKey: alice, using: &generator))
        let bobKey = try XCTUnwrap(ElligatorSwift.publicKey(secretKey: bob, using: &generator))
        let initiator = ElligatorSwift.sharedSecret(ours: aliceKey, theirs: bobKey, secretKey: alice, initiating: true)
        let responder = ElligatorSwift.sharedSecret(ours: bobKey, theirs: aliceKey, secretKey: bob, initiating: false)
        XCTAssertNotNil(initiator)
        XCTAssertEqual(initiator, responder, "both sides derive the same secret")
        XCTAssertNotEqual(initiator, ElligatorSwift.sharedSecret(ours: aliceKey, theirs: bobKey, secretKey: alice, initiating: false),
                          "the role decides the order of the encodings")
    }

    /// How long ellswift_create and one x-only ECDH take in this build (printed); results checked.
    func testEncodingAndECDHTiming() throws {
        let row = try Secp256k1Tests.rows("bip324-packet_encoding_test_vectors.csv", columns: 22)[0]
        let b = Secp256k1Tests.bytes, secretKey = b(row[1]), theirs = b(row[3])
        var generator = SeededGenerator(state: 25)
        let clock = ContinuousClock(), count = 5
        var encodings: [[UInt8]] = [], secrets: [[UInt8]?] = []
        let create = clock.measure {
            for _ in 0..<count { encodings.append(ElligatorSwift.publicKey(secretKey: secretKey, using: &generator) ?? []) }
        }
        let ecdh = clock.measure {
            for _ in 0..<count { secrets.append(ElligatorSwift.ecdhXOnly(theirs: theirs, secretKey: secretKey)) }
        }
        XCTAssertEqual(encodings.compactMap { ElligatorSwift.decode($0)?.bytes }, Array(repeating: b(row[9]), count: count))
        XCTAssertEqual(secrets, Array(repeating: b(row[11]), count: count))
        print("ellswift_create: \(create / count) each; x-only ECDH: \(ecdh / count) each")
    }
}
