/// An optional that is written as `null` when absent, instead of leaving its key out: the status
/// file always shows its optional fields. (Reading treats a missing key and `null` alike; see
/// `StatusDocument`'s decoding.)
@propertyWrapper
public struct NullEncoded<Value: Encodable & Sendable & Hashable>: Encodable, Sendable, Hashable {
    public var wrappedValue: Value?

    public init(wrappedValue: Value?) { self.wrappedValue = wrappedValue }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
    }
}
