/// Wire behaviours of real pool software that `LocalPool` can reproduce, so the client is tested
/// against each of them. Each case names the project whose public source the behaviour was read
/// from; the behaviour is rebuilt here, no code is taken.
public enum LocalPoolPersonality: String, Sendable, Hashable, CaseIterable {
    /// This project's own pool: set_difficulty is followed by a new job for the session.
    case standard
    /// ckpool/ckpool (`stratifier.c`): a `mining.suggest_difficulty` from a client that is not
    /// authorised yet is dropped ("Attempted to suggest diff on unauthorised client", no answer);
    /// errors are `[code, message, null]` with ckpool's texts ("Invalid JobID", "Stale",
    /// "Duplicate", "Above target"); a session resumes by its subscription id; a new difficulty
    /// is sent alone and applies from the next job, shares for earlier jobs keep the old one.
    case ckpool
    /// benjamin-wilson/public-pool: sessions start at difficulty 16384; `mining.suggest_difficulty`
    /// is honoured; a difficulty change is `mining.set_difficulty` followed by a clean job built
    /// from the same block template (the session's earlier jobs are gone).
    case publicPool = "public-pool"
    /// oliverw/miningcore: a difficulty change is `mining.set_difficulty` followed by the current
    /// job again, identical and with the same job id; errors are `{code, message, data}` objects.
    case miningcore
    /// NiceHash-style (as described by NiceHash's Stratum notes and handled by cpuminer-opt):
    /// `mining.extranonce.subscribe` is honoured, and `mining.set_extranonce` is followed by a
    /// clean job (jobs of the old extranonce are gone).
    case niceHash = "nicehash"
    /// OCEAN-xyz/datum_gateway: a large coinbase (coinb2 of about 32 KB as sent, the payout outputs), and
    /// once version rolling is agreed every `mining.submit` must carry the sixth param.
    case datum

    /// The difficulty a fresh session starts with, when the personality fixes one.
    public var startDifficulty: Double? {
        self == .publicPool ? 16384 : nil
    }

    /// Bytes of output script padding that make DATUM's coinb2 about 16 KB, 32 KB of hex on the
    /// wire (the whole notify line stays under the client's default 64 KiB line limit).
    static let datumCoinbase2Padding = 16 * 1024
}
