import TLSDiagnostics

/// How an error that ended a pool connection reads in the log (it is the reason of the worker's
/// `disconnected` line). A TLS failure says what failed and, when the pool's certificate was not
/// accepted, the two pool settings that would accept it; never a path of the build machine.
enum PoolConnectionError {
    static func description(of error: any Error) -> String {
        if let tooLong = error as? LineFrameDecoder.LineTooLongError { return "protocol error: \(tooLong)" }
        guard let failure = TLSFailure(error) else { return "\(error)" }
        return description(of: failure)
    }

    static func description(of failure: TLSFailure) -> String {
        guard failure.isCertificateRejected else { return "TLS with the pool failed: \(failure)" }
        return "TLS with the pool failed: its certificate was not accepted (\(failure)); a self-signed certificate needs "
            + #"tls_fingerprint_sha256 = "<SHA-256 of the certificate>" (pinned) or allow_self_signed = true in the pool entry"#
    }
}
