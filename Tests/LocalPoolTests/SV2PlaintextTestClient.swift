import StratumV2Protocol
import XCTest

/// A Stratum V2 client without Noise over a blocking socket: frames out, decoded messages in.
final class SV2PlaintextTestClient: SV2TestConnection {
    let socket: TestClient
    private var decoder = SV2FrameDecoder()

    init(port: Int) throws {
        socket = try TestClient(port: port)
    }

    func sendFrame(_ frame: SV2Frame) { socket.sendRaw((try? frame.encoded()) ?? []) }
    func appendReceived(_ bytes: [UInt8]) { decoder.append(bytes) }
    func nextFrame() throws -> SV2Frame? { try decoder.nextFrame() }
}
