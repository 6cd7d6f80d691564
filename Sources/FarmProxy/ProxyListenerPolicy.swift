import FarmProxyCore

/// Placeholder removed when the server lands.
enum ProxyListenerPolicy {}
