import Foundation

/// The history lines of `swiftminer status`: the hash rate per minute as a sparkline, and the
/// shares accepted/rejected per minute of the last `shareMinutes` minutes.
public enum HistoryView {
    static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    static let shareMinutes = 15

    /// One block per value, scaled between the values' min (▁) and max (█). All equal: ▁ when
    /// zero, ▄ otherwise. A value that is not finite counts as zero.
    public static func sparkline(_ values: [Double]) -> String {
        let values = values.map { $0.isFinite ? $0 : 0 }
        guard let low = values.min(), let high = values.max() else { return "" }
        if low == high { return String(repeating: low == 0 ? blocks[0] : blocks[3], count: values.count) }
        return String(values.map { value in
            let level = Int(((value - low) / (high - low) * Double(blocks.count - 1)).rounded())
            return blocks[min(max(level, 0), blocks.count - 1)]
        })
    }

    /// Oldest first, as the buckets are.
    public static func lines(_ history: [MinuteHistory.Bucket]) -> [String] {
        guard !history.isEmpty else { return ["history     none yet (one bucket a minute)"] }
        let rates = history.map(\.hashrate)
        let span = history.count == 60 ? "1h" : "\(history.count)m"
        let recent = history.suffix(shareMinutes)
        return [
            "hashrate \(span)  \(sparkline(rates))  (min \(HashrateFormat.string(rates.min() ?? 0)) max \(HashrateFormat.string(rates.max() ?? 0)))",
            "a/r \(recent.count)m  " + recent.map { "\($0.accepted)/\($0.rejected)" }.joined(separator: " ")
                + "  (accepted/rejected per minute, oldest first)",
        ]
    }
}
