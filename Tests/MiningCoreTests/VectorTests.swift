import MiningCore
import StratumProtocol
import TestVectors
import XCTest

/// Every vector of every kind the core handles, loaded from Tests/Fixtures/vectors.json.
final class VectorTests: XCTestCase {
    static let handledKinds: Set<String> = [
        "sha256", "sha256d", "txid", "sha256_midstate", "block_header", "header_chain", "merkle_root",
        "block_txids", "stratum_share", "stratum_job_from_block", "share_header", "diff1_constant",
        "difficulty_target", "nbits_target", "nbits_difficulty",
    ]

    func testEveryKindInTheFileIsHandled() throws {
        let kinds = Set(try VectorFile.all().compactMap { $0["kind"]?.stringValue })
        XCTAssertEqual(kinds.subtracting(Self.handledKinds), [], "vector kinds without a test")
    }

    func testSHA256() throws {
        for v in try VectorFile.vectors(kind: "sha256") {
            XCTAssertEqual(Hex.encode(SHA256.hash(try v.messageBytes())), try v["expected"]!.string("sha256_hex"), v.id)
        }
    }

    func testSHA256D() throws {
        for v in try VectorFile.vectors(kind: "sha256d") {
            let message = try v.messageBytes()
            let expected = v["expected"]!
            if let single = expected["sha256_hex"]?.stringValue {
                XCTAssertEqual(Hex.encode(SHA256.hash(message)), single, v.id)
            }
            let double = Hex.encode(SHA256.hashTwice(message))
            if let full = expected["sha256d_hex"]?.stringValue { XCTAssertEqual(double, full, v.id) }
            if let prefix = expected["sha256d_prefix_hex"]?.stringValue { XCTAssertTrue(double.hasPrefix(prefix), v.id) }
            XCTAssertTrue(expected["sha256d_hex"] != nil || expected["sha256d_prefix_hex"] != nil, "\(v.id) checks nothing")
        }
    }

    func testTxid() throws {
        for v in try VectorFile.vectors(kind: "txid") {
            let tx = try XCTUnwrap(Hex.decode(try v.string("tx_hex")))
            XCTAssertEqual(Hex.encode(SHA256.hashTwice(tx).reversed()), try v["expected"]!.string("txid_display"), v.id)
        }
    }

    func testMidstate() throws {
        for v in try VectorFile.vectors(kind: "sha256_midstate") {
            let fields = v["fields"]!
            let version = try XCTUnwrap(WireEncoding.uint32(fromHex: try fields.string("version")))
            let prev = try XCTUnwrap(WireEncoding.headerPrevHash(fromWire: try fields.string("prevhash")))
            let merkle = try XCTUnwrap(Hex.decode(try fields.string("merkle_root_internal_hex")))
            let header = BlockHeader(version: version, prevHash: prev, merkleRoot: merkle, ntime: 0, nbits: 0, nonce: 0)
            let state = SHA256.midstate(header: header.bytes)
            // ESP-Miner prints each state word as a little-endian uint32.
            let wordsLE = (0..<8).flatMap { i in withUnsafeBytes(of: state[i].littleEndian, Array.init) }
            XCTAssertEqual(Hex.encode(wordsLE), try v["expected"]!.string("midstate_words_le_hex"), v.id)
        }
    }

    func testBlockHeaders() throws {
        for v in try VectorFile.vectors(kind: "block_header") {
            let f = v["fields"]!
            let header = BlockHeader(
                version: UInt32(try XCTUnwrap(f["version"]?.integerValue)),
                prevHash: try XCTUnwrap(Hex.decode(try f.string("prev_hash_display"))).reversed(),
                merkleRoot: try XCTUnwrap(Hex.decode(try f.string("merkle_root_display"))).reversed(),
                ntime: UInt32(try XCTUnwrap(f["time"]?.integerValue)),
                nbits: try XCTUnwrap(WireEncoding.uint32(fromHex: try f.string("bits"))),
                nonce: UInt32(try XCTUnwrap(f["nonce"]?.integerValue)))
            let expected = v["expected"]!
            XCTAssertEqual(header.displayHash, try expected.string("block_hash"), v.id)
            if let raw = v["header_hex"]?.stringValue {
                XCTAssertEqual(Hex.encode(header.bytes), raw, v.id)
                XCTAssertEqual(BlockHeader(bytes: Hex.decode(raw)!), header, v.id)
            }
            if let digest = v["expected_raw_digest_hex"]?.stringValue {
                XCTAssertEqual(Hex.encode(header.hash), digest, v.id)
            }
            // Proof of work: the hash meets the header's own nbits.
            XCTAssertTrue(CompactTarget(nbits: header.nbits).isMet(by: header.hashValue256), v.id)
            if let coinbase = v["coinbase_tx_hex"]?.stringValue {
                let txid = SHA256.hashTwice(Hex.decode(coinbase)!)
                XCTAssertEqual(txid, header.merkleRoot, "\(v.id): coinbase txid is the merkle root")
                XCTAssertEqual(Hex.encode(txid.reversed()), try expected.string("coinbase_txid_display"), v.id)
            }
        }
    }

    func testHeaderChain() throws {
        for v in try VectorFile.vectors(kind: "header_chain") {
            let headers = try XCTUnwrap(v["headers_hex"]?.arrayValue).map { BlockHeader(bytes: Hex.decode($0.stringValue!)!)! }
            XCTAssertGreaterThan(headers.count, 1)
            var previous = try XCTUnwrap(Hex.decode(try v.string("prev_of_first_display"))).reversed() as [UInt8]
            for header in headers {
                XCTAssertEqual(header.prevHash, previous, v.id)
                XCTAssertTrue(CompactTarget(nbits: header.nbits).isMet(by: header.hashValue256), v.id)
                previous = header.hash
            }
            XCTAssertEqual(headers[0].displayHash, try v["expected"]!.string("first_hash"), v.id)
        }
    }

    func testMerkleRoots() throws {
        for v in try VectorFile.vectors(kind: "merkle_root") {
            let notify = try MiningNotify(params: [
                "job", .string(String(repeating: "0", count: 64)), .string(try v.string("coinb1")), .string(try v.string("coinb2")),
                v["merkle_branch"]!, "20000000", "1d00ffff", "00000000", false,
            ])
            let job = try MiningJob(notify: notify, extranonce1: Hex.decode(try v.string("extranonce1"))!,
                                    extranonce2Size: Hex.decode(try v.string("extranonce2"))!.count, difficulty: 1)
            let extranonce2 = Hex.decode(try v.string("extranonce2"))!
            let expected = v["expected"]!
            XCTAssertEqual(Hex.encode(job.merkleRoot(extranonce2: extranonce2)), try expected.string("merkle_root_internal_hex"), v.id)
            if let coinbase = expected["coinbase_hex"]?.stringValue {
                XCTAssertEqual(Hex.encode(job.coinbase(extranonce2: extranonce2)), coinbase, v.id)
            }
        }
    }

    func testBlockTxids() throws {
        let jobVectors = try VectorFile.vectors(kind: "stratum_job_from_block")
        for v in try VectorFile.vectors(kind: "block_txids") {
            let leaves = try XCTUnwrap(v["txids"]?.arrayValue).map { Array(Hex.decode($0.stringValue!)!.reversed()) }
            let header = try XCTUnwrap(BlockHeader(bytes: Hex.decode(try v.string("header_hex"))!))
            XCTAssertEqual(Merkle.root(leaves: leaves), header.merkleRoot, v.id)
            XCTAssertEqual(header.displayHash, try v["expected"]!.string("block_hash"), v.id)
            if let display = v["expected"]?["merkle_root_display"]?.stringValue {
                XCTAssertEqual(Hex.encode(header.merkleRoot.reversed()), display, v.id)
            }
            if let raw = v["raw_txs_hex"]?.arrayValue {
                XCTAssertEqual(raw.map { SHA256.hashTwice(Hex.decode($0.stringValue!)!) }, leaves, "\(v.id): txids of raw txs")
            }
            if let jobID = v["expected"]?["coinbase_branch_matches_vector"]?.stringValue {
                let job = try XCTUnwrap(jobVectors.first { $0.id == jobID })
                let branch = try XCTUnwrap(job["notify"]?["merkle_branch"]?.arrayValue).map { Hex.decode($0.stringValue!)! }
                XCTAssertEqual(Merkle.coinbaseBranch(leaves: leaves), branch, v.id)
            }
        }
    }

    func testStratumShares() throws {
        for v in try VectorFile.vectors(kind: "stratum_share") + VectorFile.vectors(kind: "stratum_job_from_block") {
            let share = try StratumShareVector(v)
            let evaluation = share.evaluate()
            let derived = v["derived"], expected = v["expected"]!
            if let root = expected["merkle_root_internal_hex"]?.stringValue ?? derived?["merkle_root_internal_hex"]?.stringValue {
                XCTAssertEqual(Hex.encode(evaluation.header.merkleRoot), root, v.id)
            }
            if let headerHex = expected["header_hex"]?.stringValue ?? derived?["header_hex"]?.stringValue {
                XCTAssertEqual(Hex.encode(evaluation.header.bytes), headerHex, v.id)
            }
            if let hash = expected["block_hash"]?.stringValue ?? derived?["block_hash"]?.stringValue {
                XCTAssertEqual(evaluation.displayHash, hash, v.id)
            }
            if let floor = expected["share_difficulty_floor"]?.integerValue {
                XCTAssertEqual(Int64(evaluation.shareDifficulty.rounded(.down)), floor, v.id)
            }
            if let difficulty = derived?["share_difficulty"]?.doubleValue {
                XCTAssertEqual(evaluation.shareDifficulty, difficulty, accuracy: difficulty * 1e-12, v.id)
            }
            if let accepted = expected["accepted_at_difficulty"]?.doubleValue {
                let job = try share.job(difficulty: accepted)
                XCTAssertTrue(share.evaluate(job).meetsShareTarget, "\(v.id) accepted at \(accepted)")
            }
            if let meets = expected["meets_network_target"]?.boolValue {
                XCTAssertEqual(evaluation.meetsNetworkTarget, meets, v.id)
            }
            if let display = expected["prevhash_display"]?.stringValue {
                XCTAssertEqual(Hex.encode(share.notify.prevHash.reversed()), display, v.id)
            }
            if let below = v["negative"]?["without_version_bits_share_difficulty_below"]?.doubleValue {
                let withoutBits = try share.job(difficulty: below).evaluate(
                    extranonce2: share.extranonce2, ntime: share.ntime, nonce: share.nonce, versionBits: nil)
                XCTAssertLessThan(withoutBits.shareDifficulty, below, v.id)
                XCTAssertFalse(withoutBits.meetsShareTarget, v.id)
            }
        }
    }

    func testDiff1Constant() throws {
        for v in try VectorFile.vectors(kind: "diff1_constant") {
            XCTAssertEqual(Difficulty.diff1Target.hex, try v["expected"]!.string("target_hex"), v.id)
            XCTAssertEqual(Difficulty.diff1Target.decimalString, try v["expected"]!.string("decimal"), v.id)
        }
    }

    func testDifficultyTargets() throws {
        for v in try VectorFile.vectors(kind: "difficulty_target") {
            let text = try v.string("difficulty")
            let parts = text.split(separator: "/").map { Double($0)! }
            let difficulty = parts.count == 2 ? parts[0] / parts[1] : parts[0]
            XCTAssertEqual(Difficulty.target(for: difficulty)?.hex, try v["expected"]!.string("target_hex"), v.id)
        }
    }

    func testNbitsTargets() throws {
        for v in try VectorFile.vectors(kind: "nbits_target") {
            let compact = CompactTarget(nbits: try XCTUnwrap(WireEncoding.uint32(fromHex: try v.string("nbits"))))
            let expected = v["expected"]!
            XCTAssertEqual(compact.isNegative, expected["negative"]?.boolValue, v.id)
            XCTAssertEqual(compact.isOverflow, expected["overflow"]?.boolValue, v.id)
            if let target = expected["target_hex"]?.stringValue { XCTAssertEqual(compact.target.hex, target, v.id) }
        }
    }

    func testNbitsDifficulty() throws {
        for v in try VectorFile.vectors(kind: "nbits_difficulty") {
            let compact = CompactTarget(nbits: try XCTUnwrap(WireEncoding.uint32(fromHex: try v.string("nbits"))))
            let expected = try XCTUnwrap(Double(try v["expected"]!.string("difficulty")))
            let tolerance = v["expected"]?["relative_tolerance"]?.doubleValue ?? 1e-12
            XCTAssertEqual(compact.difficulty, expected, accuracy: expected * tolerance, v.id)
        }
    }
}

extension UInt256 {
    /// Decimal digits (for comparing with the vector's decimal constant).
    var decimalString: String {
        var digits = [Character]()
        var value = self
        repeat {
            let quotient = value.dividedBy(10)
            digits.append(Character(String(value[limb: 0] &- quotient[limb: 0] &* 10)))
            value = quotient
        } while !value.isZero
        return String(digits.reversed())
    }
}
