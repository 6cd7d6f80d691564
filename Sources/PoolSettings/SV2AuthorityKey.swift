import MiningCore
import Secp256k1

/// A Stratum V2 pool's authority public key: the 32-byte x-only secp256k1 key that signs the
/// certificate of every pool server (sv2-spec §4.5.3). In a `stratum2+tcp://host:port/KEY` URL it is
/// the base58check of the little-endian U16 version 1 and the key (§4.7, test vector §4.7.1).
public struct SV2AuthorityKey: Sendable, Hashable, CustomStringConvertible {
    /// The only key version the spec defines: bytes `[1, 0]`.
    public static let version: UInt16 = 1

    public let xOnly: [UInt8]

    /// Why a URL's key is refused.
    public enum ParseError: Error, Hashable, CustomStringConvertible {
        case encoding(Base58Check.DecodingError)
        case wrongLength(Int)
        case unknownVersion(UInt16)
        case notOnCurve

        public var description: String {
            switch self {
            case .encoding(let why): "the authority key is not valid base58check: \(why)"
            case .wrongLength(let n): "the authority key decodes to \(n) bytes; expected 34 (a 2-byte version and a 32-byte key)"
            case .unknownVersion(let v): "the authority key has version \(v); only version \(SV2AuthorityKey.version) is defined"
            case .notOnCurve: "the authority key is not a point on secp256k1"
            }
        }
    }

    /// A key from its 32 x-only bytes; nil unless it is the x coordinate of a curve point.
    public init?(xOnly: [UInt8]) {
        guard xOnly.count == 32, let x = FieldElement(bytes: xOnly), AffinePoint.liftX(x) != nil else { return nil }
        self.xOnly = xOnly
    }

    public init(base58 text: String) throws(ParseError) {
        let payload: [UInt8]
        do {
            payload = try Base58Check.decodeBody(text)
        } catch {
            throw .encoding(error)
        }
        guard payload.count == 34 else { throw .wrongLength(payload.count) }
        let version = UInt16(payload[0]) | UInt16(payload[1]) << 8
        guard version == Self.version else { throw .unknownVersion(version) }
        guard let key = SV2AuthorityKey(xOnly: Array(payload[2...])) else { throw .notOnCurve }
        self = key
    }

    /// The URL form: base58check of `[1, 0] ‖ key`.
    public var base58: String {
        Base58Check.encode(body: [UInt8(Self.version & 0xFF), UInt8(Self.version >> 8)] + xOnly)
    }

    public var description: String { base58 }
}
