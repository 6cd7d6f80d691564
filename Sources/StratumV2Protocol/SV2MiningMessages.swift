// Mining Protocol messages, sv2-spec §5.3 (field tables) and §8 (types, channel_msg bits).

/// §5.3.1 flags of SetupConnection / SetupConnection.Error for the Mining Protocol (bit 0 = LSB).
public enum MiningSetupFlags {
    public static let requiresStandardJobs: UInt32 = 1 << 0
    public static let requiresWorkSelection: UInt32 = 1 << 1
    public static let requiresVersionRolling: UInt32 = 1 << 2
}

/// §5.3.1 flags of SetupConnection.Success for the Mining Protocol.
public enum MiningSetupSuccessFlags {
    public static let requiresFixedVersion: UInt32 = 1 << 0
    public static let requiresExtendedChannels: UInt32 = 1 << 1
}

/// §5.3.2 OpenStandardMiningChannel (Client -> Server), msg_type 0x10, channel_msg 0.
public struct OpenStandardMiningChannel: SV2Message {
    public static let messageType = SV2MessageType.openStandardMiningChannel
    public static let isChannelMessage = false

    public var requestID: UInt32
    public var userIdentity: SV2String
    /// h/s.
    public var nominalHashRate: Float
    public var maxTarget: SV2U256

    public init(requestID: UInt32, userIdentity: SV2String, nominalHashRate: Float, maxTarget: SV2U256) {
        self.requestID = requestID
        self.userIdentity = userIdentity
        self.nominalHashRate = nominalHashRate
        self.maxTarget = maxTarget
    }

    public func encodePayload(into w: inout SV2Writer) throws {
        w.writeU32(requestID)
        w.writeSTR0_255(userIdentity)
        w.writeF32(nominalHashRate)
        w.writeU256(maxTarget)
    }

    public init(payloadReader r: inout SV2Reader) throws {
        requestID = try r.readU32()
        userIdentity = try r.readSTR0_255()
        nominalHashRate = try r.readF32()
        maxTarget = try r.readU256()
    }
}

/// §5.3.3 OpenStandardMiningChannel.Success (Server -> Client), msg_type 0x11, channel_msg 0 (§8,
/// although the payload carries a channel_id it is not in the channel_msg position).
public struct OpenStandardMiningChannelSuccess: SV2Message {
    public static let messageType = SV2MessageType.openStandardMiningChannelSuccess
    public static let isChannelMessage = false

    public var requestID: UInt32
    public var channelID: UInt32
    public var target: SV2U256
    /// B0_32.
    public var extranoncePrefix: [UInt8]
    public var groupChannelID: UInt32

    public init(requestID: UInt32, channelID: UInt32, target: SV2U256, extranoncePrefix: [UInt8], groupChannelID: UInt32) {
        self.requestID = requestID
        self.channelID = channelID
        self.target = target
        self.extranoncePrefix = extranoncePrefix
        self.groupChannelID = groupChannelID
    }

    public func encodePayload(into w: inout SV2Writer) throws {
        w.writeU32(requestID)
        w.writeU32(channelID)
        w.writeU256(target)
        try w.writeB0_32(extranoncePrefix)
        w.writeU32(groupChannelID)
    }

    public init(payloadReader r: inout SV2Reader) throws {
        requestID = try r.readU32()
        channelID = try r.readU32()
        target = try r.readU256()
        extranoncePrefix = try r.readB0_32()
        groupChannelID = try r.readU32()
    }
}

/// §5.3.6 OpenMiningChannel.Error (Server -> Client), msg_type 0x12, channel_msg 0: the answer to
/// both OpenStandardMiningChannel and OpenExtendedMiningChannel.
public struct OpenMiningChannelError: SV2Message {
    public static let messageType = SV2MessageType.openMiningChannelError
    public static let isChannelMessage = false

    public var requestID: UInt32
    public var errorCode: SV2String

    public init(requestID: UInt32, errorCode: SV2String) {
        self.requestID = requestID
        self.errorCode = errorCode
    }

    public func encodePayload(into w: inout SV2Writer) throws {
        w.writeU32(requestID)
        w.writeSTR0_255(errorCode)
    }

    public init(payloadReader r: inout SV2Reader) throws {
        requestID = try r.readU32()
        errorCode = try r.readSTR0_255()
    }
}

/// §5.3.4 OpenExtendedMiningChannel (Client -> Server), msg_type 0x13, channel_msg 0: the fields of
/// OpenStandardMiningChannel, then min_extranonce_size U16.
public struct OpenExtendedMiningChannel: SV2Message {
    public static let messageType = SV2MessageType.openExtendedMiningChannel
    public static let isChannelMessage = false

    public var requestID: UInt32
    public var userIdentity: SV2String
    public var nominalHashRate: Float
    public var maxTarget: SV2U256
    public var minExtranonceSize: UInt16

    public init(requestID: UInt32, userIdentity: SV2String, nominalHashRate: Float, maxTarget: SV2U256,
                minExtranonceSize: UInt16) {
        self.requestID = requestID
        self.userIdentity = userIdentity
        self.nominalHashRate = nominalHashRate
        self.maxTarget = maxTarget
        self.minExtranonceSize = minExtranonceSize
    }

    public func encodePayload(into w: inout SV2Writer) throws {
        w.writeU32(requestID)
        w.writeSTR0_255(userIdentity)
        w.writeF32(nominalHashRate)
        w.writeU256(maxTarget)
        w.writeU16(minExtranonceSize)
    }

    public init(payloadReader r: inout SV2Reader) throws {
        requestID = try r.readU32()
        userIdentity = try r.readSTR0_255()
        nominalHashRate = try r.readF32()
        maxTarget = try r.readU256()
        minExtranonceSize = try r.readU16()
    }
}

/// §5.3.5 OpenExtendedMiningChannel.Success (Server -> Client), msg_type 0x14, channel_msg 0.
public struct OpenExtendedMiningChannelSuccess: SV2Message {
    public static let messageType = SV2MessageType.openExtendedMiningChannelSuccess
    public static let isChannelMessage = false

    public var requestID: UInt32
    public var channelID: UInt32
    public var target: SV2U256
    public var extranonceSize: UInt16
    /// B0_32.
    public var extranoncePrefix: [UInt8]
    public var groupChannelID: UInt32

    public init(requestID: UInt32, channelID: UInt32, target: SV2U256, extranonceSize: UInt16, extranoncePrefix: [UInt8],
                groupChannelID: UInt32) {
        self.requestID = requestID
        self.channelID = channelID
        self.target = target
        self.extranonceSize = extranonceSize
        self.extranoncePrefix = extranoncePrefix
        self.groupChannelID = groupChannelID
    }

    public func encodePayload(into w: inout SV2Writer) throws {
        w.writeU32(requestID)
        w.writeU32(channelID)
        w.writeU256(target)
        w.writeU16(extranonceSize)
        try w.writeB0_32(extranoncePrefix)
        w.writeU32(groupChannelID)
    }

    public init(payloadReader r: inout SV2Reader) throws {
        requestID = try r.readU32()
        channelID = try r.readU32()
        target = try r.readU256()
        extranonceSize = try r.readU16()
        extranoncePrefix = try r.readB0_32()
        groupChannelID = try r.readU32()
    }
}

/// §5.3.15 NewMiningJob (Server -> Client), msg_type 0x15, channel_msg 1.
public struct NewMiningJob: SV2Message {
    public static let messageType = SV2MessageType.newMiningJob
    public static let isChannelMessage = true

    public var channelID: UInt32
    public var jobID: UInt32
    /// OPTION[U32]; nil: a future job, activated by a SetNewPrevHash (§5.1.3).
    public var minNTime: UInt32?
    public var version: UInt32
    public var merkleRoot: SV2U256

    public init(channelID: UInt32, jobID: UInt32, minNTime: UInt32?, version: UInt32, merkleRoot: SV2U256) {
        self.channelID = channelID
        self.jobID = jobID
        self.minNTime = minNTime
        self.version = version
        self.merkleRoot = merkleRoot
    }

    public var isFutureJob: Bool { minNTime == nil }

    public func encodePayload(into w: inout SV2Writer) throws {
        w.writeU32(channelID)
        w.writeU32(jobID)
        w.writeOption(minNTime) { $0.writeU32($1) }
        w.writeU32(version)
        w.writeU256(merkleRoot)
    }

    public init(payloadReader r: inout SV2Reader) throws {
        channelID = try r.readU32()
        jobID = try r.readU32()
        minNTime = try r.readOption { try $0.readU32() }
        version = try r.readU32()
        merkleRoot = try r.readU256()
    }
}

/// §5.3.16 NewExtendedMiningJob (Server -> Client), msg_type 0x1F, channel_msg 1.
public struct NewExtendedMiningJob: SV2Message {
    public static let messageType = SV2MessageType.newExtendedMiningJob
    public static let isChannelMessage = true

    public var channelID: UInt32
    public var jobID: UInt32
    /// OPTION[U32]; nil: a future job.
    public var minNTime: UInt32?
    public var version: UInt32
    public var versionRollingAllowed: Bool
    /// SEQ0_255[U256], deepest first.
    public var merklePath: [SV2U256]
    /// B0_64K, BIP141 fields stripped (§3.7.1).
    public var coinbaseTxPrefix: [UInt8]
    /// B0_64K.
    public var coinbaseTxSuffix: [UInt8]

    public init(channelID: UInt32, jobID: UInt32, minNTime: UInt32?, version: UInt32, versionRollingAllowed: Bool,
                merklePath: [SV2U256], coinbaseTxPrefix: [UInt8], coinbaseTxSuffix: [UInt8]) {
        self.channelID = channelID
        self.jobID = jobID
        self.minNTime = minNTime
        self.version = version
        self.versionRollingAllowed = versionRollingAllowed
        self.merklePath = merklePath
        self.coinbaseTxPrefix = coinbaseTxPrefix
        self.coinbaseTxSuffix = coinbaseTxSuffix
    }

    public var isFutureJob: Bool { minNTime == nil }

    public func encodePayload(into w: inout SV2Writer) throws {
        w.writeU32(channelID)
        w.writeU32(jobID)
        w.writeOption(minNTime) { $0.writeU32($1) }
        w.writeU32(version)
        w.writeBool(versionRollingAllowed)
        try w.writeSEQ0_255(merklePath) { $0.writeU256($1) }
        try w.writeB0_64K(coinbaseTxPrefix)
        try w.writeB0_64K(coinbaseTxSuffix)
    }

    public init(payloadReader r: inout SV2Reader) throws {
        channelID = try r.readU32()
        jobID = try r.readU32()
        minNTime = try r.readOption { try $0.readU32() }
        version = try r.readU32()
        versionRollingAllowed = try r.readBool()
        merklePath = try r.readSEQ0_255 { try $0.readU256() }
        coinbaseTxPrefix = try r.readB0_64K()
        coinbaseTxSuffix = try r.readB0_64K()
    }
}

/// §5.3.17 SetNewPrevHash (Server -> Client, broadcast), Mining Protocol msg_type 0x20, channel_msg 1
/// (not the Template Distribution message of the same name, 0x72).
public struct SetNewPrevHash: SV2Message {
    public static let messageType = SV2MessageType.setNewPrevHash
    public static let isChannelMessage = true

    public var channelID: UInt32
    public var jobID: UInt32
    /// The block header's prev_hash field (U256: raw SHA-256d output, header byte order).
    public var prevHash: SV2U256
    public var minNTime: UInt32
    public var nbits: UInt32

    public init(channelID: UInt32, jobID: UInt32, prevHash: SV2U256, minNTime: UInt32, nbits: UInt32) {
        self.channelID = channelID
        self.jobID = jobID
        self.prevHash = prevHash
        self.minNTime = minNTime
        self.nbits = nbits
    }

    public func encodePayload(into w: inout SV2Writer) throws {
        w.writeU32(channelID)
        w.writeU32(jobID)
        w.writeU256(prevHash)
        w.writeU32(minNTime)
        w.writeU32(nbits)
    }

    public init(payloadReader r: inout SV2Reader) throws {
        channelID = try r.readU32()
        jobID = try r.readU32()
        prevHash = try r.readU256()
        minNTime = try r.readU32()
        nbits = try r.readU32()
    }
}

/// §5.3.21 SetTarget (Server -> Client), msg_type 0x21, channel_msg 1.
public struct SetTarget: SV2Message {
    public static let messageType = SV2MessageType.setTarget
    public static let isChannelMessage = true

    public var channelID: UInt32
    public var maximumTarget: SV2U256

    public init(channelID: UInt32, maximumTarget: SV2U256) {
        self.channelID = channelID
        self.maximumTarget = maximumTarget
    }

    public func encodePayload(into w: inout SV2Writer) throws {
        w.writeU32(channelID)
        w.writeU256(maximumTarget)
    }

    public init(payloadReader r: inout SV2Reader) throws {
        channelID = try r.readU32()
        maximumTarget = try r.readU256()
    }
}

/// §5.3.10 SetExtranoncePrefix (Server -> Client), msg_type 0x19, channel_msg 1.
public struct SetExtranoncePrefix: SV2Message {
    public static let messageType = SV2MessageType.setExtranoncePrefix
    public static let isChannelMessage = true

    public var channelID: UInt32
    /// B0_32.
    public var extranoncePrefix: [UInt8]

    public init(channelID: UInt32, extranoncePrefix: [UInt8]) {
        self.channelID = channelID
        self.extranoncePrefix = extranoncePrefix
    }

    public func encodePayload(into w: inout SV2Writer) throws {
        w.writeU32(channelID)
        try w.writeB0_32(extranoncePrefix)
    }

    public init(payloadReader r: inout SV2Reader) throws {
        channelID = try r.readU32()
        extranoncePrefix = try r.readB0_32()
    }
}

/// §5.3.11 SubmitSharesStandard (Client -> Server), msg_type 0x1A, channel_msg 1.
public struct SubmitSharesStandard: SV2Message {
    public static let messageType = SV2MessageType.submitSharesStandard
    public static let isChannelMessage = true

    public var channelID: UInt32
    public var sequenceNumber: UInt32
    public var jobID: UInt32
    public var nonce: UInt32
    public var ntime: UInt32
    /// The full nVersion field.
    public var version: UInt32

    public init(channelID: UInt32, sequenceNumber: UInt32, jobID: UInt32, nonce: UInt32, ntime: UInt32, version: UInt32) {
        self.channelID = channelID
        self.sequenceNumber = sequenceNumber
        self.jobID = jobID
        self.nonce = nonce
        self.ntime = ntime
        self.version = version
    }

    public func encodePayload(into w: inout SV2Writer) throws {
        w.writeU32(channelID)
        w.writeU32(sequenceNumber)
        w.writeU32(jobID)
        w.writeU32(nonce)
        w.writeU32(ntime)
        w.writeU32(version)
    }

    public init(payloadReader r: inout SV2Reader) throws {
        channelID = try r.readU32()
        sequenceNumber = try r.readU32()
        jobID = try r.readU32()
        nonce = try r.readU32()
        ntime = try r.readU32()
        version = try r.readU32()
    }
}

/// §5.3.12 SubmitSharesExtended (Client -> Server), msg_type 0x1B, channel_msg 1: the fields of
/// SubmitSharesStandard, then extranonce B0_32.
public struct SubmitSharesExtended: SV2Message {
    public static let messageType = SV2MessageType.submitSharesExtended
    public static let isChannelMessage = true

    public var channelID: UInt32
    public var sequenceNumber: UInt32
    public var jobID: UInt32
    public var nonce: UInt32
    public var ntime: UInt32
    public var version: UInt32
    /// B0_32.
    public var extranonce: [UInt8]

    public init(channelID: UInt32, sequenceNumber: UInt32, jobID: UInt32, nonce: UInt32, ntime: UInt32, version: UInt32,
                extranonce: [UInt8]) {
        self.channelID = channelID
        self.sequenceNumber = sequenceNumber
        self.jobID = jobID
        self.nonce = nonce
        self.ntime = ntime
        self.version = version
        self.extranonce = extranonce
    }

    public func encodePayload(into w: inout SV2Writer) throws {
        w.writeU32(channelID)
        w.writeU32(sequenceNumber)
        w.writeU32(jobID)
        w.writeU32(nonce)
        w.writeU32(ntime)
        w.writeU32(version)
        try w.writeB0_32(extranonce)
    }

    public init(payloadReader r: inout SV2Reader) throws {
        channelID = try r.readU32()
        sequenceNumber = try r.readU32()
        jobID = try r.readU32()
        nonce = try r.readU32()
        ntime = try r.readU32()
        version = try r.readU32()
        extranonce = try r.readB0_32()
    }
}

/// §5.3.13 SubmitShares.Success (Server -> Client), msg_type 0x1C, channel_msg 1. One message may
/// acknowledge a batch: `newSubmitsAcceptedCount` shares up to `lastSequenceNumber`.
public struct SubmitSharesSuccess: SV2Message {
    public static let messageType = SV2MessageType.submitSharesSuccess
    public static let isChannelMessage = true

    public var channelID: UInt32
    public var lastSequenceNumber: UInt32
    public var newSubmitsAcceptedCount: UInt32
    /// U64: the sum of the acknowledged shares' difficulties.
    public var newSharesSum: UInt64

    public init(channelID: UInt32, lastSequenceNumber: UInt32, newSubmitsAcceptedCount: UInt32, newSharesSum: UInt64) {
        self.channelID = channelID
        self.lastSequenceNumber = lastSequenceNumber
        self.newSubmitsAcceptedCount = newSubmitsAcceptedCount
        self.newSharesSum = newSharesSum
    }

    public func encodePayload(into w: inout SV2Writer) throws {
        w.writeU32(channelID)
        w.writeU32(lastSequenceNumber)
        w.writeU32(newSubmitsAcceptedCount)
        w.writeU64(newSharesSum)
    }

    public init(payloadReader r: inout SV2Reader) throws {
        channelID = try r.readU32()
        lastSequenceNumber = try r.readU32()
        newSubmitsAcceptedCount = try r.readU32()
        newSharesSum = try r.readU64()
    }
}

/// §5.3.14 SubmitShares.Error (Server -> Client), msg_type 0x1D, channel_msg 1.
public struct SubmitSharesError: SV2Message {
    public static let messageType = SV2MessageType.submitSharesError
    public static let isChannelMessage = true

    public var channelID: UInt32
    public var sequenceNumber: UInt32
    /// E.g. "stale-share", "difficulty-too-low", "invalid-job-id".
    public var errorCode: SV2String

    public init(channelID: UInt32, sequenceNumber: UInt32, errorCode: SV2String) {
        self.channelID = channelID
        self.sequenceNumber = sequenceNumber
        self.errorCode = errorCode
    }

    public func encodePayload(into w: inout SV2Writer) throws {
        w.writeU32(channelID)
        w.writeU32(sequenceNumber)
        w.writeSTR0_255(errorCode)
    }

    public init(payloadReader r: inout SV2Reader) throws {
        channelID = try r.readU32()
        sequenceNumber = try r.readU32()
        errorCode = try r.readSTR0_255()
    }
}

/// §5.3.7 UpdateChannel (Client -> Server), msg_type 0x16, channel_msg 1.
public struct UpdateChannel: SV2Message {
    public static let messageType = SV2MessageType.updateChannel
    public static let isChannelMessage = true

    public var channelID: UInt32
    public var nominalHashRate: Float
    public var maximumTarget: SV2U256

    public init(channelID: UInt32, nominalHashRate: Float, maximumTarget: SV2U256) {
        self.channelID = channelID
        self.nominalHashRate = nominalHashRate
        self.maximumTarget = maximumTarget
    }

    public func encodePayload(into w: inout SV2Writer) throws {
        w.writeU32(channelID)
        w.writeF32(nominalHashRate)
        w.writeU256(maximumTarget)
    }

    public init(payloadReader r: inout SV2Reader) throws {
        channelID = try r.readU32()
        nominalHashRate = try r.readF32()
        maximumTarget = try r.readU256()
    }
}

/// §5.3.8 UpdateChannel.Error (Server -> Client), msg_type 0x17, channel_msg 1.
public struct UpdateChannelError: SV2Message {
    public static let messageType = SV2MessageType.updateChannelError
    public static let isChannelMessage = true

    public var channelID: UInt32
    public var errorCode: SV2String

    public init(channelID: UInt32, errorCode: SV2String) {
        self.channelID = channelID
        self.errorCode = errorCode
    }

    public func encodePayload(into w: inout SV2Writer) throws {
        w.writeU32(channelID)
        w.writeSTR0_255(errorCode)
    }

    public init(payloadReader r: inout SV2Reader) throws {
        channelID = try r.readU32()
        errorCode = try r.readSTR0_255()
    }
}

/// §5.3.9 CloseChannel (both directions), msg_type 0x18, channel_msg 1.
public struct CloseChannel: SV2Message {
    public static let messageType = SV2MessageType.closeChannel
    public static let isChannelMessage = true

    public var channelID: UInt32
    public var reasonCode: SV2String

    public init(channelID: UInt32, reasonCode: SV2String) {
        self.channelID = channelID
        self.reasonCode = reasonCode
    }

    public func encodePayload(into w: inout SV2Writer) throws {
        w.writeU32(channelID)
        w.writeSTR0_255(reasonCode)
    }

    public init(payloadReader r: inout SV2Reader) throws {
        channelID = try r.readU32()
        reasonCode = try r.readSTR0_255()
    }
}
