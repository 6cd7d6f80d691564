import Foundation
import MiningCore
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import SoloMining
import StratumProtocol

/// A Bitcoin node on loopback for tests and demos: JSON-RPC over HTTP/1.1 with Basic auth
/// (rpcuser/rpcpassword and a bitcoind-style cookie file), `getblocktemplate` with long polling,
/// `submitblock` validating every block fully (`NodeChain`), `getblockchaininfo`, `getbestblockhash`.
public final class LocalNode: Sendable {
    public struct Configuration: Sendable {
        public var host = "127.0.0.1"
        public var port = 0
        public var user: String? = "user"
        public var password: String? = "pass"
        /// Written like bitcoind's `.cookie` (`__cookie__:` + 64 hex digits) when set.
        public var cookieFile: String? = nil
        public var chain = NodeChain.Configuration()
        /// How long a long poll waits before answering with the same template (Core: no limit).
        public var longPollTimeout: TimeAmount = .seconds(60)
        public var isInitialBlockDownload = false
        /// Serve the RPC over TLS (`https://`, as a TLS proxy in front of bitcoind does); nil: plain HTTP.
        public var tls: TLSConfiguration? = nil

        public init() {}
    }

    /// What happened to a submitted block.
    public struct SubmitRecord: Sendable, Hashable {
        public let height: Int
        public let outcome: NodeChain.SubmitOutcome
    }

    private struct State {
        var chain: NodeChain
        var cookie: String?
        var isInitialBlockDownload: Bool
        var longPolls: [(token: Int, respond: @Sendable (JSONValue) -> Void)] = []
        var nextLongPollToken = 0
        var submissions: [SubmitRecord] = []
        var server: (any Channel)?
    }

    public let configuration: Configuration
    private let state: NIOLockedValueBox<State>
    private let group: any EventLoopGroup

    public init(configuration: Configuration = Configuration(), group: (any EventLoopGroup)? = nil) {
        self.configuration = configuration
        self.group = group ?? MultiThreadedEventLoopGroup.singleton
        let now = UInt32(Date().timeIntervalSince1970)
        state = NIOLockedValueBox(State(chain: NodeChain(configuration: configuration.chain, genesisTime: now - 3600),
                                        isInitialBlockDownload: configuration.isInitialBlockDownload))
    }

    static func now() -> UInt32 { UInt32(Date().timeIntervalSince1970) }

    // MARK: Lifecycle

    /// Binds and returns the port.
    public func start() async throws -> Int {
        if configuration.cookieFile != nil { try regenerateCookie() }
        let sslContext = try configuration.tls.map { try NIOSSLContext(configuration: $0) }
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let sslContext { try pipeline.addHandler(NIOSSLServerHandler(context: sslContext)) }
                    try pipeline.configureHTTPServerPipeline()
                    try pipeline.addHandler(RPCHandler(node: self))
                }
            }
        let server = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
        state.withLockedValue { $0.server = server }
        return server.localAddress?.port ?? configuration.port
    }

    public func stop() async {
        let (server, polls) = state.withLockedValue { state in
            defer { state.longPolls = [] }
            return (state.server, state.longPolls)
        }
        let template = state.withLockedValue { $0.chain.template(now: Self.now()) }
        for poll in polls { poll.respond(template) }
        try? await server?.close()
    }

    /// Writes a new cookie, as bitcoind does on every start; clients must re-read it.
    public func regenerateCookie() throws {
        guard let path = configuration.cookieFile else { return }
        var generator = SystemRandomNumberGenerator()
        let secret = Hex.encode((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let text = "__cookie__:\(secret)"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        state.withLockedValue { $0.cookie = text }
    }

    // MARK: Controls for tests

    public func setInitialBlockDownload(_ value: Bool) { state.withLockedValue { $0.isInitialBlockDownload = value } }

    public var height: Int { state.withLockedValue { $0.chain.height } }
    public var tipHashHex: String { state.withLockedValue { $0.chain.tipHashHex } }
    public var submissions: [SubmitRecord] { state.withLockedValue { $0.submissions } }

    /// New mempool transactions: the template changes and waiting long polls are answered.
    public func refreshMempool() {
        let answers = state.withLockedValue { state in
            state.chain.refillMempool()
            return takeLongPolls(&state)
        }
        answers()
    }

    /// Submits a block as the RPC would (also usable without HTTP).
    public func submit(blockBytes: [UInt8]) -> NodeChain.SubmitOutcome {
        let (outcome, answers) = state.withLockedValue { state in
            let height = state.chain.height + 1
            let outcome = state.chain.submit(blockBytes: blockBytes, now: Self.now())
            state.submissions.append(SubmitRecord(height: height, outcome: outcome))
            return (outcome, outcome == .accepted ? takeLongPolls(&state) : {})
        }
        answers()
        return outcome
    }

    private func takeLongPolls(_ state: inout State) -> @Sendable () -> Void {
        let polls = state.longPolls
        state.longPolls = []
        let template = state.chain.template(now: Self.now())
        return { for poll in polls { poll.respond(template) } }
    }

    // MARK: RPC

    enum Reply {
        case result(JSONValue)
        case error(code: Int64, message: String)
        case unauthorized
        /// A long poll: answered later through the callback (or when its token expires).
        case deferred(token: Int)
    }

    func isAuthorized(_ authorization: String?) -> Bool {
        guard let authorization, authorization.hasPrefix("Basic "),
              let decoded = Data(base64Encoded: String(authorization.dropFirst(6))),
              let text = String(data: decoded, encoding: .utf8) else { return false }
        if let user = configuration.user, let password = configuration.password, text == "\(user):\(password)" { return true }
        return state.withLockedValue { $0.cookie } == text
    }

    func handle(method: String, params: [JSONValue], respondLater: @escaping @Sendable (JSONValue) -> Void) -> Reply {
        switch method {
        case "getblocktemplate":
            let request = params.first ?? [:]
            let rules = request["rules"]?.arrayValue?.compactMap(\.stringValue) ?? []
            guard rules.contains("segwit") else {
                return .error(code: NodeRPCMessage.Code.invalidParameter,
                              message: "getblocktemplate must be called with the segwit rule set (call with {\"rules\": [\"segwit\"]})")
            }
            return state.withLockedValue { state -> Reply in
                if state.isInitialBlockDownload {
                    return .error(code: NodeRPCMessage.Code.inInitialDownload,
                                  message: "Bitcoin Core is in initial sync and waiting for blocks...")
                }
                if let id = request["longpollid"]?.stringValue, id == state.chain.longPollID {
                    state.nextLongPollToken += 1
                    state.longPolls.append((state.nextLongPollToken, respondLater))
                    return .deferred(token: state.nextLongPollToken)
                }
                return .result(state.chain.template(now: Self.now()))
            }
        case "submitblock":
            guard let hex = params.first?.stringValue, let bytes = Hex.decode(hex) else {
                return .error(code: NodeRPCMessage.Code.deserializationError, message: "Block decode failed")
            }
            switch submit(blockBytes: bytes) {
            case .accepted: return .result(.null)
            case .rejected(let reason): return .result(.string(reason))
            case .rpcError(let code, let message): return .error(code: code, message: message)
            }
        case "getblockchaininfo":
            return state.withLockedValue { state in
                .result(["chain": "regtest", "blocks": .integer(Int64(state.chain.height)),
                         "headers": .integer(Int64(state.chain.height)), "bestblockhash": .string(state.chain.tipHashHex),
                         "initialblockdownload": .bool(state.isInitialBlockDownload)])
            }
        case "getbestblockhash":
            return .result(.string(tipHashHex))
        default:
            return .error(code: NodeRPCMessage.Code.methodNotFound, message: "Method not found")
        }
    }

    /// A parked long poll that is still waiting after `longPollTimeout` gets the current template.
    func expireLongPoll(token: Int) {
        let answer = state.withLockedValue { state -> (@Sendable () -> Void)? in
            guard let index = state.longPolls.firstIndex(where: { $0.token == token }) else { return nil }
            let poll = state.longPolls.remove(at: index)
            let template = state.chain.template(now: Self.now())
            return { poll.respond(template) }
        }
        answer?()
    }
}
