// Message type numbers and channel_msg bits: sv2-spec §8 "Message Types" (Common and Mining
// Protocol rows). Every core message has extension_type 0 (§3.4.1).

public enum SV2MessageType {
    // Common Protocol (§3.6).
    public static let setupConnection: UInt8 = 0x00
    public static let setupConnectionSuccess: UInt8 = 0x01
    public static let setupConnectionError: UInt8 = 0x02
    public static let channelEndpointChanged: UInt8 = 0x03
    public static let reconnect: UInt8 = 0x04
    // Mining Protocol (§5.3).
    public static let openStandardMiningChannel: UInt8 = 0x10
    public static let openStandardMiningChannelSuccess: UInt8 = 0x11
    public static let openMiningChannelError: UInt8 = 0x12
    public static let openExtendedMiningChannel: UInt8 = 0x13
    public static let openExtendedMiningChannelSuccess: UInt8 = 0x14
    public static let newMiningJob: UInt8 = 0x15
    public static let updateChannel: UInt8 = 0x16
    public static let updateChannelError: UInt8 = 0x17
    public static let closeChannel: UInt8 = 0x18
    public static let setExtranoncePrefix: UInt8 = 0x19
    public static let submitSharesStandard: UInt8 = 0x1A
    public static let submitSharesExtended: UInt8 = 0x1B
    public static let submitSharesSuccess: UInt8 = 0x1C
    public static let submitSharesError: UInt8 = 0x1D
    public static let newExtendedMiningJob: UInt8 = 0x1F
    public static let setNewPrevHash: UInt8 = 0x20
    public static let setTarget: UInt8 = 0x21
    public static let setCustomMiningJob: UInt8 = 0x22
    public static let setCustomMiningJobSuccess: UInt8 = 0x23
    public static let setCustomMiningJobError: UInt8 = 0x24
    public static let setGroupChannel: UInt8 = 0x25
}

/// A Common or Mining Protocol message: its payload layout (the spec's field table) and its §8 row.
public protocol SV2Message: Sendable, Equatable {
    /// msg_type (§8).
    static var messageType: UInt8 { get }
    /// The channel_msg bit (§8's "channel_msg bit" column); set on encoding exactly as the table says.
    static var isChannelMessage: Bool { get }
    /// Appends the payload, field by field in table order.
    func encodePayload(into writer: inout SV2Writer) throws
    /// Reads the payload's fields in table order. Bytes after the last field are left unread: §3.4.3
    /// puts negotiated TLV extension fields there.
    init(payloadReader reader: inout SV2Reader) throws
}

extension SV2Message {
    public func payload() throws -> [UInt8] {
        var w = SV2Writer()
        try encodePayload(into: &w)
        return w.bytes
    }

    /// The frame: extension_type 0 with this message's channel_msg bit, its msg_type, its payload.
    public func frame() throws -> SV2Frame {
        SV2Frame(extensionType: 0, isChannelMessage: Self.isChannelMessage, messageType: Self.messageType,
                 payload: try payload())
    }

    /// Header and payload bytes.
    public func encodedFrame() throws -> [UInt8] { try frame().encoded() }

    public init(payload: [UInt8]) throws {
        var r = SV2Reader(payload)
        try self.init(payloadReader: &r)
    }

    /// Decodes a frame that must carry this message (extension_type 0, this msg_type). The channel_msg
    /// bit of a received frame is not checked: it only routes (§3.2.1), and the message is known by
    /// its type.
    public init(frame: SV2Frame) throws {
        guard frame.header.extensionType == 0, frame.header.messageType == Self.messageType else {
            throw SV2CodecError.unexpectedMessageType(extensionType: frame.header.extensionType,
                                                      messageType: frame.header.messageType)
        }
        try self.init(payload: frame.payload)
    }
}

/// Any Common or Mining Protocol message this codec knows, or an unknown frame kept whole.
public enum SV2AnyMessage: Sendable, Equatable {
    case setupConnection(SetupConnection)
    case setupConnectionSuccess(SetupConnectionSuccess)
    case setupConnectionError(SetupConnectionError)
    case reconnect(Reconnect)
    case openStandardMiningChannel(OpenStandardMiningChannel)
    case openStandardMiningChannelSuccess(OpenStandardMiningChannelSuccess)
    case openMiningChannelError(OpenMiningChannelError)
    case openExtendedMiningChannel(OpenExtendedMiningChannel)
    case openExtendedMiningChannelSuccess(OpenExtendedMiningChannelSuccess)
    case newMiningJob(NewMiningJob)
    case newExtendedMiningJob(NewExtendedMiningJob)
    case setNewPrevHash(SetNewPrevHash)
    case setTarget(SetTarget)
    case setExtranoncePrefix(SetExtranoncePrefix)
    case submitSharesStandard(SubmitSharesStandard)
    case submitSharesExtended(SubmitSharesExtended)
    case submitSharesSuccess(SubmitSharesSuccess)
    case submitSharesError(SubmitSharesError)
    case updateChannel(UpdateChannel)
    case updateChannelError(UpdateChannelError)
    case closeChannel(CloseChannel)
    /// A frame of another extension_type or a msg_type not modelled here. The frame decoder has
    /// already consumed exactly msg_length bytes for it, so the stream stays in step (§3.4.1: an
    /// unknown message to be processed locally "MUST be discarded and ignored").
    case unknown(SV2Frame)

    /// Decodes a frame's payload by its msg_type. Throws only when a known message's payload is
    /// malformed; an unknown type is `.unknown`, never an error.
    public init(frame: SV2Frame) throws {
        guard frame.header.extensionType == 0 else {
            self = .unknown(frame)
            return
        }
        let p = frame.payload
        switch frame.header.messageType {
        case SetupConnection.messageType: self = .setupConnection(try .init(payload: p))
        case SetupConnectionSuccess.messageType: self = .setupConnectionSuccess(try .init(payload: p))
        case SetupConnectionError.messageType: self = .setupConnectionError(try .init(payload: p))
        case Reconnect.messageType: self = .reconnect(try .init(payload: p))
        case OpenStandardMiningChannel.messageType: self = .openStandardMiningChannel(try .init(payload: p))
        case OpenStandardMiningChannelSuccess.messageType: self = .openStandardMiningChannelSuccess(try .init(payload: p))
        case OpenMiningChannelError.messageType: self = .openMiningChannelError(try .init(payload: p))
        case OpenExtendedMiningChannel.messageType: self = .openExtendedMiningChannel(try .init(payload: p))
        case OpenExtendedMiningChannelSuccess.messageType: self = .openExtendedMiningChannelSuccess(try .init(payload: p))
        case NewMiningJob.messageType: self = .newMiningJob(try .init(payload: p))
        case NewExtendedMiningJob.messageType: self = .newExtendedMiningJob(try .init(payload: p))
        case SetNewPrevHash.messageType: self = .setNewPrevHash(try .init(payload: p))
        case SetTarget.messageType: self = .setTarget(try .init(payload: p))
        case SetExtranoncePrefix.messageType: self = .setExtranoncePrefix(try .init(payload: p))
        case SubmitSharesStandard.messageType: self = .submitSharesStandard(try .init(payload: p))
        case SubmitSharesExtended.messageType: self = .submitSharesExtended(try .init(payload: p))
        case SubmitSharesSuccess.messageType: self = .submitSharesSuccess(try .init(payload: p))
        case SubmitSharesError.messageType: self = .submitSharesError(try .init(payload: p))
        case UpdateChannel.messageType: self = .updateChannel(try .init(payload: p))
        case UpdateChannelError.messageType: self = .updateChannelError(try .init(payload: p))
        case CloseChannel.messageType: self = .closeChannel(try .init(payload: p))
        default: self = .unknown(frame)
        }
    }
}
