/// How to authenticate: rpcuser/rpcpassword, or bitcoind's cookie file (`__cookie__:HEX`,
/// rewritten on every node start, so it is re-read when it changes and after a 401).
public enum NodeCredentials: Sendable, Hashable {
    case userPassword(user: String, password: String)
    case cookieFile(path: String)
}
