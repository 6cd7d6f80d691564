import MiningCore
import Secp256k1
import StratumV2Protocol

/// SIGNATURE_NOISE_MESSAGE (sv2-spec §4.5.2): the pool's certificate as sent, encrypted, in act 2.
/// Together with the server's static key it makes the CERTIFICATE of §4.5.3, which the pool's
/// authority signs with BIP340 Schnorr.
///
///   version U16 | valid_from U32 | not_valid_after U32 | signature (64 bytes)   — 74 bytes, little-endian
public struct SV2SignatureNoiseMessage: Hashable, Sendable {
    public static let encodedLength = 74

    /// Version of the certificate format (0 in the spec's reference implementation).
    public var version: UInt16
    /// Start of validity, unix time in seconds.
    public var validFrom: UInt32
    /// End of validity (inclusive), unix time in seconds.
    public var notValidAfter: UInt32
    /// The authority's 64-byte BIP340 signature of `signedHash(...)`.
    public var signature: [UInt8]

    public init(version: UInt16, validFrom: UInt32, notValidAfter: UInt32, signature: [UInt8]) {
        self.version = version
        self.validFrom = validFrom
        self.notValidAfter = notValidAfter
        self.signature = signature
    }

    /// The 74 wire bytes. A signature that is not 64 bytes is cut or zero-padded to 64.
    public func encoded() -> [UInt8] {
        var writer = SV2Writer(capacity: Self.encodedLength)
        writer.writeU16(version)
        writer.writeU32(validFrom)
        writer.writeU32(notValidAfter)
        let fixed = Array(signature.prefix(64))
        writer.writeBytes(fixed + [UInt8](repeating: 0, count: 64 - fixed.count))
        return writer.bytes
    }

    /// Reads exactly 74 bytes.
    public init(decoding bytes: [UInt8]) throws(SV2NoiseError) {
        guard bytes.count == Self.encodedLength else {
            throw .malformedHandshake("the certificate is \(bytes.count) bytes, not \(Self.encodedLength)")
        }
        var reader = SV2Reader(bytes)
        do {
            version = try reader.readU16()
            validFrom = try reader.readU32()
            notValidAfter = try reader.readU32()
        } catch {
            throw .malformedHandshake("the certificate could not be read")
        }
        signature = Array(bytes[10..<74])
    }

    /// m = SHA-256(version ‖ valid_from ‖ not_valid_after ‖ server_public_key) (§4.5.3.1), the fields
    /// little-endian as on the wire and the server key as its 32-byte x coordinate (§4.5.3: "not with
    /// EllSwift"). BIP340 signs m.
    public static func signedHash(version: UInt16, validFrom: UInt32, notValidAfter: UInt32,
                                  serverStaticKeyXOnly: [UInt8]) -> [UInt8] {
        var writer = SV2Writer(capacity: 42)
        writer.writeU16(version)
        writer.writeU32(validFrom)
        writer.writeU32(notValidAfter)
        writer.writeBytes(serverStaticKeyXOnly)
        return MiningCore.SHA256.hash(writer.bytes)
    }

    /// A certificate for `serverStaticKeyXOnly` signed by the authority's 32-byte secret key (what a
    /// pool, or a test responder, presents). Throws `.invalidKey` for an invalid secret key or a
    /// server key that is not 32 bytes.
    public static func signed(serverStaticKeyXOnly: [UInt8], authoritySecretKey: [UInt8], validFrom: UInt32,
                              notValidAfter: UInt32, version: UInt16 = 0,
                              auxiliaryRandom: [UInt8] = [UInt8](repeating: 0, count: 32)) throws(SV2NoiseError) -> SV2SignatureNoiseMessage {
        guard serverStaticKeyXOnly.count == 32 else { throw .invalidKey }
        let m = signedHash(version: version, validFrom: validFrom, notValidAfter: notValidAfter,
                           serverStaticKeyXOnly: serverStaticKeyXOnly)
        guard let signature = Schnorr.sign(message: m, secretKey: authoritySecretKey, auxiliaryRandom: auxiliaryRandom) else {
            throw .invalidKey
        }
        return SV2SignatureNoiseMessage(version: version, validFrom: validFrom, notValidAfter: notValidAfter,
                                        signature: signature)
    }

    /// Checks the signature under the authority's x-only key, then the validity period against `now`
    /// widened by `leeway` seconds at both ends (a client clock a little behind or ahead still
    /// passes). The signature comes first: a forged certificate is reported as such, whatever its dates.
    public func verify(serverStaticKeyXOnly: [UInt8], authorityKeyXOnly: [UInt8], now: UInt32,
                       leeway: UInt32) -> SV2CertificateCheck {
        let m = Self.signedHash(version: version, validFrom: validFrom, notValidAfter: notValidAfter,
                                serverStaticKeyXOnly: serverStaticKeyXOnly)
        guard serverStaticKeyXOnly.count == 32, authorityKeyXOnly.count == 32,
              Schnorr.verify(signature: signature, message: m, publicKey: authorityKeyXOnly) else { return .badSignature }
        if UInt64(now) + UInt64(leeway) < UInt64(validFrom) {
            return .notYetValid(validFrom: validFrom, now: now, leeway: leeway)
        }
        if UInt64(now) > UInt64(notValidAfter) + UInt64(leeway) {
            return .expired(notValidAfter: notValidAfter, now: now, leeway: leeway)
        }
        return .valid
    }
}
