/// Why a load measurement could not be made at all (a measurement that ran reports its problems
/// in `ProxyLoadReport.problems` instead).
public enum LoadGeneratorError: Error, CustomStringConvertible {
    case connectFailed(connected: Int, of: Int, String)
    case notReady(ready: Int, of: Int, closed: Int, seconds: Double)

    public var description: String {
        switch self {
        case .connectFailed(let connected, let count, let why):
            "only \(connected) of \(count) simulated miners could connect: \(why)"
        case .notReady(let ready, let count, let closed, let seconds):
            "\(ready) of \(count) simulated miners were subscribed, authorized and given a job after \(Int(seconds.rounded())) s "
                + "(\(closed) connections closed by the server)"
        }
    }
}
