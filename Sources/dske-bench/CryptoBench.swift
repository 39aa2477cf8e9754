import ArgumentParser
import DSKECore

/// `dske-bench crypto`: the cost of the per-key cryptography. A key of 256 bits split over n = 5
/// hubs with threshold k = 3 must split and reconstruct in at most 5 microseconds; the MAC
/// figures are per 1 KiB message, about the size of a key-share request.
struct CryptoBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crypto", abstract: "Shamir split+reconstruct, HMAC-SHA256 and Poly1305.")

    @Option(help: "Milliseconds of measurement per round (each figure is the median of 7 rounds).")
    var roundMilliseconds = 150

    func run() async throws {
        let bench = Bench(round: .milliseconds(roundMilliseconds))
        let secret = SecureRandom.bytes(32)
        let shares = try Shamir.split(secret: secret, shareCount: 5, threshold: 3)
        var tampered = shares
        tampered[1] = ShamirShare(index: 1, value: OneTimePad.apply(pad: [UInt8](repeating: 0x5A, count: 32), to: shares[1].value))

        let splitReconstruct = try bench.measure { try BenchSupport.splitAndReconstruct(secret) }
        bench.report("shamir_split_reconstruct_256bit_n5_k3", nanoseconds: splitReconstruct, unit: .microseconds)
        let split = try bench.measure {
            try Shamir.split(secret: secret, shareCount: 5, threshold: 3)[4].value[0]
        }
        bench.report("shamir_split_256bit_n5_k3", nanoseconds: split, unit: .microseconds)
        let reconstructAll = try bench.measure { try Shamir.reconstruct(shares, threshold: 3)[0] }
        bench.report("shamir_reconstruct_256bit_from_5_k3", nanoseconds: reconstructAll, unit: .microseconds)
        let reconstructThree = try bench.measure {
            try Shamir.reconstruct([shares[0], shares[2], shares[4]], threshold: 3)[0]
        }
        bench.report("shamir_reconstruct_256bit_from_3_k3", nanoseconds: reconstructThree, unit: .microseconds)
        let splitRobust = try bench.measure {
            let shares = try Shamir.split(secret: secret, shareCount: 5, threshold: 3)
            return try Shamir.robustReconstruct(shares, threshold: 3).secret[0]
        }
        bench.report("shamir_split_robust_reconstruct_256bit_n5_k3", nanoseconds: splitRobust, unit: .microseconds)
        let robust = try bench.measure { try Shamir.robustReconstruct(shares, threshold: 3).secret[0] }
        bench.report("shamir_robust_reconstruct_256bit_n5_k3", nanoseconds: robust, unit: .microseconds)
        let robustTampered = try bench.measure { try Shamir.robustReconstruct(tampered, threshold: 3).secret[0] }
        bench.report("shamir_robust_reconstruct_256bit_n5_k3_one_tampered", nanoseconds: robustTampered, unit: .microseconds)

        let message = SecureRandom.bytes(1024)
        let key = SecureRandom.bytes(MessageAuthenticator.keySize)
        for kind in AuthenticatorKind.allCases {
            let authenticator = MessageAuthenticator(kind: kind)
            let perTag = bench.measure { authenticator.tag(key: key, message: [message])[0] }
            let name = kind == .hmacSHA256 ? "hmac_sha256_1kib" : "poly1305_1kib"
            bench.report(name, nanoseconds: perTag, unit: .nanoseconds)
            bench.report("\(name)_throughput", value: Double(message.count) / perTag * 1000, unit: "MB/s")
        }
        bench.finish()
    }
}
