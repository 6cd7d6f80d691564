import Configuration
import HashingEngine
import Logging
import ServiceLifecycle
import UnixSignals

/// The daemon: per worker a work source (Stratum client or solo node), a hashing engine and a
/// `MiningWorker` between them (see `ConfigurationRun`).
///
/// On graceful shutdown (SIGTERM/SIGINT through ServiceLifecycle) it tells systemd `STOPPING=1`,
/// stops hashing, waits up to `shutdownGrace` for answers to shares already sent, closes the
/// connections, joins the hashing threads, writes the final status and returns.
///
/// On SIGHUP it reopens the share log and asks `reload` for new settings: a bad new configuration
/// is logged and the running one keeps going; a good one replaces the running workers (pools,
/// users, threads, paths, kernel) after their pending shares are answered. systemd hears
/// `RELOADING=1`, then `READY=1` once the new configuration hashes again.
public final class MinerService: Service, Sendable {
    /// The settings it started with.
    public let settings: MinerSettings
    private let logger: Logger
    private let observer: (@Sendable (ShareEvent) -> Void)?
    private let kernelBox: KernelBox
    private let notifier: SystemdNotifier
    private let reload: (@Sendable () throws -> MinerSettings)?
    private let handleSIGHUP: Bool

    /// The kernel is chosen (and verified against the reference) when the service is created, so
    /// a forced kernel the CPU lacks fails before anything starts.
    /// - Parameters:
    ///   - notifier: the systemd notify channel (does nothing outside systemd).
    ///   - reload: reads the configuration again (SIGHUP); nil: SIGHUP only reopens the share log.
    ///   - handleSIGHUP: install the SIGHUP handler (tests running in-process may not want it).
    public convenience init(settings: MinerSettings, logger: Logger, observer: (@Sendable (ShareEvent) -> Void)? = nil,
                            notifier: SystemdNotifier = SystemdNotifier(), handleSIGHUP: Bool = false,
                            reload: (@Sendable () throws -> MinerSettings)? = nil) throws {
        let kernel = try settings.kernel.makeKernel()
        try KernelVerification.verify(kernel)
        self.init(settings: settings, unverifiedKernel: kernel, logger: logger, observer: observer, notifier: notifier,
                  handleSIGHUP: handleSIGHUP, reload: reload)
    }

    /// With a kernel as it is, unchecked: tests give it one that lies, to see the re-verification catch it.
    package init(settings: MinerSettings, unverifiedKernel kernel: any NonceScanningKernel, logger: Logger,
                 observer: (@Sendable (ShareEvent) -> Void)? = nil, notifier: SystemdNotifier = SystemdNotifier(),
                 handleSIGHUP: Bool = false, reload: (@Sendable () throws -> MinerSettings)? = nil) {
        self.settings = settings
        self.logger = logger
        self.observer = observer
        self.notifier = notifier
        self.reload = reload
        self.handleSIGHUP = handleSIGHUP
        kernelBox = KernelBox(kernel: kernel)
    }

    public var kernel: any NonceScanningKernel { kernelBox.kernel }

    private struct KernelBox: Sendable { let kernel: any NonceScanningKernel }

    private enum Control: Sendable { case shutdown, reload }
    /// How a configuration's run ended: shutdown, or a reload with the next settings and kernel.
    private enum End: Sendable { case shutdown, reload(MinerSettings, any NonceScanningKernel) }

    public func run() async throws {
        logger.info("SwiftMiner \(SwiftMinerVersion.string) starting", metadata: [
            "kernel": "\(kernel.kind.rawValue)", "workers": "\(settings.workers.count)",
        ])
        let (control, controlSink) = AsyncStream.makeStream(of: Control.self)
        // Trapped before anything starts, so a SIGHUP from now on is a reload.
        let hangups = handleSIGHUP ? await UnixSignalsSequence(trapping: .sighup) : nil
        await withTaskGroup(of: Void.self) { group in
            if let hangups {
                group.addTask {
                    for await _ in hangups { controlSink.yield(.reload) }
                }
            }
            group.addTask {
                // Until graceful shutdown is triggered (or the service is cancelled).
                try? await gracefulShutdown()
                controlSink.yield(.shutdown)
            }
            await runConfigurations(control: control)
            group.cancelAll()
        }
    }

    /// Builds and runs one configuration after the other (each accepted reload starts the next)
    /// until shutdown.
    private func runConfigurations(control: AsyncStream<Control>) async {
        var events = control.makeAsyncIterator()
        var next: (settings: MinerSettings, kernel: any NonceScanningKernel)? = (settings, kernel)
        while case let (settings, kernel)? = next {
            let run = ConfigurationRun(settings: settings, kernel: kernel, notifier: notifier, observer: observer,
                                       logger: logger)
            switch await run.run(until: { await awaitEnd(of: run, control: &events) }) {
            case .shutdown: next = nil
            case .reload(let settings, let kernel): next = (settings, kernel)
            }
        }
    }

    /// Waits for the end of the running configuration: shutdown, or a reload with good settings.
    private func awaitEnd(of run: ConfigurationRun, control: inout AsyncStream<Control>.Iterator) async -> End {
        while true {
            switch await control.next() {
            case .shutdown?, nil:
                notifier.stopping()
                logger.info("shutting down: hashing stopped, waiting up to \(run.settings.shutdownGrace) for pending shares")
                return .shutdown
            case .reload?:
                if let end = await reload(run) { return end }
            }
        }
    }

    /// SIGHUP: reopens the share log and reads the configuration again. A good one ends the running
    /// one (returned); a bad one is logged and the running one goes on (nil).
    private func reload(_ run: ConfigurationRun) async -> End? {
        notifier.reloading()
        logger.notice("SIGHUP: reopening the share log and reloading the configuration")
        await run.reporter.reopenShareLog()
        guard let reload else {
            notifier.ready()
            return nil
        }
        do {
            let next = try reload()
            var nextKernel = run.kernel
            if next.kernel != run.settings.kernel {
                nextKernel = try next.kernel.makeKernel()
                try KernelVerification.verify(nextKernel)
            }
            logger.notice("new configuration accepted: \(next.workers.count) worker(s); restarting the workers")
            return .reload(next, nextKernel)
        } catch {
            logger.error("new configuration rejected, the running one stays: \(error)")
            notifier.ready()
            return nil
        }
    }
}
