import StratumV2Protocol
import XCTest

/// A Stratum V2 client without Noise over a blocking socket: frames out, decoded messages in.
final class SV2PlaintextTestClient {
    private let socket: TestClient
    private var decoder = SV2FrameDecoder()

    init(port: Int) throws {
        socket = try TestClient(port: port)
    }

    func send(_ message: some SV2Message) throws {
        socket.sendRaw(try message.encodedFrame())
    }

    /// The next message from the pool; nil when it closed the connection. Throws on timeout.
    func receive() throws -> SV2AnyMessage? {
        while true {
            if let frame = try decoder.nextFrame() { return try SV2AnyMessage(frame: frame) }
            guard let bytes = try socket.readBytes() else { return nil }
            decoder.append(bytes)
        }
    }

    /// The next `count` messages (fails the test when the pool closes before).
    func receive(_ count: Int) throws -> [SV2AnyMessage] {
        try (0..<count).map { _ in
            guard let message = try receive() else { throw TestClientError(description: "closed by the pool") }
            return message
        }
    }
}
