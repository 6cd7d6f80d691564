/// The Noise protocol name Stratum V2 hashes into the first handshake state (sv2-spec §4.5.1).
public enum NoiseProtocolName {
    public static let stratumV2 = "Noise_NX_Secp256k1+EllSwift_ChaChaPoly_SHA256"
}
