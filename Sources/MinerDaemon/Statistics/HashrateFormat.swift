import Foundation

/// Human-readable hash rates: "12.34 MH/s".
public enum HashrateFormat {
    public static func string(_ hashesPerSecond: Double) -> String {
        let units = ["H/s", "kH/s", "MH/s", "GH/s", "TH/s"]
        var value = hashesPerSecond
        var unit = 0
        while value >= 1000 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return String(format: "%.2f %@", value, units[unit])
    }
}
