import Foundation
import MiningCore
@testable import Secp256k1
import XCTest

/// secp256k1 arithmetic and BIP340 against the BIP's own vector file (Tests/Fixtures/README.md).
final class Secp256k1Tests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    /// The data rows of a CSV vector file (header dropped), each split into at most `columns` fields
    /// (the last, a comment, keeps any commas).
    static func rows(_ name: String, columns: Int) throws -> [[String]] {
        let text = try String(contentsOf: fixtures.appendingPathComponent(name), encoding: .utf8)
        let lines = text.split(whereSeparator: \.isNewline).dropFirst()
        return lines.map { line in
            line.split(separator: ",", maxSplits: columns - 1, omittingEmptySubsequences: false).map(String.init)
        }
    }

    static func bytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            out.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return out
    }

    func field(_ hex: String) -> FieldElement { FieldElement(exactly: UInt256(hex: hex)!)! }

    func testFieldArithmeticIdentities() {
        let a = field("79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798")
        let b = field("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2E")    // p − 1 = −1
        XCTAssertEqual(b + .one, .zero, "p − 1 + 1 wraps to 0")
        XCTAssertEqual(b * b, .one, "(−1)² = 1")
        XCTAssertEqual(a * b, -a, "a·(−1) = −a")
        XCTAssertEqual(a * a.inverse, .one, "a·a⁻¹ = 1")
        XCTAssertEqual(b.inverse, b, "(−1)⁻¹ = −1")
        XCTAssertEqual((a * b) * (a + b), a * (b * (a + b)), "associativity")
        XCTAssertEqual(a * (a + b), a.squared + a * b, "distributivity")
        let root = a.squared.squareRoot
        XCTAssertNotNil(root)
        XCTAssertTrue(root == a || root == -a, "√(a²) = ±a")
        XCTAssertNil(b.squareRoot, "−1 is not a square mod p (p ≡ 3 mod 4)")
        // 2^256 ≡ 2^32 + 977: (2^128)² exercises the fold.
        let twoTo128 = FieldElement(exactly: UInt256(0, 0, 1, 0))!
        XCTAssertEqual(twoTo128.squared, FieldElement(0x1_0000_03D1))
        XCTAssertEqual(FieldElement(reducing: FieldElement.prime), .zero, "p reduces to 0")
        XCTAssertNil(FieldElement(exactly: FieldElement.prime), "p itself is not a reduced element")
    }

    func testGroupOrderAndGenerator() {
        let g = AffinePoint.generator
        XCTAssertTrue(g.isOnCurve)
        XCTAssertTrue(JacobianPoint.multiply(Scalar.order, g).isInfinity, "n·G = ∞")
        let nMinus1 = Scalar.order.subtractingReportingBorrow(UInt256(1, 0, 0, 0)).difference
        XCTAssertEqual(JacobianPoint.multiply(nMinus1, g).affine, g.negated, "(n − 1)·G = −G")
        let three = JacobianPoint.multiply(UInt256(3, 0, 0, 0), g)
        XCTAssertEqual(three.affine, JacobianPoint(g).doubled.adding(g).affine, "3G = 2G + G")
        XCTAssertEqual(JacobianPoint(g).doubled.adding(JacobianPoint(g)).affine, three.affine, "Jacobian add agrees")
        XCTAssertTrue(three.affine!.isOnCurve)
        XCTAssertEqual(Scalar(reducing: Scalar.order), .zero)
        let half = Scalar(exactly: UInt256(hex: "7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0")!)!
        XCTAssertEqual(half + half, -Scalar(exactly: UInt256(1, 0, 0, 0))!, "2·((n−1)/2) = −1 mod n")
        XCTAssertEqual(half * Scalar(exactly: UInt256(2, 0, 0, 0))!, half + half, "multiplication agrees with addition")
    }

    /// Every row of BIP340's test-vectors.csv: verification gives the file's TRUE/FALSE; where the
    /// row has a secret key, the public key and the signature are reproduced byte for byte.
    func testBIP340Vectors() throws {
        let rows = try Self.rows("bip340-test-vectors.csv", columns: 8)
        XCTAssertEqual(rows.count, 19, "the BIP's 19 rows")
        var verified = 0, signed = 0
        for row in rows {
            let index = row[0], publicKey = Self.bytes(row[2]), message = Self.bytes(row[4])
            let signature = Self.bytes(row[5])
            let expected = row[6] == "TRUE"
            XCTAssertTrue(row[6] == "TRUE" || row[6] == "FALSE", "row \(index): result column")
            XCTAssertEqual(Schnorr.verify(signature: signature, message: message, publicKey: publicKey), expected,
                           "row \(index): verification (\(row[7]))")
            verified += 1
            guard !row[1].isEmpty else { continue }
            let secretKey = Self.bytes(row[1])
            XCTAssertEqual(Schnorr.publicKey(secretKey: secretKey), publicKey, "row \(index): public key")
            XCTAssertEqual(Schnorr.sign(message: message, secretKey: secretKey, auxiliaryRandom: Self.bytes(row[3])),
                           signature, "row \(index): signature")
            signed += 1
        }
        XCTAssertEqual(verified, 19)
        XCTAssertEqual(signed, 8, "rows 0-3 and 15-18 carry secret keys")
    }

    /// How long one verification takes in this build (printed), checked to be valid each time.
    func testVerificationTiming() throws {
        let row = try Self.rows("bip340-test-vectors.csv", columns: 8)[1]
        let publicKey = Self.bytes(row[2]), message = Self.bytes(row[4]), signature = Self.bytes(row[5])
        let clock = ContinuousClock(), count = 10
        var valid = 0
        let elapsed = clock.measure {
            for _ in 0..<count where Schnorr.verify(signature: signature, message: message, publicKey: publicKey) { valid += 1 }
        }
        XCTAssertEqual(valid, count)
        print("BIP340 verify: \(elapsed / count) each")
    }

    func testVerificationRejectsAnyFlippedBit() throws {
        let row = try Self.rows("bip340-test-vectors.csv", columns: 8)[1]
        let publicKey = Self.bytes(row[2]), message = Self.bytes(row[4]), signature = Self.bytes(row[5])
        for (position, bit) in [(0, 0), (31, 7), (32, 0), (63, 3)] {
            var bad = signature
            bad[position] ^= 1 << bit
            XCTAssertFalse(Schnorr.verify(signature: bad, message: message, publicKey: publicKey), "byte \(position)")
        }
        XCTAssertFalse(Schnorr.verify(signature: Array(signature.dropLast()), message: message, publicKey: publicKey))
        XCTAssertFalse(Schnorr.verify(signature: signature, message: message + [0], publicKey: publicKey))
    }
}
