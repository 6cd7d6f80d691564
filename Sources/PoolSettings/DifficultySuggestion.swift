/// What a pool is told with `mining.suggest_difficulty` (per pool: `suggest_difficulty = "auto" |
/// number | false` in the configuration file).
///
/// Sent after the answer to `mining.authorize`, never before: ckpool drops a suggestion from a
/// client that is not authorised yet ("Attempted to suggest diff on unauthorised client" in its
/// stratifier), and cgminer also suggests only after authorizing.
public enum DifficultySuggestion: Sendable, Hashable {
    /// A value computed by the worker from its measured hash rate (fed to the session with
    /// `StratumSession.Event.suggestDifficulty`, or `StratumClient.suggestDifficulty(_:)`); sent
    /// after authorize once a value is known, and again when it changes enough.
    case auto
    /// Always this value, once per session after authorize.
    case fixed(Double)
    /// Never send `mining.suggest_difficulty`.
    case off

    /// Seconds per share an `.auto` suggestion aims at when the configuration does not say
    /// (`target_share_interval`).
    public static let defaultTargetShareInterval: Double = 10

    /// The fixed value, if any.
    public var fixedValue: Double? {
        if case .fixed(let value) = self { value } else { nil }
    }
}
