/// One miner connection to the proxy, numbered from 1 in connection order.
public typealias DownstreamID = UInt64
