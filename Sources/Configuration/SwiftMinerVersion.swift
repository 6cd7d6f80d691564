public enum SwiftMinerVersion {
    public static let string = "0.1.0"
}
