/// Unix timestamps as calendar dates for log lines ("2026-12-07 23:40:00 UTC"), without Foundation.
enum UnixTime {
    /// `seconds` since 1970-01-01 00:00:00 UTC as "YYYY-MM-DD hh:mm:ss UTC" (proleptic Gregorian).
    static func format(_ seconds: UInt32) -> String {
        let days = Int(seconds / 86_400)
        let secondOfDay = Int(seconds % 86_400)
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        return "\(year)-\(pad(month))-\(pad(day)) \(pad(secondOfDay / 3600)):\(pad(secondOfDay / 60 % 60)):\(pad(secondOfDay % 60)) UTC"
    }

    /// The Gregorian date `days` days after 1970-01-01 (days ≥ 0): counts whole 400-year eras
    /// (146,097 days) from 0000-03-01, then years of a March-based calendar, so February's length
    /// falls at the end of each year.
    static func civilDate(daysSinceEpoch days: Int) -> (year: Int, month: Int, day: Int) {
        let fromMarch0000 = days + 719_468            // 1970-01-01 is day 719,468 after 0000-03-01
        let era = fromMarch0000 / 146_097
        let dayOfEra = fromMarch0000 - era * 146_097   // 0...146,096
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)  // from March 1
        let monthFromMarch = (5 * dayOfYear + 2) / 153  // 0 = March ... 11 = February
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    private static func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
