import Testing
@testable import DSKECore

@Suite("Shamir sharing by column (a batch of keys at once)")
struct ShamirColumnsTests {
    /// (keys, key length, threshold, share count): threshold 1, k == n, odd lengths (a word
    /// boundary inside a key), the 4-byte minimum (no R bytes) and the 16-share maximum.
    static let shapes: [(Int, Int, Int, Int)] = [
        (1, 32, 3, 5), (128, 32, 3, 5), (7, 13, 2, 4), (5, 4, 2, 2), (3, 33, 1, 3),
        (9, 16, 5, 5), (2, 64, 16, 16), (4, 8, 4, 7), (1, 4, 1, 1),
    ]

    private static func secrets(count: Int, length: Int) -> [[UInt8]] {
        (0..<count).map { _ in SecureRandom.bytes(length) }
    }

    /// The columns hold exactly the shares the per-key split makes from the same randomness.
    @Test(arguments: shapes)
    func columnsAreThePerKeySharesLaidEndToEnd(shape: (Int, Int, Int, Int)) {
        let (count, length, threshold, shareCount) = shape
        let secrets = Self.secrets(count: count, length: length)
        let perKey = Shamir.randomByteCount(secretLength: length, threshold: threshold)
        let random = SecureRandom.bytes(count * perKey)
        let columns = random.withUnsafeBytes { random in
            Shamir.splitColumnsValidated(secrets: secrets, length: length, shareCount: shareCount,
                                         threshold: threshold, random: random)
        }
        #expect(columns.count == shareCount)
        for (i, secret) in secrets.enumerated() {
            let shares = Shamir.splitValidated(secret: secret, shareCount: shareCount, threshold: threshold,
                                               random: random[(i * perKey)..<((i + 1) * perKey)])
            for (x, share) in shares.enumerated() {
                #expect(share.index == UInt8(x))
                #expect(Array(columns[x][(i * length)..<((i + 1) * length)]) == share.value, "key \(i), share \(x)")
            }
        }
    }

    /// Any k columns rebuild every key, and agree with the per-key reconstruction.
    @Test(arguments: shapes)
    func anyThresholdColumnsRebuildEveryKey(shape: (Int, Int, Int, Int)) throws {
        let (count, length, threshold, shareCount) = shape
        let secrets = Self.secrets(count: count, length: length)
        let columns = try Shamir.splitColumns(secrets: secrets, shareCount: shareCount, threshold: threshold)
        let expected = secrets.flatMap { $0 }
        // All columns, the last k, and the first k in reverse order.
        let choices = [Array(0..<shareCount), Array((shareCount - threshold)..<shareCount), Array((0..<threshold).reversed())]
        for chosen in choices {
            let rebuilt = try Shamir.reconstructColumns(indices: chosen.map { UInt8($0) }, columns: chosen.map { columns[$0] },
                                                        length: length, threshold: threshold)
            #expect(rebuilt.accepted == Array(repeating: true, count: count))
            #expect(rebuilt.secrets == expected)
        }
    }

    /// One altered byte in one column: that key alone is refused (its secret left zero), the
    /// others are rebuilt, and the per-key robust reconstruction then finds the key and the share.
    @Test func aTamperedShareRefusesItsKeyOnly() throws {
        let secrets = Self.secrets(count: 10, length: 32)
        var columns = try Shamir.splitColumns(secrets: secrets, shareCount: 5, threshold: 3)
        for tampered in [0, 4] {
            var altered = columns
            altered[tampered][6 * 32 + 17] ^= 0x40
            let rebuilt = try Shamir.reconstructColumns(indices: [0, 1, 2, 3, 4], columns: altered, length: 32, threshold: 3)
            #expect(rebuilt.accepted == (0..<10).map { $0 != 6 })
            #expect(rebuilt.secrets[(6 * 32)..<(7 * 32)].allSatisfy { $0 == 0 })
            #expect(Array(rebuilt.secrets[(7 * 32)...]) == secrets[7...].flatMap { $0 })
            let shares = (0..<5).map { ShamirShare(index: UInt8($0), value: Array(altered[$0][(6 * 32)..<(7 * 32)])) }
            let recovery = try Shamir.robustReconstruct(shares, threshold: 3)
            #expect(recovery.secret == secrets[6])
            #expect(recovery.inconsistentIndices == [UInt8(tampered)])
        }
        // With k columns only, nothing cross-checks the shares, but the digest still refuses.
        columns[1][3 * 32] ^= 1
        let rebuilt = try Shamir.reconstructColumns(indices: [0, 1, 2], columns: Array(columns[0..<3]), length: 32, threshold: 3)
        #expect(rebuilt.accepted == (0..<10).map { $0 != 3 })
        // Threshold 1: shares that differ from the first are refused.
        var copies = try Shamir.splitColumns(secrets: secrets, shareCount: 3, threshold: 1)
        copies[2][5] ^= 1
        let single = try Shamir.reconstructColumns(indices: [0, 1, 2], columns: copies, length: 32, threshold: 1)
        #expect(single.accepted == (0..<10).map { $0 != 0 })
    }

    @Test func badInputIsRefused() throws {
        #expect(throws: ShamirError.lengthMismatch(expected: 32, found: 16)) {
            try Shamir.splitColumns(secrets: [SecureRandom.bytes(32), SecureRandom.bytes(16)], shareCount: 5, threshold: 3)
        }
        #expect(throws: ShamirError.secretTooShort(length: 3)) {
            try Shamir.splitColumns(secrets: [[1, 2, 3]], shareCount: 5, threshold: 3)
        }
        #expect(try Shamir.splitColumns(secrets: [], shareCount: 5, threshold: 3) == Array(repeating: [], count: 5))
        let columns = try Shamir.splitColumns(secrets: Self.secrets(count: 2, length: 32), shareCount: 5, threshold: 3)
        #expect(throws: ShamirError.notEnoughShares(count: 2, threshold: 3)) {
            try Shamir.reconstructColumns(indices: [0, 1], columns: Array(columns[0..<2]), length: 32, threshold: 3)
        }
        #expect(throws: ShamirError.duplicateIndex(1)) {
            try Shamir.reconstructColumns(indices: [0, 1, 1], columns: Array(columns[0..<3]), length: 32, threshold: 3)
        }
        #expect(throws: ShamirError.reservedIndex(255)) {
            try Shamir.reconstructColumns(indices: [0, 1, 255], columns: Array(columns[0..<3]), length: 32, threshold: 3)
        }
        #expect(throws: ShamirError.lengthMismatch(expected: 64, found: 63)) {
            try Shamir.reconstructColumns(indices: [0, 1, 2], columns: [columns[0], columns[1], Array(columns[2].dropLast())],
                                          length: 32, threshold: 3)
        }
    }
}
