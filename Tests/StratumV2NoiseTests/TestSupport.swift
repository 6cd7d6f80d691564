import StratumV2Protocol
@testable import StratumV2Noise

/// A deterministic generator (SplitMix64) so handshakes with "random" keys repeat exactly.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func hex(_ text: String) -> [UInt8] {
    var bytes: [UInt8] = []
    var iterator = text.filter { !$0.isWhitespace }.makeIterator()
    while let high = iterator.next(), let low = iterator.next() {
        bytes.append(UInt8(String([high, low]), radix: 16)!)
    }
    return bytes
}

func hexString(_ bytes: [UInt8]) -> String {
    bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}

/// Fixed keys and a certificate valid from 1,700,000,000 to 1,900,000,000.
enum Fixture {
    static let authoritySecretKey = [UInt8](repeating: 0, count: 31) + [7]
    static let otherAuthoritySecretKey = [UInt8](repeating: 0, count: 31) + [8]
    static let serverStaticSecretKey = [UInt8](repeating: 0x11, count: 32)
    static let validFrom: UInt32 = 1_700_000_000
    static let notValidAfter: UInt32 = 1_900_000_000
    static let now: UInt32 = 1_800_000_000

    static var authorityKeyXOnly: [UInt8] { NoiseTestKeys.xOnly(authoritySecretKey) }
    static var serverStaticKeyXOnly: [UInt8] { NoiseTestKeys.xOnly(serverStaticSecretKey) }

    static func certificate(validFrom: UInt32 = validFrom, notValidAfter: UInt32 = notValidAfter,
                            authority: [UInt8] = authoritySecretKey) throws -> SV2SignatureNoiseMessage {
        try SV2SignatureNoiseMessage.signed(serverStaticKeyXOnly: serverStaticKeyXOnly, authoritySecretKey: authority,
                                            validFrom: validFrom, notValidAfter: notValidAfter)
    }

    static func responder(certificate: SV2SignatureNoiseMessage? = nil) throws -> SV2NoiseResponder {
        var generator = SeededGenerator(seed: 2)
        return try SV2NoiseResponder(staticSecretKey: serverStaticSecretKey,
                                     certificate: certificate ?? self.certificate(), using: &generator)
    }

    static func initiator(seed: UInt64 = 1) -> SV2NoiseInitiator {
        var generator = SeededGenerator(seed: seed)
        return SV2NoiseInitiator(using: &generator)
    }

    /// A completed handshake: (initiator's transport, responder's transport).
    static func handshake() throws -> (initiator: SV2TransportCipher, responder: SV2TransportCipher) {
        var initiator = initiator()
        var generator = SeededGenerator(seed: 3)
        let (act2, responderTransport) = try responder().respond(toAct1: initiator.act1, using: &generator)
        let result = try initiator.receiveAct2(act2, authorityKeyXOnly: authorityKeyXOnly, now: now, leeway: 10)
        return (result.transport, responderTransport)
    }
}

import Secp256k1
enum NoiseTestKeys {
    static func xOnly(_ secretKey: [UInt8]) -> [UInt8] { Schnorr.publicKey(secretKey: secretKey)! }
}
