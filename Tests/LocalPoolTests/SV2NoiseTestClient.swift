import StratumV2Noise
import StratumV2Protocol
import XCTest

/// A Stratum V2 client over a blocking socket that runs the Noise NX handshake as initiator with the
/// pure `SV2NoiseInitiator` (sv2-spec §4.5), then seals and opens frames (§4.6) — independent of the
/// NIO handler the pool uses.
final class SV2NoiseTestClient: SV2TestConnection {
    let socket: TestClient
    private var transport: SV2TransportCipher
    private var decoder: SV2EncryptedFrameDecoder
    /// What the handshake established: the transport ciphers, the server's static key and certificate.
    let handshake: SV2HandshakeResult

    /// Connects and completes the handshake; throws the initiator's `SV2NoiseError` (a certificate
    /// the authority did not sign, or one out of its validity period at `now`).
    init(port: Int, authorityKeyXOnly: [UInt8], now: UInt32, leeway: UInt32 = 0) throws {
        socket = try TestClient(port: port)
        var initiator = SV2NoiseInitiator()
        socket.sendRaw(initiator.act1)
        var received: [UInt8] = []
        while received.count < SV2HandshakeLayout.act2Length {
            guard let bytes = try socket.readBytes() else { throw TestClientError(description: "closed during the handshake") }
            received += bytes
        }
        let act2 = Array(received[..<SV2HandshakeLayout.act2Length])
        handshake = try initiator.receiveAct2(act2, authorityKeyXOnly: authorityKeyXOnly, now: now, leeway: leeway)
        transport = handshake.transport
        decoder = transport.makeDecoder()
        decoder.append(received[SV2HandshakeLayout.act2Length...])
    }

    func sendFrame(_ frame: SV2Frame) { socket.sendRaw(transport.seal(frame)) }
    func appendReceived(_ bytes: [UInt8]) { decoder.append(bytes) }
    func nextFrame() throws -> SV2Frame? { try decoder.nextFrame() }
}
