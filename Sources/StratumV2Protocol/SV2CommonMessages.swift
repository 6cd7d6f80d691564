// Common Protocol messages, sv2-spec §3.6 (field tables) and §8 (types).

/// §3.6.1 SetupConnection (Client -> Server), msg_type 0x00, channel_msg 0.
public struct SetupConnection: SV2Message {
    public static let messageType = SV2MessageType.setupConnection
    public static let isChannelMessage = false

    /// The `protocol` field (§3.6.1): 0 Mining, 1 Job Declaration, 2 Template Distribution.
    public enum SubProtocol {
        public static let mining: UInt8 = 0
        public static let jobDeclaration: UInt8 = 1
        public static let templateDistribution: UInt8 = 2
    }

    public var subProtocol: UInt8
    public var minVersion: UInt16
    public var maxVersion: UInt16
    public var flags: UInt32
    public var endpointHost: SV2String
    public var endpointPort: UInt16
    public var vendor: SV2String
    public var hardwareVersion: SV2String
    public var firmware: SV2String
    public var deviceID: SV2String

    public init(subProtocol: UInt8 = SubProtocol.mining, minVersion: UInt16 = 2, maxVersion: UInt16 = 2, flags: UInt32,
                endpointHost: SV2String, endpointPort: UInt16, vendor: SV2String, hardwareVersion: SV2String,
                firmware: SV2String, deviceID: SV2String) {
        self.subProtocol = subProtocol
        self.minVersion = minVersion
        self.maxVersion = maxVersion
        self.flags = flags
        self.endpointHost = endpointHost
        self.endpointPort = endpointPort
        self.vendor = vendor
        self.hardwareVersion = hardwareVersion
        self.firmware = firmware
        self.deviceID = deviceID
    }

    public func encodePayload(into w: inout SV2Writer) throws {
        w.writeU8(subProtocol)
        w.writeU16(minVersion)
        w.writeU16(maxVersion)
        w.writeU32(flags)
        w.writeSTR0_255(endpointHost)
        w.writeU16(endpointPort)
        w.writeSTR0_255(vendor)
        w.writeSTR0_255(hardwareVersion)
        w.writeSTR0_255(firmware)
        w.writeSTR0_255(deviceID)
    }

    public init(payloadReader r: inout SV2Reader) throws {
        subProtocol = try r.readU8()
        minVersion = try r.readU16()
        maxVersion = try r.readU16()
        flags = try r.readU32()
        endpointHost = try r.readSTR0_255()
        endpointPort = try r.readU16()
        vendor = try r.readSTR0_255()
        hardwareVersion = try r.readSTR0_255()
        firmware = try r.readSTR0_255()
        deviceID = try r.readSTR0_255()
    }
}

/// §3.6.2 SetupConnection.Success (Server -> Client), msg_type 0x01, channel_msg 0.
public struct SetupConnectionSuccess: SV2Message {
    public static let messageType = SV2MessageType.setupConnectionSuccess
    public static let isChannelMessage = false

    public var usedVersion: UInt16
    public var flags: UInt32

    public init(usedVersion: UInt16, flags: UInt32) {
        self.usedVersion = usedVersion
        self.flags = flags
    }

    public func encodePayload(into w: inout SV2Writer) throws {
        w.writeU16(usedVersion)
        w.writeU32(flags)
    }

    public init(payloadReader r: inout SV2Reader) throws {
        usedVersion = try r.readU16()
        flags = try r.readU32()
    }
}

/// §3.6.3 SetupConnection.Error (Server -> Client), msg_type 0x02, channel_msg 0.
public struct SetupConnectionError: SV2Message {
    public static let messageType = SV2MessageType.setupConnectionError
    public static let isChannelMessage = false

    /// The flags the server does not support (0: another reason).
    public var flags: UInt32
    public var errorCode: SV2String

    public init(flags: UInt32, errorCode: SV2String) {
        self.flags = flags
        self.errorCode = errorCode
    }

    public func encodePayload(into w: inout SV2Writer) throws {
        w.writeU32(flags)
        w.writeSTR0_255(errorCode)
    }

    public init(payloadReader r: inout SV2Reader) throws {
        flags = try r.readU32()
        errorCode = try r.readSTR0_255()
    }
}

/// §3.6.5 Reconnect (Server -> Client), msg_type 0x04, channel_msg 0.
public struct Reconnect: SV2Message {
    public static let messageType = SV2MessageType.reconnect
    public static let isChannelMessage = false

    /// Empty: reconnect to the present host.
    public var newHost: SV2String
    /// 0: the present port.
    public var newPort: UInt16

    public init(newHost: SV2String, newPort: UInt16) {
        self.newHost = newHost
        self.newPort = newPort
    }

    public func encodePayload(into w: inout SV2Writer) throws {
        w.writeSTR0_255(newHost)
        w.writeU16(newPort)
    }

    public init(payloadReader r: inout SV2Reader) throws {
        newHost = try r.readSTR0_255()
        newPort = try r.readU16()
    }
}
