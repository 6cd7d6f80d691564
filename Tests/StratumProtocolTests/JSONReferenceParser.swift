import Foundation
import StratumProtocol

/// The Foundation-based `JSONValue.parse` (`JSONDecoder` through `JSONValue.init(from:)`, which tries
/// Bool, Int64, Double, String, array, object in turn), kept in the test target only: the reference
/// whose results the hand-written parser must reproduce (`JSONByteParserTests`).
enum JSONReferenceParser {
    static func parse(_ bytes: some Collection<UInt8>) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    }
}
