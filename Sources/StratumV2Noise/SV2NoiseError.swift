/// What can go wrong in Stratum V2's encrypted transport, in words a user reads in a log line. Every
/// one of them ends the connection: after a failure the stream can no longer be trusted (§4.5: "Should
/// the decryption ... fail at any point, the session must be terminated").
public enum SV2NoiseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A handshake message of the wrong length or content, or a handshake step out of order.
    case malformedHandshake(String)
    /// A ChaCha20-Poly1305 MAC did not check.
    case decryptionFailed
    /// The pool's certificate (SIGNATURE_NOISE_MESSAGE) did not pass; the check says why.
    case certificate(SV2CertificateCheck)
    /// An encrypted frame's header announced a payload over the accepted maximum.
    case frameTooLarge(length: Int, maximum: Int)
    /// A secret key that is not a valid secp256k1 secret key (zero, or not below the group order),
    /// or a public key of the wrong length.
    case invalidKey

    public var description: String {
        switch self {
        case .malformedHandshake(let why):
            return "Stratum V2 handshake failed: \(why)"
        case .decryptionFailed:
            return "Stratum V2 decryption failed: MAC check failed: the frame was altered or the keys differ"
        case .certificate(let check):
            return "Stratum V2 handshake failed: \(check.description)"
        case .frameTooLarge(let length, let maximum):
            return "Stratum V2 encrypted frame announces a \(length)-byte payload, over the \(maximum)-byte maximum"
        case .invalidKey:
            return "Stratum V2 key is not a valid secp256k1 key"
        }
    }
}
