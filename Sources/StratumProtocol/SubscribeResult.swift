/// The result of `mining.subscribe`: `[[subscriptions…], extranonce1, extranonce2_size]`.
///
/// Subscriptions are `[method, id]` pairs (some pools send one bare pair instead of a list of
/// pairs). The id for `mining.notify` is the session id to send back when resuming.
public struct SubscribeResult: Sendable, Hashable {
    public var subscriptionID: String?
    public var extranonce1: [UInt8]
    public var extranonce2Size: Int

    public init(subscriptionID: String?, extranonce1: [UInt8], extranonce2Size: Int) {
        self.subscriptionID = subscriptionID
        self.extranonce1 = extranonce1
        self.extranonce2Size = extranonce2Size
    }

    public init(result: JSONValue) throws(StratumProtocolError) {
        guard let array = result.arrayValue, array.count >= 3 else {
            throw .invalidField("mining.subscribe result", "expected [subscriptions, extranonce1, extranonce2_size]")
        }
        let extranonce1 = try Extranonce.extranonce1(array[1])
        let size = try Extranonce.extranonce2Size(array[2])
        self.init(subscriptionID: Self.notifySubscriptionID(array[0]), extranonce1: extranonce1, extranonce2Size: size)
    }

    private static func notifySubscriptionID(_ subscriptions: JSONValue) -> String? {
        guard let list = subscriptions.arrayValue else { return nil }
        let pairs: [[JSONValue]]
        if list.first?.stringValue != nil {
            pairs = [list]  // one bare pair: ["mining.notify", "id"]
        } else {
            pairs = list.compactMap(\.arrayValue)
        }
        for pair in pairs where pair.count >= 2 && pair[0].stringValue == "mining.notify" {
            if let id = pair[1].stringValue, !id.isEmpty, id.utf8.count <= 256 { return id }
            if let id = pair[1].integerValue { return String(id) }
        }
        return nil
    }
}
