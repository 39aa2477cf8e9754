import Testing
@testable import DSKECore

private func bytes(_ hex: String) -> [UInt8] {
    var result: [UInt8] = []
    var index = hex.startIndex
    while index < hex.endIndex {
        let next = hex.index(index, offsetBy: 2)
        result.append(UInt8(hex[index..<next], radix: 16)!)
        index = next
    }
    return result
}

/// Deterministic generator (SplitMix64) so statistical tests give the same verdict on every run.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Replays a recorded byte stream as little-endian words, the way `Shamir.split` consumes them.
private struct ReplayGenerator: RandomNumberGenerator {
    let stream: [UInt8]
    var offset = 0
    mutating func next() -> UInt64 {
        var word: UInt64 = 0
        for lane in 0..<8 where offset + lane < stream.count {
            word |= UInt64(stream[offset + lane]) << UInt64(lane * 8)
        }
        offset += 8
        return word
    }
}

/// Shares made by the reference's common/shamir.py with RANDOM_BYTES replaced by a recorded
/// stream (the concatenation of every RANDOM_BYTES result, in call order).
struct ShamirReferenceVector: Sendable, CustomStringConvertible {
    let secret: String
    let shareCount: Int
    let threshold: Int
    let random: String
    let shares: [String]
    var description: String { "n=\(shareCount) k=\(threshold) |secret|=\(secret.count / 2)" }
}

let shamirReferenceVectors: [ShamirReferenceVector] = [
    ShamirReferenceVector(
        secret: "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", shareCount: 5, threshold: 3,
        random: "b3a99dba945fb2fbe158a93f748655afa7119621036d9e9026c2517d5a9bf7f6f15229896e77c43dc925c47b1cf0f7923551406ddec984ba5fcdec01",
        shares: [
            "b3a99dba945fb2fbe158a93f748655afa7119621036d9e9026c2517d5a9bf7f6",
            "6bfa358b61089d7587266709b1ae9fdbabf073a02229c8eae012cfdc194b05e8",
            "9c4245f41d3d6a7a8ec12566d75b1320c7a7aa9618d2451c26bf5dfb35966294",
            "4411edc5e86a45f4e8bfeb501273d954cb464f1739961366e06fc35a7646908a",
            "cb4b4c96668637cc85fe8659e125d02d9cc177da4ad4f4684c0de53b0d6f7551",
        ]),
    ShamirReferenceVector(
        secret: "00112233445566778899aabbccddeeff", shareCount: 7, threshold: 5,
        random: "8b8b8275e07eac54a9baa81f16c2fc8b3970fa51bb57d0bba41e2fd9ae6562aa9b42ae9678766e0d576138d00a7a4a91b4d09fe178f0dc9d94915c38",
        shares: [
            "8b8b8275e07eac54a9baa81f16c2fc8b", "3970fa51bb57d0bba41e2fd9ae6562aa",
            "9b42ae9678766e0d576138d00a7a4a91", "cb1973c3e988070e76f3189b3fc6baf5",
            "ca674e647ec68e48bcf7efe747389084", "0271c57daf2b8cf959e79722fcc57120",
            "8bd93d22ec2ce4303987302c5f587b80",
        ]),
    // A 4-byte secret: R is empty, so the digest is HMAC with an empty key.
    ShamirReferenceVector(
        secret: "44534b45", shareCount: 4, threshold: 2, random: "",
        shares: ["e72fa7a8", "ec88594a", "f17a4077", "faddbe95"]),
    // Odd length (33 bytes) and the largest n and k.
    ShamirReferenceVector(
        secret: "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", shareCount: 16, threshold: 16,
        random: "142ef237ef1aae6f9227f3195a1f45937cc34be6c874e98692a2f57b83006701cbc9998c0155aa5435d89f0b78759c9fc173195ee5ce91120c8daf5cf21d99ba4d70be9189f837a2a1a5f6ddae3b08daf0e966d567782953ce85a10b95c36b59a644dc9e15e91bdb0b7f219efb77e2463e385053119de04b75656bc375218d952ac910887bcc50f9ccbd11cfd4b5cc7c2e34c9e9948a5ca7dbaf7547bab0d8be4715aba92f2ab9e73dcf1e4c688ff6f29af61e93d5350a7147dac9696f1d10aa87a864300509511014316d44dfb0ad0a64ec674f4f9ca8be009e6ed63dde79d929d027465747b07f8bbb0c51b30ef77e70fa30253cd9fa60b841e6763279598fa36f5e7838420500ccd99a0d2e0b2abc2a560dfa4fc58ec8fe684e710ef0177c87e2ed52ddc8c1acc220f7eff938e28c9b52563a38a4d1b4a87f516fc824d64661879454d8ec5e1602a3090a6034bee0f3331afd7f952a3977e6517ab6fb91965c37261f6a6c26e4e6106c0e2cc49117db4e6ad19d6502642c6ccaf2bd878d7fda717acd07ff9be46cc1ca1fbbac78c9137530941d39e64c2596f0e07874134cfa3b76a7433ae56dcc05575a9310be51bc4ca1c72dbc52515987520388a56129a16ca2a444a74da8b02efbb01b4843c091378febbe72d570e779ef096d4897936100eadcd22a471f6efcbd",
        shares: [
            "142ef237ef1aae6f9227f3195a1f45937cc34be6c874e98692a2f57b83006701cb",
            "c9998c0155aa5435d89f0b78759c9fc173195ee5ce91120c8daf5cf21d99ba4d70",
            "be9189f837a2a1a5f6ddae3b08daf0e966d567782953ce85a10b95c36b59a644dc",
            "9e15e91bdb0b7f219efb77e2463e385053119de04b75656bc375218d952ac91088",
            "7bcc50f9ccbd11cfd4b5cc7c2e34c9e9948a5ca7dbaf7547bab0d8be4715aba92f",
            "2ab9e73dcf1e4c688ff6f29af61e93d5350a7147dac9696f1d10aa87a864300509",
            "511014316d44dfb0ad0a64ec674f4f9ca8be009e6ed63dde79d929d027465747b0",
            "7f8bbb0c51b30ef77e70fa30253cd9fa60b841e6763279598fa36f5e7838420500",
            "ccd99a0d2e0b2abc2a560dfa4fc58ec8fe684e710ef0177c87e2ed52ddc8c1acc2",
            "20f7eff938e28c9b52563a38a4d1b4a87f516fc824d64661879454d8ec5e1602a3",
            "090a6034bee0f3331afd7f952a3977e6517ab6fb91965c37261f6a6c26e4e6106c",
            "0e2cc49117db4e6ad19d6502642c6ccaf2bd878d7fda717acd07ff9be46cc1ca1f",
            "bbac78c9137530941d39e64c2596f0e07874134cfa3b76a7433ae56dcc05575a93",
            "10be51bc4ca1c72dbc52515987520388a56129a16ca2a444a74da8b02efbb01b48",
            "722fd8da66b06bff52f5b8cb0f567a20f4dce8c89514ff7b885c18fe75f167aff2",
            "b0ecfe80f7d732fdd58a8b756cb71b09f664a6d963f5f5933826597cd7c967715d",
        ]),
]

/// Every subset of `items` with exactly `size` elements, in lexicographic order.
private func subsets<T>(of items: [T], size: Int) -> [[T]] {
    guard size > 0 else { return [[]] }
    guard items.count >= size else { return [] }
    let head = items[0]
    let tail = Array(items.dropFirst())
    return subsets(of: tail, size: size - 1).map { [head] + $0 } + subsets(of: tail, size: size)
}

private func tampered(_ share: ShamirShare, byte: Int = 0, mask: UInt8 = 0x01) -> ShamirShare {
    var value = share.value
    value[byte] ^= mask
    return ShamirShare(index: share.index, value: value)
}

@Suite("Shamir secret sharing")
struct ShamirTests {
    // MARK: Compatibility with the reference

    @Test(arguments: shamirReferenceVectors)
    func splitReproducesTheReferenceSharesByteForByte(vector: ShamirReferenceVector) throws {
        var replay = ReplayGenerator(stream: bytes(vector.random))
        let shares = try Shamir.split(
            secret: bytes(vector.secret), shareCount: vector.shareCount, threshold: vector.threshold, using: &replay)
        #expect(shares.map(\.index) == (0..<vector.shareCount).map { UInt8($0) })
        #expect(shares.map(\.value) == vector.shares.map(bytes))
    }

    @Test(arguments: shamirReferenceVectors)
    func referenceSharesReconstruct(vector: ShamirReferenceVector) throws {
        let shares = vector.shares.enumerated().map { ShamirShare(index: UInt8($0.offset), value: bytes($0.element)) }
        // The last k, the first k and all of them.
        for chosen in [Array(shares.suffix(vector.threshold)), Array(shares.prefix(vector.threshold)), shares] {
            #expect(try Shamir.reconstruct(chosen, threshold: vector.threshold) == bytes(vector.secret))
        }
    }

    @Test func thresholdOneGivesTheSecretAsEveryShare() throws {
        let secret: [UInt8] = [9, 8, 7, 6, 5]
        let shares = try Shamir.split(secret: secret, shareCount: 5, threshold: 1)
        #expect(shares == (0..<5).map { ShamirShare(index: UInt8($0), value: secret) })
        #expect(try Shamir.reconstruct([shares[3]], threshold: 1) == secret)
    }

    // MARK: Correctness

    @Test(arguments: [(3, 2), (3, 3), (5, 1), (5, 2), (5, 3), (5, 5), (7, 4), (8, 8)])
    func everySubsetOfAtLeastKSharesRebuilds(shareCount: Int, threshold: Int) throws {
        var rng = SplitMix64(state: UInt64(shareCount * 100 + threshold))
        for length in [4, 13, 32] {
            let secret = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let shares = try Shamir.split(secret: secret, shareCount: shareCount, threshold: threshold, using: &rng)
            for size in threshold...shareCount {
                for chosen in subsets(of: shares, size: size) {
                    #expect(try Shamir.reconstruct(chosen, threshold: threshold) == secret)
                    #expect(try Shamir.reconstruct(chosen.reversed(), threshold: threshold) == secret)
                }
            }
        }
    }

    @Test func everyThreeOfTenRebuildALongSecret() throws {
        let secret = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let shares = try Shamir.split(secret: secret, shareCount: 10, threshold: 3)
        for chosen in subsets(of: shares, size: 3) {
            #expect(try Shamir.reconstruct(chosen, threshold: 3) == secret)
        }
    }

    /// The batch split draws its randomness once for all secrets: each secret must still get its
    /// own, and every k of its shares must rebuild it (also for secrets of different lengths).
    @Test func batchSplitGivesEachSecretItsOwnPolynomial() throws {
        let same = [UInt8](repeating: 0x5A, count: 32)
        let secrets = [same, same, (0..<48).map { UInt8($0) }, same]
        let split = try Shamir.split(secrets: secrets, shareCount: 5, threshold: 3)
        #expect(split.count == secrets.count)
        for (secret, shares) in zip(secrets, split) {
            #expect(shares.map(\.index) == [0, 1, 2, 3, 4])
            for chosen in subsets(of: shares, size: 3) {
                #expect(try Shamir.reconstruct(chosen, threshold: 3) == secret)
            }
        }
        // Equal secrets with shared or misplaced randomness would give equal shares.
        let firstShares = [split[0], split[1], split[3]].map { $0[0].value }
        #expect(Set(firstShares).count == 3)
        #expect(try Shamir.split(secrets: [], shareCount: 5, threshold: 3).isEmpty)
        #expect(throws: ShamirError.secretTooShort(length: 3)) {
            try Shamir.split(secrets: [same, [1, 2, 3]], shareCount: 5, threshold: 3)
        }
    }

    @Test func fewerThanKSharesDoNotRebuild() throws {
        let secret = [UInt8](repeating: 0x42, count: 32)
        let shares = try Shamir.split(secret: secret, shareCount: 5, threshold: 3)
        #expect(throws: ShamirError.notEnoughShares(count: 2, threshold: 3)) {
            try Shamir.reconstruct(Array(shares.prefix(2)), threshold: 3)
        }
        // Claiming a lower threshold does not help: two points fix the wrong polynomial.
        #expect(throws: ShamirError.digestMismatch) {
            try Shamir.reconstruct(Array(shares.prefix(2)), threshold: 2)
        }
    }

    // MARK: Secrecy

    /// Pearson chi-square of `counts` against the uniform distribution.
    private static func chiSquare(_ counts: [Int]) -> Double {
        let total = counts.reduce(0, +)
        let expected = Double(total) / Double(counts.count)
        return counts.reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
    }

    @Test func kMinusOneSharesLookUniformWhateverTheSecret() throws {
        // Any k-1 = 2 shares, for two secrets as different as can be: each share byte, and each
        // pair of bytes at the same position (bucketed by nibbles), must be uniform. A share that
        // leaked the secret (for example one equal to it, or missing its random term) would pile
        // up in a few buckets and give a chi-square in the thousands.
        var rng = SplitMix64(state: 2024)
        let splits = 2000
        // 255 degrees of freedom: mean 255, standard deviation 22.6; 360 is 4.6 deviations above.
        let limit = 360.0
        for secret in [[UInt8](repeating: 0x00, count: 32), [UInt8](repeating: 0xFF, count: 32)] {
            for pair in [(0, 1), (1, 4), (2, 3), (0, 4)] {
                var firstBytes = [Int](repeating: 0, count: 256)
                var highNibbles = [Int](repeating: 0, count: 256)
                var lowNibbles = [Int](repeating: 0, count: 256)
                for _ in 0..<splits {
                    let shares = try Shamir.split(secret: secret, shareCount: 5, threshold: 3, using: &rng)
                    for (a, b) in zip(shares[pair.0].value, shares[pair.1].value) {
                        firstBytes[Int(a)] += 1
                        highNibbles[Int(a >> 4) << 4 | Int(b >> 4)] += 1
                        lowNibbles[Int(a & 0xF) << 4 | Int(b & 0xF)] += 1
                    }
                }
                #expect(Self.chiSquare(firstBytes) < limit, "share \(pair.0) bytes, secret \(secret[0])")
                #expect(Self.chiSquare(highNibbles) < limit, "shares \(pair) high nibbles, secret \(secret[0])")
                #expect(Self.chiSquare(lowNibbles) < limit, "shares \(pair) low nibbles, secret \(secret[0])")
            }
        }
    }

    @Test func splitsDifferEachTime() throws {
        let secret = [UInt8](repeating: 7, count: 32)
        let first = try Shamir.split(secret: secret, shareCount: 5, threshold: 3)
        let second = try Shamir.split(secret: secret, shareCount: 5, threshold: 3)
        #expect(first[0].value != second[0].value)
        #expect(first[0].value != secret)
    }

    // MARK: Tampering

    @Test func reconstructDetectsAnyFlippedByteInAnyShare() throws {
        var rng = SplitMix64(state: 7)
        let secret = (0..<32).map { UInt8($0) }
        let shares = try Shamir.split(secret: secret, shareCount: 5, threshold: 3, using: &rng)
        for victim in 0..<5 {
            for byte in [0, 3, 4, 17, 31] {
                var given = shares
                given[victim] = tampered(given[victim], byte: byte, mask: 0x80)
                #expect(throws: ShamirError.digestMismatch) { try Shamir.reconstruct(given, threshold: 3) }
                #expect(throws: ShamirError.digestMismatch) {
                    try Shamir.reconstruct([given[victim], given[(victim + 1) % 5], given[(victim + 2) % 5]], threshold: 3)
                }
            }
        }
    }

    @Test func robustReconstructWithHonestSharesNamesNoOne() throws {
        let secret = [UInt8](repeating: 0xA5, count: 32)
        let shares = try Shamir.split(secret: secret, shareCount: 5, threshold: 3)
        let all = try Shamir.robustReconstruct(shares, threshold: 3)
        #expect(all.secret == secret)
        #expect(all.consistentIndices == [0, 1, 2, 3, 4])
        #expect(all.inconsistentIndices.isEmpty)
        let some = try Shamir.robustReconstruct([shares[4], shares[1], shares[2]], threshold: 3)
        #expect(some.secret == secret)
        #expect(some.consistentIndices == [1, 2, 4])
    }

    @Test func robustReconstructSurvivesOneTamperedShareAndNamesIt() throws {
        var rng = SplitMix64(state: 11)
        let secret = (0..<32).map { UInt8(255 - $0) }
        let shares = try Shamir.split(secret: secret, shareCount: 5, threshold: 3, using: &rng)
        for victim in 0..<5 {
            var given = shares
            given[victim] = tampered(given[victim], byte: victim * 5, mask: 0x3C)
            #expect(throws: ShamirError.digestMismatch) { try Shamir.reconstruct(given, threshold: 3) }
            let recovery = try Shamir.robustReconstruct(given, threshold: 3)
            #expect(recovery.secret == secret)
            #expect(recovery.inconsistentIndices == [UInt8(victim)])
            #expect(recovery.consistentIndices == (0..<5).filter { $0 != victim }.map { UInt8($0) })
            // Four shares of which one is bad: still h >= k + t.
            let four = Array(given.filter { $0.index != UInt8((victim + 1) % 5) })
            #expect(try Shamir.robustReconstruct(four, threshold: 3).inconsistentIndices == [UInt8(victim)])
        }
    }

    @Test func robustReconstructSurvivesTwoTamperedSharesThroughTheDigest() throws {
        var rng = SplitMix64(state: 12)
        let secret = (0..<32).map { UInt8($0 * 3) }
        let shares = try Shamir.split(secret: secret, shareCount: 5, threshold: 3, using: &rng)
        for bad in subsets(of: Array(0..<5), size: 2) {
            var given = shares
            for victim in bad { given[victim] = tampered(given[victim], byte: 9, mask: UInt8(victim + 1)) }
            let recovery = try Shamir.robustReconstruct(given, threshold: 3)
            #expect(recovery.secret == secret)
            #expect(recovery.inconsistentIndices == bad.map { UInt8($0) })
        }
    }

    @Test func robustReconstructFindsTheOnlyIntactSubsetAmongMany() throws {
        // n = 7, k = 4, three bad shares: only one of the 35 4-subsets is intact (h = k, t < k).
        var rng = SplitMix64(state: 13)
        let secret = (0..<24).map { UInt8($0 ^ 0x5C) }
        let shares = try Shamir.split(secret: secret, shareCount: 7, threshold: 4, using: &rng)
        for bad in [[0, 1, 2], [1, 3, 5], [4, 5, 6], [0, 3, 6]] {
            var given = shares
            for victim in bad { given[victim] = tampered(given[victim], byte: 23, mask: 0xFF) }
            let recovery = try Shamir.robustReconstruct(given, threshold: 4)
            #expect(recovery.secret == secret)
            #expect(recovery.inconsistentIndices == bad.map { UInt8($0) })
            #expect(recovery.consistentIndices.count == 4)
        }
    }

    @Test func robustReconstructRefusesWhenFewerThanKSharesAreIntact() throws {
        let shares = try Shamir.split(secret: [UInt8](repeating: 1, count: 16), shareCount: 5, threshold: 3)
        var given = shares
        for victim in [0, 2, 4] { given[victim] = tampered(given[victim]) }
        #expect(throws: ShamirError.notEnoughConsistentShares(shareCount: 5, threshold: 3)) {
            try Shamir.robustReconstruct(given, threshold: 3)
        }
    }

    @Test func robustReconstructRefusesTwoEquallySupportedSecrets() throws {
        // Shares 0 and 1 of one secret with shares 2 and 3 of another: each pair verifies (k = 2),
        // no mixed pair does, and nothing says which pair is honest.
        let first = try Shamir.split(secret: [1, 2, 3, 4, 5, 6], shareCount: 4, threshold: 2)
        let second = try Shamir.split(secret: [6, 5, 4, 3, 2, 1], shareCount: 4, threshold: 2)
        #expect(throws: ShamirError.ambiguousShares(support: 2)) {
            try Shamir.robustReconstruct([first[0], first[1], second[2], second[3]], threshold: 2)
        }
        // A third share of the first secret breaks the tie in its favour.
        let first5 = try Shamir.split(secret: [1, 2, 3, 4, 5, 6], shareCount: 5, threshold: 2)
        let second5 = try Shamir.split(secret: [6, 5, 4, 3, 2, 1], shareCount: 5, threshold: 2)
        let recovery = try Shamir.robustReconstruct(
            [first5[0], first5[1], first5[4], second5[2], second5[3]], threshold: 2)
        #expect(recovery.secret == [1, 2, 3, 4, 5, 6])
        #expect(recovery.inconsistentIndices == [2, 3])
    }

    @Test func robustReconstructWithThresholdOneTakesTheMajority() throws {
        let good: [UInt8] = [1, 1, 1, 1]
        let bad: [UInt8] = [2, 2, 2, 2]
        let recovery = try Shamir.robustReconstruct(
            [ShamirShare(index: 0, value: good), ShamirShare(index: 1, value: bad), ShamirShare(index: 2, value: good)],
            threshold: 1)
        #expect(recovery.secret == good)
        #expect(recovery.inconsistentIndices == [1])
        #expect(throws: ShamirError.sharesDisagree) {
            try Shamir.reconstruct([ShamirShare(index: 0, value: good), ShamirShare(index: 1, value: bad)], threshold: 1)
        }
    }

    // MARK: Errors

    @Test func splitRejectsBadParameters() {
        #expect(throws: ShamirError.secretTooShort(length: 3)) {
            try Shamir.split(secret: [1, 2, 3], shareCount: 5, threshold: 3)
        }
        #expect(throws: ShamirError.tooManyShares(count: 17)) {
            try Shamir.split(secret: [1, 2, 3, 4], shareCount: 17, threshold: 3)
        }
        #expect(throws: ShamirError.thresholdOutOfRange(threshold: 0, shareCount: 5)) {
            try Shamir.split(secret: [1, 2, 3, 4], shareCount: 5, threshold: 0)
        }
        #expect(throws: ShamirError.thresholdOutOfRange(threshold: 6, shareCount: 5)) {
            try Shamir.split(secret: [1, 2, 3, 4], shareCount: 5, threshold: 6)
        }
        #expect(throws: ShamirError.thresholdOutOfRange(threshold: 1, shareCount: 0)) {
            try Shamir.split(secret: [1, 2, 3, 4], shareCount: 0, threshold: 1)
        }
    }

    @Test func reconstructRejectsMalformedShareSets() throws {
        let shares = try Shamir.split(secret: [UInt8](repeating: 3, count: 8), shareCount: 5, threshold: 3)
        #expect(throws: ShamirError.duplicateIndex(1)) {
            try Shamir.reconstruct([shares[1], shares[2], shares[1]], threshold: 3)
        }
        #expect(throws: ShamirError.lengthMismatch(expected: 8, found: 7)) {
            try Shamir.reconstruct([shares[0], shares[1], ShamirShare(index: 2, value: Array(shares[2].value.dropLast()))], threshold: 3)
        }
        #expect(throws: ShamirError.reservedIndex(255)) {
            try Shamir.reconstruct([shares[0], shares[1], ShamirShare(index: 255, value: shares[2].value)], threshold: 3)
        }
        #expect(throws: ShamirError.secretTooShort(length: 3)) {
            try Shamir.reconstruct([ShamirShare(index: 0, value: [1, 2, 3]), ShamirShare(index: 1, value: [1, 2, 3])], threshold: 2)
        }
        #expect(throws: ShamirError.thresholdOutOfRange(threshold: 0, shareCount: 16)) {
            try Shamir.reconstruct(shares, threshold: 0)
        }
        #expect(throws: ShamirError.notEnoughShares(count: 0, threshold: 2)) {
            try Shamir.robustReconstruct([], threshold: 2)
        }
        let seventeen = (0..<17).map { ShamirShare(index: UInt8($0), value: [0, 0, 0, 0]) }
        #expect(throws: ShamirError.tooManyShares(count: 17)) { try Shamir.robustReconstruct(seventeen, threshold: 3) }
    }

    @Test func errorMessagesNameTheProblem() {
        #expect(ShamirError.tooManyShares(count: 17).description.contains("at most 16"))
        #expect(ShamirError.duplicateIndex(4).description.contains("index 4"))
        #expect(ShamirError.notEnoughConsistentShares(shareCount: 5, threshold: 3).description
            .contains("no 3 of the 5"))
    }
}
