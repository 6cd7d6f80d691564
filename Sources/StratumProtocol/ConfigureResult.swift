/// The version-rolling part of a `mining.configure` result (BIP 310):
/// `{"version-rolling": true, "version-rolling.mask": "1fffe000"}`.
public enum ConfigureResult {
    /// The mask the pool allows, or nil when the pool refused version rolling (false, missing,
    /// malformed, or an error reply).
    public static func versionRollingMask(_ response: JSONRPCResponse) -> UInt32? {
        guard response.error.isNull, let object = response.result.objectValue,
              object["version-rolling"]?.boolValue == true,
              let text = object["version-rolling.mask"]?.stringValue,
              let mask = WireEncoding.uint32(fromHex: text) else {
            return nil
        }
        return mask
    }
}
