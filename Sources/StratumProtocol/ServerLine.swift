/// The JSON lines a Stratum v1 server writes (without their newline): answers and notifications.
/// Shared by every server in the package (LocalPool's `PoolCore`, the farm proxy's `ProxyCore`).
public enum ServerLine {
    /// `[code, message, null]`, the error triple pools send.
    public static func errorValue(_ code: Int, _ message: String) -> JSONValue {
        [.integer(Int64(code)), .string(message), .null]
    }

    public static func message(_ id: JSONValue, result: JSONValue, error: JSONValue) -> String {
        JSONValue.object(["id": id, "result": result, "error": error]).serialized
    }

    public static func result(_ id: JSONValue, _ result: JSONValue) -> String {
        message(id, result: result, error: .null)
    }

    public static func error(_ id: JSONValue, _ code: Int, _ text: String) -> String {
        message(id, result: .null, error: errorValue(code, text))
    }

    public static func notification(_ method: String, _ params: [JSONValue]) -> String {
        JSONValue.object(["id": .null, "method": .string(method), "params": .array(params)]).serialized
    }
}
