// swift-tools-version: 6.1
import PackageDescription

// Libraries carry the logic; executables are thin shells over them (see docs/architecture.md).
let package = Package(
    name: "dske",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "dske", targets: ["dske"]),
        .executable(name: "dske-bench", targets: ["dske-bench"]),
        .executable(name: "psrd-courier", targets: ["psrd-courier"]),
        .library(name: "DSKECore", targets: ["DSKECore"]),
        .library(name: "PSRDStore", targets: ["PSRDStore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        // OpenSSL's libcrypto, for the one-time Poly1305 authenticator (EVP_MAC).
        .systemLibrary(name: "CLibCrypto", pkgConfig: "libcrypto",
                       providers: [.apt(["libssl-dev"])]),
        // PC/SC (pcsc-lite) for smart cards, and libusb-1.0 for USB enumeration.
        .systemLibrary(name: "CPCSC", pkgConfig: "libpcsclite",
                       providers: [.apt(["libpcsclite-dev"])]),
        .systemLibrary(name: "CLibUSB", pkgConfig: "libusb-1.0",
                       providers: [.apt(["libusb-1.0-0-dev"])]),
        .target(name: "PCSC", dependencies: [
            "CPCSC",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "USBDevices", dependencies: ["CLibUSB"]),
        .target(name: "DSKECore", dependencies: [
            "CLibCrypto",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // The topology and settings of dske-config.yaml; deliberately free of protocol code.
        .target(name: "DSKEConfig", dependencies: [
            .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "PSRDStore", dependencies: [
            "DSKECore",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // psrd-courier's library: bundle format v1 (docs/bundle-format.md), entropy sources and
        // QRNG health tests (docs/entropy.md), enrolment keys, staging of imports.
        .target(name: "Courier", dependencies: [
            "DSKECore", "DSKEConfig", "PSRDStore",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Certificates for mutual TLS on the key delivery interfaces (docs/tls.md): a CA and a
        // certificate per KME and SAE, for tests and demos.
        .target(name: "DSKEPKI", dependencies: [
            "DSKEConfig",
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "DSKEService", dependencies: [
            "DSKECore", "DSKEConfig", "PSRDStore",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "HummingbirdTLS", package: "hummingbird"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        .target(name: "DSKEHub", dependencies: ["DSKEService"]),
        .target(name: "DSKEClient", dependencies: ["DSKEService"]),
        .executableTarget(name: "dske", dependencies: [
            "DSKEHub", "DSKEClient", "DSKEConfig", "DSKECore", "DSKEPKI", "DSKEService",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),
        // psrd-courier: enrol, issue, import, list, verify, wipe (docs/courier.md).
        .executableTarget(name: "psrd-courier", dependencies: [
            "Courier", "DSKEConfig", "PSRDStore", "DSKECore", "PCSC", "USBDevices",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "dske-bench", dependencies: [
            "DSKECore", "PSRDStore", "DSKEConfig", "DSKEHub", "DSKEClient", "Courier", "DSKEPKI",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),
        // Child process for the crash test: allocates and takes in a loop until SIGKILLed.
        .executableTarget(name: "psrd-torture", dependencies: ["PSRDStore"]),
        .testTarget(name: "DSKECoreTests", dependencies: ["DSKECore"]),
        .testTarget(name: "DSKEConfigTests", dependencies: ["DSKEConfig"]),
        .testTarget(name: "DSKEPKITests", dependencies: ["DSKEPKI", "DSKEService"]),
        .testTarget(name: "PSRDStoreTests", dependencies: ["PSRDStore"]),
        .testTarget(name: "CourierTests", dependencies: ["Courier", "PSRDStore", "DSKECore"]),
        // Runs the built psrd-courier as real processes against loop-mounted ext4 and vfat images
        // (root); depending on the executable target builds it first.
        .testTarget(name: "CourierCLITests", dependencies: ["psrd-courier", "Courier", "PSRDStore", "DSKECore", "DSKEConfig"]),
        // What the client and end-to-end tests share (a tampering relay in front of a real hub).
        .target(name: "DSKETestSupport", dependencies: [
            "DSKECore", "DSKEService",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ], path: "Tests/DSKETestSupport"),
        .testTarget(name: "DSKEClientTests", dependencies: ["DSKEClient", "DSKEHub", "DSKETestSupport"]),
        .testTarget(name: "DSKEServiceTests", dependencies: ["DSKEService"]),
        .testTarget(name: "DSKEHubTests", dependencies: ["DSKEHub"]),
        // Card tests run the real path: libpcsclite -> pcscd -> vpcd -> devices/virtual-card.
        .testTarget(name: "PCSCTests", dependencies: ["PCSC"]),
        .testTarget(name: "USBDevicesTests", dependencies: ["USBDevices"]),
        // Starts the built `dske` executable as real processes on loopback; depending on the
        // executable target makes `swift build --build-tests` build it first.
        .testTarget(name: "DSKEEndToEndTests", dependencies: [
            "dske", "psrd-courier", "DSKEConfig", "DSKECore", "DSKEHub", "DSKEService", "PSRDStore", "DSKEPKI", "DSKETestSupport",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Hummingbird", package: "hummingbird"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
