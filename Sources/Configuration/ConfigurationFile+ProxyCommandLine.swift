import FarmProxyCore
import Foundation
import MonitoringAddresses
import PoolSettings

extension ConfigurationFile {
    /// What `proxy` uses: the file's `[[proxy]]` tables (if any) with the flags on top of the
    /// first, checked to have at least one proxy that can start. The file's `[[worker]]`s are
    /// not run: the settings come back without workers (the file must still be valid as a whole).
    public static func proxySettings(file: String?, overrides: ProxyCommandLineOverrides,
                                     environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(ConfigurationErrors) -> MinerSettings
    {
        var settings = try fileSettings(file, environment: environment)
        settings.workers = []
        var issues = apply(overrides, to: &settings)
        issues += incompleteProxyIssues(settings, origin: file ?? "command line")
        if !issues.isEmpty { throw ConfigurationErrors(issues) }
        return settings
    }

    /// Puts the flags on top of `settings`; returns what is wrong with the flags.
    static func apply(_ overrides: ProxyCommandLineOverrides, to settings: inout MinerSettings) -> [ConfigurationIssue] {
        var issues: [ConfigurationIssue] = []
        func flag(_ name: String, _ message: String) {
            issues.append(ConfigurationIssue(file: "command line", line: nil, key: name, message: message))
        }
        applyFirstProxy(overrides, to: &settings, flag: flag)
        if let path = overrides.statusFile { settings.statusFile = path.isEmpty ? nil : path }
        if let path = overrides.shareLog { settings.shareLog = path.isEmpty ? nil : path }
        if let level = overrides.logLevel { settings.logLevel = level }
        return issues
    }

    /// `--listen`, `--allow`, `-o`, `-u`, `-p`: the first proxy's; it is created (with the
    /// defaults of `[[proxy]]`) when the file has none. Pools from `-o` get a proxy pool's
    /// defaults: `extranonce_subscribe` on, `suggest_difficulty` off.
    static func applyFirstProxy(_ overrides: ProxyCommandLineOverrides, to settings: inout MinerSettings,
                                flag: (String, String) -> Void) {
        guard overrides.changesFirstProxy else { return }
        if settings.proxies.isEmpty { settings.proxies.append(ProxyConfiguration(user: "", pools: [])) }
        if let text = overrides.listen {
            do {
                settings.proxies[0].listen = try ListenAddress.parse(text)
            } catch {
                flag("--listen", "\(error)")
            }
        }
        if !overrides.allow.isEmpty { settings.proxies[0].allow = overrides.allow }
        if !overrides.urls.isEmpty {
            for url in overrides.urls {
                if let problem = poolURLProblem(url) { flag("-o", SoloSettings.isNodeURL(url) ? proxySoloRefused : problem) }
            }
            settings.proxies[0].pools = overrides.urls.map {
                PoolConfiguration(url: $0, extranonceSubscribe: true, difficultySuggestion: .off, stratumV2Channel: .extended)
            }
        }
        if let user = overrides.user { settings.proxies[0].user = user }
        if let password = overrides.password { settings.proxies[0].password = password }
    }

    /// No proxy, or a proxy that cannot start: no pool, no user, any of its `problems`, a listen
    /// address another listener takes.
    static func incompleteProxyIssues(_ settings: MinerSettings, origin: String) -> [ConfigurationIssue] {
        var issues: [ConfigurationIssue] = []
        func issue(_ key: String, _ message: String) {
            issues.append(ConfigurationIssue(file: origin, line: nil, key: key, message: message))
        }
        if settings.proxies.isEmpty {
            issue("proxy", "no proxy: add a [[proxy]] with a [[proxy.pool]], or give -o URL -u USER")
        }
        for (index, proxy) in settings.proxies.enumerated() {
            if proxy.pools.isEmpty { issue("proxy[\(index)].pool", "no pool: add a [[proxy.pool]] or give -o URL") }
            if proxy.user.isEmpty { issue("proxy[\(index)].user", "an upstream login is needed (user = \"…\" or -u USER)") }
            for problem in problemsBesideLogin(of: proxy) { issue("proxy[\(index)]", problem) }
        }
        for (position, message) in listenClashes(settings.proxies, monitoring: settings.monitoring, name: { "proxy[\($0)]" }) {
            issue("proxy[\(position)].listen", message)
        }
        return issues
    }
}
