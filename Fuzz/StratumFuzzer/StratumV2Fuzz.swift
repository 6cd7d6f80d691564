import MiningCore
import PoolSettings
import StratumClient
import StratumProtocol
import StratumV2Noise
import StratumV2Protocol

/// Step 5: the fuzz input read as a Stratum V2 pool's byte stream.
///
/// (a) Plaintext framing and codec: the bytes are fed in derived chunks to `SV2FrameDecoder` (its
///     default payload limit or a small derived one); every frame must be exactly the bytes it was
///     cut from, and every frame → `SV2AnyMessage(frame:)`; a known message that decodes must
///     re-encode (`frame()`) without error to bytes that decode to an equal message, whose payload
///     is a prefix of the one received (TLV fields are left unread; BOOLs aside).
/// (b) The client's `SV2ClientSession`: `.connected`, an injected SetupConnection.Success and
///     Open(Standard|Extended)MiningChannel.Success (derived kind, target, extranonce prefix and
///     size, channel id usually the stream's first channel id), then the stream's messages with a
///     fake clock, ticks, difficulty suggestions; every emitted job is built into a `MiningJob` as
///     `WorkerCore` does and a share for it submitted. Every frame sent must decode as a client
///     message; nothing is sent once the session closed; every submit token is resolved exactly
///     once by the time `.closed` is handled, and no unknown token is resolved.
/// (c) The encrypted transport, with keys fixed once (`Keys`): the input as ciphertext never yields a
///     frame (the MAC cannot match) and, once the decoder threw, it keeps throwing; the frames of
///     (a), sealed by the pool's cipher and fed in derived chunks to the miner's decoder, come back
///     exactly; with one sealed byte flipped, no frame at or after it comes back and the decoder throws.
enum StratumV2Fuzz {
    static func run(_ data: UnsafeRawBufferPointer, seed: UInt64) {
        var derived = StratumFuzz.Derived(seed: seed)
        let bytes = Array(data)
        let frames = decodeFrames(bytes, derived: &derived)
        driveSession(frames, derived: &derived)
        encrypted(bytes, frames: frames.map(\.frame), derived: &derived)
    }

    /// A decoded frame and what its payload decoded to (an error's description when it did not).
    typealias Decoded = (frame: SV2Frame, message: Result<SV2AnyMessage, Failure>)

    struct Failure: Error { let description: String }

    // MARK: - (a) plaintext framing and codec

    static func decodeFrames(_ bytes: [UInt8], derived: inout StratumFuzz.Derived) -> [Decoded] {
        let limit = derived.below(4) == 0 ? derived.below(300) : SV2FrameDecoder.defaultMaximumPayloadLength
        var decoder = SV2FrameDecoder(maximumPayloadLength: limit)
        var decoded: [Decoded] = []
        var fed = 0
        var consumed = 0
        outer: while fed < bytes.count {
            let chunk = min(bytes.count - fed, 1 + derived.below(derived.below(2) == 0 ? 8 : 4096))
            decoder.append(bytes[fed..<fed + chunk])
            fed += chunk
            while true {
                let frame: SV2Frame?
                do {
                    frame = try decoder.nextFrame()
                } catch {
                    guard case .frameTooLarge(let length, let maximum) = error as? SV2CodecError else {
                        StratumFuzz.check(false, "unexpected frame decoder error \(error)")
                        break outer
                    }
                    StratumFuzz.check(maximum == limit && length > limit, "frameTooLarge(\(length), \(maximum)) with limit \(limit)")
                    break outer
                }
                guard let frame else { break }
                StratumFuzz.check(frame.payload.count <= limit, "payload of \(frame.payload.count) bytes passed a limit of \(limit)")
                StratumFuzz.check(frame.header.messageLength == frame.payload.count, "msg_length differs from the payload")
                let wire = try? frame.encoded()
                let end = consumed + SV2FrameHeader.length + frame.payload.count
                StratumFuzz.check(end <= fed && wire.map { $0[...] == bytes[consumed..<end] } == true,
                                  "frame at \(consumed) is not the bytes it was cut from")
                consumed = end
                decoded.append((frame, codecRoundTrip(frame)))
            }
            StratumFuzz.check(consumed + decoder.bufferedByteCount == fed,
                              "\(consumed) bytes in frames + \(decoder.bufferedByteCount) buffered != \(fed) fed")
        }
        return decoded
    }

    /// `SV2AnyMessage(frame:)`, and for a known message the re-encoding round trip.
    static func codecRoundTrip(_ frame: SV2Frame) -> Result<SV2AnyMessage, Failure> {
        let message: SV2AnyMessage
        do {
            message = try SV2AnyMessage(frame: frame)
        } catch {
            StratumFuzz.check(error is SV2CodecError, "payload decoding threw a \(type(of: error))")
            return .failure(Failure(description: "\(error)"))
        }
        if case .unknown(let kept) = message {
            StratumFuzz.check(kept == frame, "an unknown message does not keep its frame")
            return .success(message)
        }
        let again: SV2Frame
        do {
            again = try encodedFrame(message)
        } catch {
            StratumFuzz.check(false, "a decoded \(message) does not re-encode: \(error)")
            return .success(message)
        }
        StratumFuzz.check(again.header.extensionType == 0 && again.header.messageType == frame.header.messageType,
                          "re-encoded as type \(again.header.messageType), received as \(frame.header.messageType)")
        if case .newExtendedMiningJob = message {
            // BOOL: only bit 0 is read (§3.1), so the byte may differ.
        } else {
            StratumFuzz.check(frame.payload.starts(with: again.payload), "re-encoded payload is not a prefix of the received one: \(message)")
        }
        guard let redecoded = try? SV2AnyMessage(frame: again) else {
            StratumFuzz.check(false, "re-encoded \(message) does not decode")
            return .success(message)
        }
        // F32 fields may be NaN (NaN != NaN): then the bytes must be the same.
        let sameBytes = (try? encodedFrame(redecoded))?.payload == again.payload
        StratumFuzz.check(redecoded == message || (hasNaN(message) && sameBytes), "round trip changed \(message) into \(redecoded)")
        return .success(message)
    }

    static func hasNaN(_ message: SV2AnyMessage) -> Bool {
        switch message {
        case .openStandardMiningChannel(let m): m.nominalHashRate.isNaN
        case .openExtendedMiningChannel(let m): m.nominalHashRate.isNaN
        case .updateChannel(let m): m.nominalHashRate.isNaN
        default: false
        }
    }

    static func encodedFrame(_ message: SV2AnyMessage) throws -> SV2Frame {
        switch message {
        case .setupConnection(let m): try m.frame()
        case .setupConnectionSuccess(let m): try m.frame()
        case .setupConnectionError(let m): try m.frame()
        case .reconnect(let m): try m.frame()
        case .openStandardMiningChannel(let m): try m.frame()
        case .openStandardMiningChannelSuccess(let m): try m.frame()
        case .openMiningChannelError(let m): try m.frame()
        case .openExtendedMiningChannel(let m): try m.frame()
        case .openExtendedMiningChannelSuccess(let m): try m.frame()
        case .newMiningJob(let m): try m.frame()
        case .newExtendedMiningJob(let m): try m.frame()
        case .setNewPrevHash(let m): try m.frame()
        case .setTarget(let m): try m.frame()
        case .setExtranoncePrefix(let m): try m.frame()
        case .submitSharesStandard(let m): try m.frame()
        case .submitSharesExtended(let m): try m.frame()
        case .submitSharesSuccess(let m): try m.frame()
        case .submitSharesError(let m): try m.frame()
        case .updateChannel(let m): try m.frame()
        case .updateChannelError(let m): try m.frame()
        case .closeChannel(let m): try m.frame()
        case .unknown(let frame): frame
        }
    }

    /// The channel a message is addressed to, when it names one.
    static func channelID(_ message: SV2AnyMessage) -> UInt32? {
        switch message {
        case .newMiningJob(let m): m.channelID
        case .newExtendedMiningJob(let m): m.channelID
        case .setNewPrevHash(let m): m.channelID
        case .setTarget(let m): m.channelID
        case .setExtranoncePrefix(let m): m.channelID
        case .submitSharesSuccess(let m): m.channelID
        case .submitSharesError(let m): m.channelID
        case .updateChannelError(let m): m.channelID
        case .closeChannel(let m): m.channelID
        default: nil
        }
    }

    // MARK: - (b) the client's session

    static let poolURL = "stratum2+tcp://127.0.0.1:3336/9bXiEd8boQVhq7WddEcERUL5tyyJVFYdU8th3HfbNXK3Yw6GRXh"

    static func target(_ derived: inout StratumFuzz.Derived) -> SV2U256 {
        switch derived.below(5) {
        case 0: return .max
        case 1: return .zero
        case 2:  // a realistic target: zero high bytes
            let zeros = derived.below(33)
            return SV2U256(littleEndianBytes: derived.bytes(32 - zeros) + [UInt8](repeating: 0, count: zeros))!
        default: return SV2U256(littleEndianBytes: derived.bytes(32))!
        }
    }

    static func driveSession(_ frames: [Decoded], derived: inout StratumFuzz.Derived) {
        let kind: SV2ChannelKind = derived.below(2) == 0 ? .standard : .extended
        let pool = PoolConfiguration(url: poolURL, suggestDifficulty: derived.below(2) == 0 ? nil : 512,
                                     allowReconnectToOtherHost: derived.below(2) == 0, stratumV2Channel: kind)
        let timers = ConnectionTimers(subscribeTimeout: .seconds(15), idleTimeout: .seconds(300),
                                      jobTimeout: derived.below(2) == 0 ? nil : .seconds(120), submitTimeout: .seconds(30))
        let client = StratumClientConfiguration(pools: [pool], user: "fuzz.worker", password: "x", userAgent: "StratumFuzzer/1",
                                                timers: timers)
        let configuration = StratumSessionConfiguration(pool: pool, client: client, epoch: 9,
                                                        suggestedDifficulty: derived.below(2) == 0 ? nil : derived.difficulty())
        var session = SV2ClientSession(configuration: configuration)
        let messages = frames.compactMap { try? $0.message.get() }
        let streamChannels = messages.compactMap(channelID)
        let channelID = streamChannels.first.flatMap { derived.below(4) != 0 ? $0 : nil } ?? UInt32(truncatingIfNeeded: derived.next() % 4)
        let groupID: UInt32 = switch derived.below(3) {
        case 0: 0
        case 1: streamChannels.last ?? 1
        default: UInt32(truncatingIfNeeded: derived.next())
        }
        var now = StratumFuzz.clockBase
        var submitted: Set<UInt64> = []
        var finished: Set<UInt64> = []
        var nextToken: UInt64 = 1
        var jobs: [JobAssignment] = []
        var closed = false

        func perform(_ actions: [SV2ClientSession.Action]) {
            for action in actions {
                switch action {
                case .resolve(let token, _):
                    StratumFuzz.check(submitted.contains(token), "v2: resolved unknown token \(token)")
                    StratumFuzz.check(finished.insert(token).inserted, "v2: token \(token) resolved twice")
                case .emit(.job(let assignment)):
                    StratumFuzz.check(!closed, "v2: a job emitted after close")
                    StratumFuzz.check(assignment.epoch == configuration.epoch, "v2: job of another epoch")
                    StratumFuzz.check(assignment.shareTarget != nil, "v2: job without a share target")
                    StratumFuzz.check((0...MiningJob.maxExtranonce2Size).contains(assignment.extranonce2Size),
                                      "v2: extranonce2 size \(assignment.extranonce2Size)")
                    if session.channel?.kind == .standard {
                        StratumFuzz.check(assignment.fixedMerkleRoot?.count == 32 && assignment.extranonce1.isEmpty
                                          && assignment.extranonce2Size == 0, "v2: standard-channel job with an extranonce or no root")
                    }
                    jobs.append(assignment)
                case .send(let frame, let name):
                    StratumFuzz.check(!closed, "v2: \(name) sent after the session closed")
                    checkSent(frame, name: name, channel: session.channel)
                case .close:
                    closed = true
                case .emit, .scheduleReconnect: break
                }
            }
        }

        func submitFor(_ assignment: JobAssignment) {
            // As WorkerCore builds a v2 job: the exact share target and the pool's merkle root.
            let size = assignment.extranonce2Size
            let job: MiningJob
            do {
                job = try MiningJob(notify: assignment.notify, extranonce1: assignment.extranonce1, extranonce2Size: size,
                                    shareTarget: assignment.shareTarget ?? .max, versionMask: assignment.versionMask ?? 0,
                                    fixedMerkleRoot: assignment.fixedMerkleRoot)
            } catch {
                if case .invalidDifficulty = error { return }  // a zero target: WorkerCore ignores the job
                return StratumFuzz.check(false, "v2 job refused: \(error)")
            }
            let extranonce2 = derived.bytes(size)
            let nonce = UInt32(truncatingIfNeeded: derived.next())
            let versionBits = assignment.versionMask.map { UInt32(truncatingIfNeeded: derived.next()) & $0 }
            let evaluation = job.evaluate(extranonce2: extranonce2, ntime: assignment.notify.ntime, nonce: nonce, versionBits: versionBits)
            let work = job.kernelWork(extranonce2: extranonce2, ntime: assignment.notify.ntime, versionBits: versionBits)
            let scanned = ReferenceNonceScanner(work: work).hashIfMeetsTarget(nonce: nonce) != nil
            StratumFuzz.check(scanned == evaluation.meetsShareTarget, "v2: kernel says \(scanned), evaluate says \(evaluation.meetsShareTarget)")
            if let root = assignment.fixedMerkleRoot {
                StratumFuzz.check(evaluation.header.merkleRoot == root, "v2: header without the pool's merkle root")
            }
            let token = nextToken
            nextToken += 1
            submitted.insert(token)
            let share = ShareSubmission(jobID: assignment.notify.jobID, epoch: assignment.epoch, jobGeneration: assignment.jobGeneration,
                                        extranonce1: assignment.extranonce1, extranonce2: extranonce2,
                                        ntime: assignment.notify.ntime, nonce: nonce, versionBits: versionBits)
            perform(session.handle(.submit(share, token: token, now: now)))
        }

        perform(session.handle(.connected(now: now)))
        StratumFuzz.check(session.phase == .settingUp, "v2: not setting up after .connected")
        perform(session.handle(.message(.setupConnectionSuccess(SetupConnectionSuccess(usedVersion: 2, flags: 0)), now: now)))
        StratumFuzz.check(session.phase == .openingChannel, "v2: no channel opened after SetupConnection.Success")
        var openKind = kind
        if kind == .standard, derived.below(8) == 0 {
            // The pool refuses the standard channel: the session retries once as extended.
            perform(session.handle(.message(.openMiningChannelError(OpenMiningChannelError(requestID: 1, errorCode: "unsupported")), now: now)))
            StratumFuzz.check(session.phase == .openingChannel, "v2: no extended channel asked for after a refused standard one")
            openKind = .extended
        }
        let prefix = derived.bytes(derived.below(4) == 0 ? derived.below(33) : 4)
        switch openKind {
        case .standard:
            perform(session.handle(.message(.openStandardMiningChannelSuccess(OpenStandardMiningChannelSuccess(
                requestID: 1, channelID: channelID, target: target(&derived), extranoncePrefix: prefix, groupChannelID: groupID)), now: now)))
            StratumFuzz.check(session.phase == .mining, "v2: standard channel not open")
        case .extended:
            let size = derived.below(4) == 0 ? derived.below(40) : 8
            perform(session.handle(.message(.openExtendedMiningChannelSuccess(OpenExtendedMiningChannelSuccess(
                requestID: 2, channelID: channelID, target: target(&derived), extranonceSize: UInt16(size),
                extranoncePrefix: prefix, groupChannelID: groupID)), now: now)))
            let valid = (1...32).contains(size) && prefix.count + size <= 32
            StratumFuzz.check(session.phase == (valid ? .mining : .closed), "v2: extended channel (size \(size), prefix \(prefix.count)) in phase \(session.phase)")
        }

        for entry in frames {
            now = now + .milliseconds(derived.below(2000))
            switch entry.message {
            case .success(let message): perform(session.handle(.message(message, now: now)))
            case .failure(let failure): perform(session.handle(.malformedFrame(failure.description, now: now)))
            }
            if closed { StratumFuzz.check(session.phase == .closed, "v2: phase \(session.phase) after a close action") }
            if let assignment = jobs.last, derived.below(2) == 0 { submitFor(assignment) }
            switch derived.below(8) {
            case 0: now = now + .seconds(derived.below(400)); perform(session.handle(.tick(now: now)))
            case 1: perform(session.handle(.tick(now: now)))
            case 2: perform(session.handle(.suggestDifficulty(derived.difficulty(), now: now)))
            default: break
            }
        }
        perform(session.handle(.tick(now: now + .seconds(31))))
        if let assignment = jobs.first { submitFor(assignment) }
        if let assignment = jobs.last { submitFor(assignment) }
        perform(session.handle(.closed("fuzz input ended")))
        StratumFuzz.check(session.phase == .closed, "v2: session not closed after .closed")
        StratumFuzz.check(submitted == finished, "v2: tokens never resolved: \(submitted.subtracting(finished).sorted())")
        StratumFuzz.check(session.pendingSubmitCount == 0, "v2: pending submits after close")
    }

    /// A frame the session sends: a client message that decodes, on our channel for channel messages.
    static func checkSent(_ frame: SV2Frame, name: String, channel: SV2ClientSession.Channel?) {
        guard let message = try? SV2AnyMessage(frame: frame) else {
            return StratumFuzz.check(false, "v2: sent \(name) does not decode")
        }
        switch message {
        case .setupConnection, .openStandardMiningChannel, .openExtendedMiningChannel: break
        case .submitSharesStandard(let m):
            StratumFuzz.check(channel?.kind == .standard && m.channelID == channel?.id, "v2: SubmitShares.Standard on channel \(m.channelID)")
        case .submitSharesExtended(let m):
            StratumFuzz.check(channel?.kind == .extended && m.channelID == channel?.id, "v2: SubmitShares.Extended on channel \(m.channelID)")
            StratumFuzz.check(m.extranonce.count == channel.map { $0.extranonceSize } ?? -1,
                              "v2: \(m.extranonce.count)-byte extranonce for a channel of \(channel?.extranonceSize ?? -1)")
        case .updateChannel(let m):
            StratumFuzz.check(m.channelID == channel?.id, "v2: UpdateChannel on channel \(m.channelID)")
        default:
            StratumFuzz.check(false, "v2: the session sent a pool's message \(name)")
        }
    }

    // MARK: - (c) the encrypted transport

    /// A completed handshake with fixed keys, made once per process (secp256k1 in Swift is slow):
    /// the miner's (initiator's) and the pool's (responder's) transport ciphers. Each input starts
    /// from copies, so every run begins at nonce 0.
    struct Keys: Sendable {
        let miner: SV2TransportCipher
        let pool: SV2TransportCipher

        static let shared: Keys = {
            var generator = FixedGenerator(state: 0x5732_4675_7A7A)
            let authoritySecret = [UInt8](repeating: 0x11, count: 32)
            let staticSecret = [UInt8](repeating: 0x22, count: 32)
            do {
                let authority = try NoiseKeyPair(secretKey: authoritySecret, using: &generator)
                let server = try NoiseKeyPair(secretKey: staticSecret, using: &generator)
                let certificate = try SV2SignatureNoiseMessage.signed(
                    serverStaticKeyXOnly: server.xOnlyPublicKey, authoritySecretKey: authoritySecret,
                    validFrom: 1_700_000_000, notValidAfter: 1_900_000_000)
                let responder = try SV2NoiseResponder(staticSecretKey: staticSecret, certificate: certificate, using: &generator)
                var initiator = SV2NoiseInitiator(using: &generator)
                let (act2, pool) = try responder.respond(toAct1: initiator.act1, using: &generator)
                let result = try initiator.receiveAct2(act2, authorityKeyXOnly: authority.xOnlyPublicKey,
                                                       now: 1_800_000_000, leeway: 0)
                return Keys(miner: result.transport, pool: pool)
            } catch {
                fatalError("fuzz setup: the fixed-key handshake failed: \(error)")
            }
        }()
    }

    struct FixedGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            var derived = StratumFuzz.Derived(seed: state)
            state &+= 1
            return derived.next()
        }
    }

    /// Feeds `stream` in derived chunks, collecting frames until the decoder throws or the stream ends.
    static func decrypt(_ stream: [UInt8], limit: Int, derived: inout StratumFuzz.Derived)
        -> (frames: [SV2Frame], error: SV2NoiseError?, decoder: SV2EncryptedFrameDecoder) {
        var decoder = Keys.shared.miner.makeDecoder(maximumPayloadLength: limit)
        var frames: [SV2Frame] = []
        var fed = 0
        while fed < stream.count {
            let chunk = min(stream.count - fed, 1 + derived.below(derived.below(2) == 0 ? 24 : 70_000))
            decoder.append(stream[fed..<fed + chunk])
            fed += chunk
            do {
                while let frame = try decoder.nextFrame() { frames.append(frame) }
            } catch {
                return (frames, error, decoder)
            }
        }
        return (frames, nil, decoder)
    }

    static func encrypted(_ bytes: [UInt8], frames: [SV2Frame], derived: inout StratumFuzz.Derived) {
        // The input as ciphertext: no frame can come out of it.
        let limit = derived.below(4) == 0 ? derived.below(300) : SV2FrameDecoder.defaultMaximumPayloadLength
        let (forged, failure, decoderAfter) = decrypt(bytes, limit: limit, derived: &derived)
        var decoder = decoderAfter
        StratumFuzz.check(forged.isEmpty, "v2: the input decrypted to \(forged.count) frame(s) without the key")
        if let failure {
            StratumFuzz.check(failure == .decryptionFailed, "v2: forged ciphertext failed with \(failure), not a MAC")
            decoder.append(derived.bytes(derived.below(64)))
            do {
                _ = try decoder.nextFrame()
                StratumFuzz.check(false, "v2: the encrypted decoder went on after \(failure)")
            } catch {
                StratumFuzz.check(error == failure, "v2: the encrypted decoder failed with \(error) after \(failure)")
            }
        } else {
            StratumFuzz.check(bytes.count < SV2EncryptedLayout.encryptedHeaderLength,
                              "v2: \(bytes.count) bytes of ciphertext went through without a MAC check")
        }

        // The plaintext frames, sealed by the pool, come back exactly (plus, now and then, one
        // payload around the 65,519-byte chunk boundary).
        var plain = frames
        if derived.below(32) == 0 {
            let length = [0, 1, 65_518, 65_519, 65_520, 131_038, 131_039][derived.below(7)]
            plain.insert(SV2Frame(extensionType: UInt16(truncatingIfNeeded: derived.next()), isChannelMessage: derived.below(2) == 0,
                                  messageType: UInt8(truncatingIfNeeded: derived.next()),
                                  payload: [UInt8](repeating: UInt8(truncatingIfNeeded: derived.next()), count: length)),
                         at: derived.below(plain.count + 1))
        }
        guard !plain.isEmpty else { return }
        var pool = Keys.shared.pool
        var stream: [UInt8] = []
        var ends: [Int] = []
        for frame in plain {
            let sealed = pool.seal(frame)
            StratumFuzz.check(sealed.count == SV2EncryptedLayout.encryptedHeaderLength
                              + SV2EncryptedLayout.encryptedPayloadLength(plaintext: frame.payload.count),
                              "v2: a \(frame.payload.count)-byte payload sealed to \(sealed.count) bytes")
            stream += sealed
            ends.append(stream.count)
        }
        let roundTrip = decrypt(stream, limit: SV2FrameDecoder.defaultMaximumPayloadLength, derived: &derived)
        StratumFuzz.check(roundTrip.error == nil, "v2: sealed frames failed to decrypt: \(roundTrip.error.map { "\($0)" } ?? "")")
        StratumFuzz.check(roundTrip.frames == plain, "v2: \(plain.count) sealed frames came back as \(roundTrip.frames.count) different ones")
        StratumFuzz.check(roundTrip.decoder.bufferedByteCount == 0, "v2: bytes left after the last sealed frame")

        // One byte flipped: every frame before it comes back, none from it on, and the decoder throws.
        let at = derived.below(stream.count)
        stream[at] ^= UInt8(1 + derived.below(255))
        let tampered = decrypt(stream, limit: SV2FrameDecoder.defaultMaximumPayloadLength, derived: &derived)
        let intact = ends.firstIndex { $0 > at }!
        StratumFuzz.check(tampered.error == .decryptionFailed,
                          "v2: a flipped byte at \(at) gave \(tampered.error.map { "\($0)" } ?? "no error")")
        StratumFuzz.check(tampered.frames == Array(plain.prefix(intact)),
                          "v2: byte \(at) flipped (frame \(intact)): \(tampered.frames.count) frames came back")
    }
}
