/// Validation of the extranonce values a pool assigns (`mining.subscribe` result and
/// `mining.set_extranonce`).
public enum Extranonce {
    /// Longest extranonce1 we accept, in bytes.
    public static let maxExtranonce1Bytes = 32
    /// Accepted extranonce2 sizes, in bytes.
    public static let extranonce2SizeRange = 0...16

    /// extranonce1: even-length hex, at most `maxExtranonce1Bytes` bytes.
    public static func extranonce1(_ value: JSONValue) throws(StratumProtocolError) -> [UInt8] {
        guard let text = value.stringValue else { throw .invalidField("extranonce1", "not a string") }
        guard text.utf8.count <= 2 * maxExtranonce1Bytes else {
            throw .invalidField("extranonce1", "longer than \(maxExtranonce1Bytes) bytes")
        }
        guard let bytes = Hex.decode(text) else { throw .invalidField("extranonce1", "not even-length hex") }
        return bytes
    }

    /// extranonce2_size: an integer in `extranonce2SizeRange`.
    public static func extranonce2Size(_ value: JSONValue) throws(StratumProtocolError) -> Int {
        guard let size = value.integerValue else { throw .invalidField("extranonce2_size", "not an integer") }
        guard size >= Int64(extranonce2SizeRange.lowerBound), size <= Int64(extranonce2SizeRange.upperBound) else {
            throw .invalidField("extranonce2_size", "\(size) outside \(extranonce2SizeRange)")
        }
        return Int(size)
    }
}
