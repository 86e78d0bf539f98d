// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "sinergi",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "sinergi", targets: ["sinergi"]),
        .library(name: "App", targets: ["App"]),
        .library(name: "AuditChain", targets: ["AuditChain"]),
        .library(name: "Matching", targets: ["Matching"]),
        .library(name: "MRZ", targets: ["MRZ"]),
        .library(name: "Deadlines", targets: ["Deadlines"]),
        .library(name: "SMTP", targets: ["SMTP"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        // Pure logic: no Vapor, no Fluent.
        .target(name: "AuditChain", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "Matching"),
        .target(name: "MRZ"),
        // The system's zlib (inflate for .zip registry batches); Debian: zlib1g-dev.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "Deadlines", resources: [.copy("Resources")]),
        // A small SMTP client (RFC 5321, STARTTLS/TLS, AUTH PLAIN/LOGIN) on SwiftNIO.
        .target(
            name: "SMTP",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // Test support: starts scripts/smtp_sink.py (a real aiosmtpd server) and reads what it received.
        .target(name: "SMTPSink", path: "Tests/SMTPSink"),
        .target(
            name: "App",
            dependencies: [
                "AuditChain",
                "Matching",
                "MRZ",
                "Deadlines",
                "SMTP",
                "CZlib",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
            ],
            resources: [.copy("Resources")]
        ),
        .executableTarget(name: "sinergi", dependencies: ["App", "Matching", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio")]),
        .testTarget(name: "AuditChainTests", dependencies: ["AuditChain"]),
        .testTarget(name: "MatchingTests", dependencies: ["Matching"], resources: [.copy("Fixtures")]),
        .testTarget(name: "MRZTests", dependencies: ["MRZ"]),
        .testTarget(name: "DeadlinesTests", dependencies: ["Deadlines"]),
        .testTarget(
            name: "SMTPTests",
            dependencies: ["SMTP", "SMTPSink", .product(name: "NIOPosix", package: "swift-nio")]
        ),
        .testTarget(
            name: "AppTests",
            dependencies: ["App", "Matching", "SMTPSink", .product(name: "VaporTesting", package: "vapor")]
        ),
    ]
)
