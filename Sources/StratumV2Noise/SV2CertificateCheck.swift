/// The outcome of checking a pool's certificate (sv2-spec §4.5.3): the authority's BIP340 signature
/// over the server's static key and validity period, and the period against this machine's clock.
/// Times are unix timestamps in seconds; `leeway` is the clock difference (seconds) tolerated at
/// either end of the period.
public enum SV2CertificateCheck: Hashable, Sendable, CustomStringConvertible {
    case valid
    /// The signature is not the authority's over this server key and period (wrong authority key, or
    /// a certificate for another server key).
    case badSignature
    /// Now (plus leeway) is before valid_from.
    case notYetValid(validFrom: UInt32, now: UInt32, leeway: UInt32)
    /// Now (minus leeway) is after not_valid_after.
    case expired(notValidAfter: UInt32, now: UInt32, leeway: UInt32)

    public var isValid: Bool { self == .valid }

    public var description: String {
        switch self {
        case .valid:
            return "the pool's certificate is valid"
        case .badSignature:
            return "the pool's certificate is not signed by the configured authority key (wrong authority key, or not the pool it claims to be)"
        case .notYetValid(let validFrom, let now, let leeway):
            return "the pool's certificate is not valid until \(UnixTime.format(validFrom)); this machine's clock says "
                + "\(UnixTime.format(now)), \(UInt64(validFrom) - UInt64(min(now, validFrom))) s earlier "
                + "(clock leeway \(leeway) s): check the clock"
        case .expired(let notValidAfter, let now, let leeway):
            return "the pool's certificate expired at \(UnixTime.format(notValidAfter)); this machine's clock says "
                + "\(UnixTime.format(now)), \(UInt64(now) - UInt64(min(now, notValidAfter))) s later "
                + "(clock leeway \(leeway) s): check the clock, or the pool must renew its certificate"
        }
    }
}
