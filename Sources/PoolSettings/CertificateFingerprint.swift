import MiningCore
import StratumProtocol

/// SHA-256 of a certificate's DER, for `PoolConfiguration.tlsFingerprintSHA256` pinning.
public enum CertificateFingerprint {
    /// Normalises a configured fingerprint: colons/spaces removed, lower case; nil unless 64 hex digits.
    public static func normalized(_ text: String) -> String? {
        let hex = text.lowercased().filter { $0 != ":" && $0 != " " }
        guard hex.utf8.count == 64, hex.allSatisfy({ $0.isHexDigit }) else { return nil }
        return hex
    }

    /// Lower-case hex SHA-256 of the bytes.
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        Hex.encode(SHA256.hash(bytes))
    }
}
