/// One client connection of an SV2 pool (numbered from 1 in the order they were opened).
public typealias SV2PoolSessionID = UInt64
