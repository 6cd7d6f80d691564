// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "SwiftMiner",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "swiftminer", targets: ["swiftminer"]),
        .library(name: "LocalPool", targets: ["LocalPool"]),
        // The validating pool as a process of its own (scripts/check-*.sh; not installed).
        .executable(name: "localpool", targets: ["LocalPoolServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-atomics.git", from: "1.3.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        // ChaCha20-Poly1305 and HKDF-SHA256 for Stratum V2's Noise transport.
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
    ],
    targets: [
        // Wire values of Stratum v1: JSON-RPC messages, hex / prevhash / uint32 encodings. Pure.
        .target(name: "StratumProtocol"),
        // Stratum V2 wire values: the spec's binary types, the plaintext frame, Common and Mining
        // Protocol messages. Pure, standard library only.
        .target(name: "StratumV2Protocol"),
        // TLS errors in words a user reads: reason codes, no build paths.
        .target(name: "TLSDiagnostics", dependencies: [.product(name: "NIOSSL", package: "swift-nio-ssl")]),
        // SHA-256, job → coinbase → merkle root → header, exact 256-bit targets. Pure.
        .target(name: "MiningCore", dependencies: ["StratumProtocol"]),
        // secp256k1 field and group arithmetic, BIP340 Schnorr, BIP324 ElligatorSwift (Stratum V2's
        // Noise handshake). Pure; MiningCore for its SHA-256 (tagged hashes) and 256-bit integer.
        .target(name: "Secp256k1", dependencies: ["MiningCore"]),
        // Stratum V2's encrypted transport: Noise_NX_Secp256k1+EllSwift_ChaChaPoly_SHA256 (initiator and
        // responder), the pool's certificate, encrypted framing, and the NIO handler around them.
        .target(
            name: "StratumV2Noise",
            dependencies: [
                "Secp256k1", "StratumV2Protocol", "MiningCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]),
        // What a pool connection is configured with: pool URL, TLS pin, difficulty suggestion, timers, backoff. Pure.
        .target(name: "PoolSettings", dependencies: ["StratumProtocol", "MiningCore", "Secp256k1"]),
        // Monitoring listen addresses and cgminer `--api-allow` entries: parsing and loopback checks. Pure.
        .target(name: "MonitoringAddresses", dependencies: ["StratumProtocol"]),
        // ISA-specific nonce-scanning kernels (AVX-512, SHA-NI, AVX2) and CPU detection.
        // -O2 even in debug builds, so tests run them at full speed.
        .target(name: "CSHA256Kernels", cSettings: [.unsafeFlags(["-O2"])]),
        // Dedicated OS threads that scan nonces for the current work template.
        .target(
            name: "HashingEngine",
            dependencies: [
                "MiningCore", "CSHA256Kernels",
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]),
        // Stratum v1 client: framing, session state machine, reconnect/failover, TLS.
        .target(
            name: "StratumClient",
            dependencies: [
                // MiningCore only for its SHA-256 (certificate pinning); never the engine.
                "StratumProtocol", "MiningCore", "PoolSettings", "TLSDiagnostics", "StratumV2Protocol", "StratumV2Noise",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // A real Stratum v1 pool on loopback that validates every share (tests and `demo`).
        .target(
            name: "LocalPool",
            dependencies: [
                "StratumProtocol", "MiningCore", "TLSDiagnostics", "StratumV2Protocol", "StratumV2Noise", "Secp256k1",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // Solo mining, pure: addresses → scripts, getblocktemplate → coinbase → MiningJob, blocks.
        .target(name: "SoloMining", dependencies: ["MiningCore", "StratumProtocol"]),
        // JSON-RPC over HTTP/1.1 to a Bitcoin node (getblocktemplate, long poll, submitblock).
        .target(
            name: "NodeRPCClient",
            dependencies: [
                "SoloMining", "StratumProtocol", "TLSDiagnostics",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]),
        // A regtest-like node on loopback serving templates and validating every block (tests, demo).
        .target(
            name: "LocalNode",
            dependencies: [
                "SoloMining", "MiningCore", "StratumProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]),
        // The farm proxy's decisions, pure: downstream sessions, extranonce prefixes, vardiff, local
        // share judging, what is forwarded upstream, hold-then-release. No sockets, no clocks.
        .target(name: "FarmProxyCore", dependencies: ["StratumProtocol", "MiningCore", "PoolSettings", "MonitoringAddresses"]),
        // The farm proxy on the wire: the miners' listener (allow list, framing, timers) around
        // ProxyCore, and the upstream StratumClient.
        .target(
            name: "FarmProxy",
            dependencies: [
                "FarmProxyCore", "StratumClient", "StratumProtocol", "MiningCore", "PoolSettings", "MonitoringAddresses",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // The TOML parser, `ConfigurationFile` and the settings it makes (`MinerSettings` …). Pure, no NIO.
        .target(
            name: "Configuration",
            dependencies: [
                "StratumProtocol", "MiningCore", "SoloMining", "PoolSettings", "MonitoringAddresses", "FarmProxyCore",
                .product(name: "Logging", package: "swift-log"),
            ]),
        // Workers (core and actor), statistics, the status files, metrics and the cgminer API, the service.
        .target(
            name: "MinerDaemon",
            dependencies: [
                "StratumProtocol", "MiningCore", "HashingEngine", "StratumClient", "SoloMining", "NodeRPCClient",
                "Configuration", "PoolSettings", "MonitoringAddresses", "TLSDiagnostics", "FarmProxy", "FarmProxyCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                // TLS settings for a solo node's https:// (the Stratum client has its own).
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]),
        // The executable: argument parsing, and `demo` (the daemon against an embedded LocalPool).
        .executableTarget(
            name: "swiftminer",
            dependencies: [
                "MinerDaemon", "Configuration", "PoolSettings", "MiningCore", "HashingEngine", "StratumProtocol", "StratumClient",
                "LocalPool", "FarmProxy", "FarmProxyCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // `localpool`: LocalPool as a process of its own (its own folder name: a case-insensitive file
        // system would merge `Sources/localpool` with `Sources/LocalPool`).
        .executableTarget(
            name: "LocalPoolServer",
            dependencies: [
                "LocalPool",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]),

        // libFuzzer target over framing → JSON-RPC → ServerMessage → MiningJob, the session and the proxy's core (Fuzz/README.md).
        .executableTarget(
            name: "StratumFuzzer", dependencies: ["StratumProtocol", "MiningCore", "PoolSettings", "StratumClient", "FarmProxyCore", "StratumV2Protocol", "StratumV2Noise"],
            path: "Fuzz/StratumFuzzer"),

        // Loads the real-data vectors (Tests/Fixtures/vectors.json) for the test targets.
        .target(name: "TestVectors", dependencies: ["StratumProtocol"], path: "Tests/TestVectors"),
        .testTarget(name: "StratumProtocolTests", dependencies: ["StratumProtocol"]),
        .testTarget(name: "Secp256k1Tests", dependencies: ["Secp256k1", "MiningCore"]),
        .testTarget(name: "StratumV2CodecTests", dependencies: ["StratumV2Protocol"]),
        .testTarget(
            name: "StratumV2NoiseTests",
            dependencies: [
                "StratumV2Noise", "StratumV2Protocol", "Secp256k1",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]),
        .testTarget(name: "MiningCoreTests", dependencies: ["MiningCore", "StratumProtocol", "TestVectors"]),
        // Test-only: the AVX-512 kernel's body over plain-C intrinsics, checked on CPUs without AVX-512.
        .target(name: "CAVX512Emulation", dependencies: ["CSHA256Kernels"], path: "Tests/CAVX512Emulation",
                cSettings: [.unsafeFlags(["-O2"])]),
        .testTarget(
            name: "HashingEngineTests",
            dependencies: ["HashingEngine", "MiningCore", "CSHA256Kernels", "CAVX512Emulation", "TestVectors"]),
        .testTarget(
            name: "StratumClientTests",
            dependencies: [
                "StratumClient", "StratumProtocol", "PoolSettings", "TLSDiagnostics", "StratumV2Protocol", "MiningCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]),
        // Parsing and settings only: depends on Configuration and pure targets, never the daemon.
        .testTarget(
            name: "ConfigurationTests",
            dependencies: [
                "Configuration", "PoolSettings", "MonitoringAddresses", "SoloMining", "MiningCore", "StratumProtocol",
                "FarmProxyCore",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(name: "SoloMiningTests", dependencies: ["SoloMining", "MiningCore", "StratumProtocol", "TestVectors"]),
        .testTarget(
            name: "LocalNodeTests",
            dependencies: ["LocalNode", "NodeRPCClient", "SoloMining", "MiningCore", "StratumProtocol"]),
        .testTarget(name: "FarmProxyCoreTests", dependencies: ["FarmProxyCore", "MiningCore", "StratumProtocol", "PoolSettings"]),
        .testTarget(name: "LocalPoolTests", dependencies: ["LocalPool", "MiningCore", "StratumProtocol", "StratumV2Protocol", "StratumV2Noise", "Secp256k1"]),
        .testTarget(
            name: "MinerDaemonTests",
            dependencies: [
                "MinerDaemon", "LocalPool", "MiningCore", "HashingEngine", "StratumClient", "StratumProtocol", "TestVectors",
                "LocalNode", "SoloMining", "NodeRPCClient", "Configuration", "PoolSettings", "MonitoringAddresses",
                "FarmProxy", "FarmProxyCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)
