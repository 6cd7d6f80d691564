import Configuration
import Foundation
import Logging
import MiningCore
import NIOSSL
import NodeRPCClient
import SoloMining
import StratumClient
import StratumProtocol
import TLSDiagnostics

/// Solo work from the worker's own Bitcoin node: `getblocktemplate` (BIP 22/23, segwit rule),
/// long polling where the node offers a `longpollid` (else polling every `pollInterval`), our own
/// coinbase paying `coinbase_addr` (`SoloJob`), and every block found sent with `submitblock`.
///
/// It tells the worker in `WorkSourceEvent`s what the node does: `connecting`/`connected` for the
/// node's RPC, `nodeReady` once the node is in sync and the address fits its chain, a `job` per
/// template (clean when the tip moved, so every hashing thread drops the old tip within one
/// batch), and `disconnected`, `nodeRefusedCredentials` or `coinbaseAddressUnusable` with a plain
/// reason when the node cannot be used (unreachable, 401, initial block download, wrong chain for
/// the address). Those are retried every `retryInterval`; nothing here ends the daemon.
public actor SoloWorkSource: WorkSource {
    public nonisolated let isSolo = true
    /// Solo shares are blocks: the target is the network's, so there is no difficulty to suggest.
    public nonisolated func suggestDifficulty(_ value: Double) {}
    public nonisolated let events: AsyncStream<WorkSourceEvent>
    public nonisolated var workEvents: any AsyncSequence<WorkSourceEvent, Never> { events }
    private let eventSink: AsyncStream<WorkSourceEvent>.Continuation
    private let settings: SoloSettings
    private let user: String
    private let password: String
    private let logger: Logger
    /// The node's URL as shown in logs and status (never with credentials).
    public nonisolated let displayURL: String
    /// Tells this miner's instances apart in the coinbase (the engine counts in extranonce2,
    /// distinct per thread).
    private let extranonce1: [UInt8]
    /// Bytes the engine counts in: per thread, never exhausted.
    static let extranonce2Size = 8
    /// Jobs kept for shares still on their way (cleared when the tip moves).
    static let maxJobs = 8

    private var rpc: NodeRPCClient?
    private var epoch: UInt64 = 0
    private var nextJobNumber: UInt64 = 0
    private var jobs: [String: SoloJob] = [:]
    private var jobOrder: [String] = []
    private var current: BlockTemplate?
    /// Tips on which one of our blocks was accepted: later finds for them are stale, not sent.
    private var solvedTips: Set<[UInt8]> = []
    /// Submissions go one at a time, so a second find on the same tip waits for the first's answer.
    private var submitting: Task<Void, Never>?

    public init(settings: SoloSettings, user: String, password: String, logger: Logger) {
        self.settings = settings
        self.user = user
        self.password = password
        self.logger = logger
        displayURL = NodeEndpoint(url: settings.url)?.description ?? settings.url
        (events, eventSink) = AsyncStream.makeStream(of: WorkSourceEvent.self)
        var generator = SystemRandomNumberGenerator()
        extranonce1 = (0..<4).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// Why the node cannot be used right now; each becomes one event and one retry.
    private enum Problem: Error {
        case node(NodeRPCError)
        case address(AddressError)
        case unknownChain(String)
        case template(String)
    }

    // MARK: Running

    public func run() async throws {
        defer { eventSink.finish() }
        guard let endpoint = NodeEndpoint(url: settings.url) else {
            logger.critical("solo: \(settings.url) is not an http(s)://HOST:PORT node URL; this worker does not mine")
            return
        }
        let credentials: NodeCredentials = settings.cookieFile.map { .cookieFile(path: $0) }
            ?? .userPassword(user: user, password: password)
        guard let trust = TLSTrust(fingerprint: settings.tlsFingerprintSHA256, allowSelfSigned: settings.allowSelfSigned) else {
            logger.critical("solo: tls_fingerprint_sha256 is not 64 hex digits; this worker does not mine")
            return
        }
        do {
            // A long poll may wait for the next block for a long time: on testnet, ten minutes and more.
            rpc = try NodeRPCClient(endpoint: endpoint, credentials: credentials, longPollTimeout: .seconds(30 * 60),
                                    tlsConfiguration: trust.clientConfiguration, pinnedVerification: trust.pinnedVerification)
        } catch {
            let reason = TLSFailure(error).map { "\($0)" } ?? "\(error)"
            logger.critical("solo: cannot set up TLS for \(endpoint): \(reason); this worker does not mine")
            return
        }
        logger.info("solo mining against \(endpoint), coinbase to \(settings.coinbaseAddress)")
        var attempt = 0
        while !Task.isCancelled {
            attempt += 1
            eventSink.yield(.connecting(url: displayURL, attempt: attempt))
            do {
                try await mine()
            } catch let problem as Problem {
                if Task.isCancelled { break }
                report(problem)
            } catch {
                break
            }
            do { try await Task.sleep(for: settings.retryInterval) } catch { break }
        }
    }

    /// Checks the node and the address, then follows its templates until something fails.
    private func mine() async throws {
        guard let rpc else { return }
        let info: (chain: BitcoinNetwork?, initialBlockDownload: Bool)
        do { info = try await rpc.blockchainInfo() } catch { throw Problem.node(error) }
        eventSink.yield(.connected(url: displayURL))
        guard let chain = info.chain else { throw Problem.unknownChain("the node names a chain this miner does not know") }
        if info.initialBlockDownload {
            throw Problem.node(NodeRPCError(.initialBlockDownload("getblockchaininfo: initialblockdownload is true")))
        }
        let address: CoinbaseAddress
        do { address = try CoinbaseAddress(settings.coinbaseAddress, network: chain) } catch { throw Problem.address(error) }
        eventSink.yield(.nodeReady(chain: chain.rawValue, coinbaseAddress: "\(address)"))
        epoch += 1
        var template = try await fetch(longPollID: nil)
        try install(template, address: address)
        while !Task.isCancelled {
            let next: BlockTemplate
            if let longPollID = template.longPollID {
                do {
                    next = try await fetch(longPollID: longPollID)
                } catch Problem.node(let error) where error.kind == .timeout {
                    // A long poll the node held past our limit: ask afresh.
                    next = try await fetch(longPollID: nil)
                }
            } else {
                do { try await Task.sleep(for: settings.pollInterval) } catch { return }
                next = try await fetch(longPollID: nil)
            }
            if Self.differs(next, from: template) { try install(next, address: address) }
            template = next
        }
    }

    private func fetch(longPollID: String?) async throws -> BlockTemplate {
        guard let rpc else { throw Problem.template("no RPC client") }
        do { return try await rpc.getBlockTemplate(longPollID: longPollID) } catch { throw Problem.node(error) }
    }

    /// A template is new work when the tip, the transactions or the reward changed (a later
    /// `curtime` alone is not worth switching for).
    static func differs(_ next: BlockTemplate, from old: BlockTemplate) -> Bool {
        next.previousBlockHash != old.previousBlockHash || next.transactions.map(\.txid) != old.transactions.map(\.txid)
            || next.coinbaseValue != old.coinbaseValue || next.bits != old.bits
    }

    private func install(_ template: BlockTemplate, address: CoinbaseAddress) throws {
        nextJobNumber += 1
        let jobID = String(nextJobNumber, radix: 16)
        let job: SoloJob
        do {
            job = try SoloJob(template: template, payoutScript: address.scriptPubKey, jobID: jobID, extranonce1: extranonce1,
                              extranonce2Size: Self.extranonce2Size)
        } catch {
            throw Problem.template("\(error)")
        }
        let clean = current?.previousBlockHash != template.previousBlockHash
        if clean {
            jobs.removeAll()
            jobOrder.removeAll()
        }
        jobs[jobID] = job
        jobOrder.append(jobID)
        while jobOrder.count > Self.maxJobs { jobs[jobOrder.removeFirst()] = nil }
        current = template
        let line = "solo: template for height \(template.height) on \(template.previousBlockHashHex.prefix(16))…: "
            + "\(template.transactions.count) transaction(s), coinbase \(template.coinbaseValue) sat, bits "
            + "\(WireEncoding.hex(template.bits))" + (template.longPollID == nil ? ", polling" : ", long poll")
        logger.info("\(line)")
        eventSink.yield(.difficulty(job.job.difficulty))
        eventSink.yield(.job(JobAssignment(
            notify: job.job.notify, epoch: epoch, extranonce1: extranonce1, extranonce2Size: Self.extranonce2Size,
            difficulty: job.job.difficulty, versionMask: job.job.versionMask == 0 ? nil : job.job.versionMask,
            isClean: clean, poolURL: displayURL, shareTarget: job.job.shareTarget)))
    }

    private func report(_ problem: Problem) {
        let retry = "retrying in \(settings.retryInterval)"
        switch problem {
        case .node(let error) where error.kind == .unauthorized:
            let who = settings.cookieFile.map { "cookie file \($0)" } ?? "rpc user \(user)"
            eventSink.yield(.nodeRefusedCredentials(credentials: who, reason: "\(error); \(retry)"))
        case .node(let error):
            eventSink.yield(.disconnected(url: displayURL, reason: "\(error); \(retry)"))
        case .address(let error):
            eventSink.yield(.coinbaseAddressUnusable(address: settings.coinbaseAddress, reason: "\(error): not mining; \(retry)"))
        case .unknownChain(let detail), .template(let detail):
            eventSink.yield(.disconnected(url: displayURL, reason: "\(detail); \(retry)"))
        }
    }

    // MARK: Blocks

    public func submit(_ share: ShareSubmission) async -> ShareResult {
        let previous = submitting
        let (done, signal) = AsyncStream.makeStream(of: Void.self)
        submitting = Task { for await _ in done {} }
        defer { signal.finish() }
        await previous?.value
        return await send(share)
    }

    private func send(_ share: ShareSubmission) async -> ShareResult {
        guard let job = jobs[share.jobID], share.extranonce1 == extranonce1 else {
            return .rejected(.stale, message: "stale: the tip moved on before it was sent")
        }
        let template = job.template
        if solvedTips.contains(template.previousBlockHash) {
            return .rejected(.stale, message: "stale: a block of ours on this tip was already accepted")
        }
        guard let rpc else { return .lost("no node connection") }
        let evaluation = job.job.evaluate(extranonce2: share.extranonce2, ntime: share.ntime, nonce: share.nonce,
                                          versionBits: share.versionBits)
        let block = job.block(extranonce2: share.extranonce2, header: evaluation.header)
        let hash = evaluation.displayHash
        logger.notice("solo: block found at height \(template.height): \(hash); submitting \(block.count) bytes")
        do {
            switch try await rpc.submitBlock(block) {
            case .accepted:
                solvedTips.insert(template.previousBlockHash)
                let line = "BLOCK ACCEPTED by the node: height \(template.height), hash \(hash), "
                    + "\(template.coinbaseValue) sat to \(settings.coinbaseAddress)"
                logger.notice("\(line)")
                return .accepted
            case .rejected(let reason):
                logger.warning("block at height \(template.height) REJECTED by the node: \(reason) (hash \(hash))")
                return .rejected(reason.rawValue.hasPrefix("duplicate") ? .duplicate : .other, message: reason.rawValue)
            }
        } catch {
            logger.error("block at height \(template.height) could not be submitted: \(error) (hash \(hash))")
            return .lost("submitblock: \(error)")
        }
    }
}
