import MiningCore
import StratumV2Protocol
import XCTest

/// A test client's connection to an `SV2LocalPool`, plaintext or encrypted: how a frame goes out and
/// how received bytes become frames differ; receiving messages and mining one share do not.
protocol SV2TestConnection: AnyObject {
    var socket: TestClient { get }
    func sendFrame(_ frame: SV2Frame)
    func appendReceived(_ bytes: [UInt8])
    func nextFrame() throws -> SV2Frame?
}

extension SV2TestConnection {
    func send(_ message: some SV2Message) throws { sendFrame(try message.frame()) }

    /// The next message from the pool; nil when it closed the connection. Throws on timeout (and,
    /// encrypted, `SV2NoiseError` for a frame whose MAC does not check).
    func receive() throws -> SV2AnyMessage? {
        while true {
            if let frame = try nextFrame() { return try SV2AnyMessage(frame: frame) }
            guard let bytes = try socket.readBytes() else { return nil }
            appendReceived(bytes)
        }
    }

    /// The next `count` messages (fails the test when the pool closes before).
    func receive(_ count: Int) throws -> [SV2AnyMessage] {
        try (0..<count).map { _ in
            guard let message = try receive() else { throw TestClientError(description: "closed by the pool") }
            return message
        }
    }

    /// SetupConnection, a standard channel, and one share found for its first job (built only from
    /// what the pool sent): the pool's answer to it.
    func mineOneStandardShare(endpointPort: UInt16 = 0) throws -> (setup: SetupConnectionSuccess, answer: SV2AnyMessage?) {
        try send(SetupConnection(flags: 0, endpointHost: "127.0.0.1", endpointPort: endpointPort, vendor: "tests",
                                 hardwareVersion: "cpu", firmware: "", deviceID: ""))
        guard case .setupConnectionSuccess(let setup)? = try receive() else {
            throw TestClientError(description: "no SetupConnection.Success")
        }
        try send(OpenStandardMiningChannel(requestID: 1, userIdentity: "tester", nominalHashRate: 1e6, maxTarget: .max))
        let opening = try receive(3)
        guard case .openStandardMiningChannelSuccess(let success) = opening[0] else {
            throw TestClientError(description: "got \(opening)")
        }
        var work = SV2TestWork(channelID: success.channelID, target: UInt256(littleEndianBytes: success.target.littleEndianBytes)!,
                               extranoncePrefix: success.extranoncePrefix, extranonceSize: 0)
        work.apply(opening)
        let jobID = try XCTUnwrap(work.activeJobID)
        let nonce = try XCTUnwrap(work.findNonce(jobID: jobID) { $0 <= work.target })
        try send(SubmitSharesStandard(channelID: work.channelID, sequenceNumber: 1, jobID: jobID, nonce: nonce,
                                      ntime: work.minNTime, version: work.standardJobs[jobID]!.version))
        return (setup, try receive())
    }
}
