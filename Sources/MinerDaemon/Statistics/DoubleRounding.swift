extension Double {
    /// Rounded to three decimals (status file numbers).
    var rounded3: Double { (self * 1000).rounded() / 1000 }
}
