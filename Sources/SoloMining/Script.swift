/// The few script encodings a coinbase needs.
public enum Script {
    /// A minimal data push (BIP 62 rules: direct push below 76 bytes, then OP_PUSHDATA1/2/4).
    public static func push(_ data: [UInt8]) -> [UInt8] {
        switch data.count {
        case ..<0x4c: [UInt8(data.count)] + data
        case ...0xff: [0x4c, UInt8(data.count)] + data
        case ...0xffff: [0x4d, UInt8(data.count & 0xff), UInt8(data.count >> 8)] + data
        default: [0x4e] + (0..<4).map { UInt8(truncatingIfNeeded: data.count >> (8 * $0)) } + data
        }
    }

    /// CScriptNum's minimal little-endian sign-magnitude encoding of a number.
    public static func scriptNumber(_ value: Int64) -> [UInt8] {
        guard value != 0 else { return [] }
        var magnitude = value.magnitude
        var out = [UInt8]()
        while magnitude > 0 {
            out.append(UInt8(magnitude & 0xff))
            magnitude >>= 8
        }
        if out[out.count - 1] & 0x80 != 0 {
            out.append(value < 0 ? 0x80 : 0x00)
        } else if value < 0 {
            out[out.count - 1] |= 0x80
        }
        return out
    }

    /// The block height as BIP 34 requires it at the start of the coinbase scriptSig: exactly
    /// what Bitcoin Core's `CScript() << nHeight` writes (OP_0 for 0, OP_1…OP_16 for 1…16, a
    /// minimal push of the CScriptNum otherwise; checked in ContextualCheckBlock, "bad-cb-height").
    public static func heightPush(_ height: Int) -> [UInt8] {
        switch height {
        case 0: [0x00]
        case 1...16: [0x50 + UInt8(height)]
        default: push(scriptNumber(Int64(height)))
        }
    }
}
