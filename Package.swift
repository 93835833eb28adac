// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "wharf",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "wharf", targets: ["wharf"]),
        .library(name: "WharfStates", targets: ["WharfStates"]),
        .library(name: "WharfFrame", targets: ["WharfFrame"]),
        .library(name: "WharfLearn", targets: ["WharfLearn"]),
        .library(name: "WharfObjectStore", targets: ["WharfObjectStore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/vapor/sql-kit", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit", from: "2.17.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        .target(name: "WharfJSONText"),
        .target(
            name: "WharfObjectStore",
            dependencies: [
                "WharfJSONText",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "WharfPlatform",
            dependencies: [
                "WharfObjectStore",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "WharfServer",
            dependencies: [
                "WharfPlatform",
                "WharfObjectStore",
                "WharfJSONText",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "wharf",
            dependencies: [
                "WharfServer",
                "WharfPlatform",
                "WharfObjectStore",
                "WharfStates",
                "WharfFrame",
                "WharfLearn",
                .product(name: "Yams", package: "Yams"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .systemLibrary(name: "CWharfFrameSystem", path: "Sources/WharfFrame/CSystem"),
        .target(
            name: "WharfFrame",
            dependencies: ["CWharfFrameSystem", "WharfJSONText"],
            exclude: ["CSystem"]
        ),
        .executableTarget(
            name: "WharfFrameBench",
            dependencies: ["WharfFrame"],
            path: "Benchmarks/WharfFrameBench"
        ),
        .target(
            name: "WharfLearn",
            dependencies: ["WharfFrame"]
        ),
        .executableTarget(
            name: "WharfLearnBench",
            dependencies: ["WharfLearn", "WharfFrame"],
            path: "Benchmarks/WharfLearnBench"
        ),
        .target(
            name: "WharfStates",
            dependencies: ["WharfJSONText", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .executableTarget(
            name: "WharfStatesBench",
            dependencies: ["WharfStates"],
            path: "Benchmarks/WharfStatesBench"
        ),
        .executableTarget(
            name: "WharfS3Bench",
            dependencies: ["WharfObjectStore", .product(name: "AsyncHTTPClient", package: "async-http-client")],
            path: "Benchmarks/WharfS3Bench"
        ),
        .testTarget(
            name: "WharfObjectStoreTests",
            dependencies: [
                "WharfObjectStore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "WharfFrameTests",
            dependencies: ["WharfFrame", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .testTarget(
            name: "WharfLearnTests",
            dependencies: ["WharfLearn", "WharfFrame"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "WharfJSONTextTests",
            dependencies: ["WharfJSONText"]
        ),
        .testTarget(
            name: "WharfStatesTests",
            dependencies: ["WharfStates"]
        ),
        .target(
            name: "WharfTesting",
            dependencies: [
                "WharfPlatform",
                "WharfServer",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "WharfPlatformTests",
            dependencies: [
                "WharfPlatform", "WharfTesting",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "WharfServerTests",
            dependencies: [
                "WharfServer",
                "WharfTesting",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
    ]
)

// Fuzzing (docs/fuzzing.md, scripts/fuzz): only when WHARF_FUZZ holds the path of libFuzzer's
// libclang_rt.fuzzer_no_main archive. Wharf's own library targets are then instrumented for coverage
// and AddressSanitizer (their dependencies are not), and the WharfFuzz executable runs one target.
if let libFuzzer = Context.environment["WHARF_FUZZ"], !libFuzzer.isEmpty {
    let instrumented: [SwiftSetting] = [.unsafeFlags(["-sanitize=fuzzer,address", "-enable-testing"])]
    let wharfLibraries: Set<String> = [
        "WharfJSONText", "WharfObjectStore", "WharfPlatform", "WharfServer", "WharfFrame", "WharfLearn", "WharfStates",
    ]
    for target in package.targets where wharfLibraries.contains(target.name) {
        target.swiftSettings = (target.swiftSettings ?? []) + instrumented
    }
    package.targets += [
        .systemLibrary(name: "CWharfFuzz", path: "Fuzz/CWharfFuzz"),
        .executableTarget(
            name: "WharfFuzz",
            dependencies: [
                "CWharfFuzz", "WharfJSONText", "WharfFrame", "WharfStates", "WharfObjectStore", "WharfPlatform",
                "WharfServer", "WharfLearn", .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Fuzz/WharfFuzz",
            swiftSettings: instrumented,
            linkerSettings: [.unsafeFlags(["-sanitize=address", "-Xlinker", libFuzzer])]
        ),
    ]
}
