import Crypto

/// Shamir secret sharing as SLIP-0039's raw layer, byte-compatible with the reference DSKE code:
/// GF(2^8) mod 0x11B, shares at x = 0...n-1, a digest share at x = 254 and the secret at x = 255.
///
/// For threshold k >= 2 the polynomial of degree k-1 is fixed by k base points: random shares at
/// x = 0...k-3, the digest share D || R at x = 254 (R random, len(secret)-4 bytes,
/// D = HMAC-SHA256(key: R, message: secret)[0..<4]) and the secret at x = 255. The remaining
/// shares x = k-2...n-1 are interpolated. For k == 1 every share is the secret itself.
/// docs/crypto.md draws the layout and states what `robustReconstruct` guarantees.
public enum Shamir {
    public static let maxShareCount = 16
    public static let minSecretSize = 4

    static let digestSize = 4
    static let digestIndex: UInt8 = 254
    static let secretIndex: UInt8 = 255

    /// Splits with randomness from the operating system's CSPRNG (one getrandom call).
    public static func split(secret: [UInt8], shareCount: Int, threshold: Int) throws(ShamirError) -> [ShamirShare] {
        try validateSplit(secretLength: secret.count, shareCount: shareCount, threshold: threshold)
        let random = SecureRandom.bytes(randomByteCount(secretLength: secret.count, threshold: threshold))
        return splitValidated(secret: secret, shareCount: shareCount, threshold: threshold, random: random[...])
    }

    /// Splits each secret as `split(secret:shareCount:threshold:)` does, with the randomness of
    /// them all drawn at once (a batch of 128 keys makes about 30 getentropy calls, not 128).
    /// Returns the shares of each secret, in order.
    public static func split(secrets: [[UInt8]], shareCount: Int, threshold: Int) throws(ShamirError) -> [[ShamirShare]] {
        var total = 0
        for secret in secrets {
            try validateSplit(secretLength: secret.count, shareCount: shareCount, threshold: threshold)
            total += randomByteCount(secretLength: secret.count, threshold: threshold)
        }
        let random = SecureRandom.bytes(total)
        var offset = 0
        return secrets.map { secret in
            let count = randomByteCount(secretLength: secret.count, threshold: threshold)
            defer { offset += count }
            return splitValidated(secret: secret, shareCount: shareCount, threshold: threshold,
                                  random: random[offset..<(offset + count)])
        }
    }

    /// Splits with randomness from `rng`, drawn as one stream of little-endian `next()` words:
    /// first the random shares x = 0...k-3 in order, then R. Reproducible with a seeded generator.
    public static func split<R: RandomNumberGenerator>(
        secret: [UInt8], shareCount: Int, threshold: Int, using rng: inout R
    ) throws(ShamirError) -> [ShamirShare] {
        try validateSplit(secretLength: secret.count, shareCount: shareCount, threshold: threshold)
        var random = [UInt8](repeating: 0, count: randomByteCount(secretLength: secret.count, threshold: threshold))
        var offset = 0
        while offset < random.count {
            var word = rng.next()
            for _ in 0..<min(8, random.count - offset) {
                random[offset] = UInt8(truncatingIfNeeded: word)
                word >>= 8
                offset += 1
            }
        }
        return splitValidated(secret: secret, shareCount: shareCount, threshold: threshold, random: random[...])
    }

    /// Rebuilds the secret from all given shares (at least `threshold` of them) and checks the
    /// digest, as the reference does. One wrong share makes it throw `digestMismatch`; use
    /// `robustReconstruct` to rebuild anyway and learn which share was wrong.
    public static func reconstruct(_ shares: [ShamirShare], threshold: Int) throws(ShamirError) -> [UInt8] {
        let length = try validateShares(shares, threshold: threshold)
        if threshold == 1 {
            let first = shares[0].value
            for share in shares.dropFirst() where !ConstantTime.equals(share.value, first) {
                throw .sharesDisagree
            }
            return first
        }
        let base = GF256.interpolate(
            xs: shares.map(\.index), values: shares.map(\.value),
            targets: [secretIndex, digestIndex], length: length)
        guard digestVerifies(secret: base[0], digestShare: base[1]) else { throw .digestMismatch }
        return base[0]
    }

    /// Rebuilds the secret even when some shares are wrong: tries k-subsets, keeps those whose
    /// digest verifies, and picks the polynomial that the most shares lie on. Guarantee (see
    /// docs/crypto.md): with h intact and t wrong shares, the secret and the blame are certain when
    /// h >= k + t; when h >= k and t < k the secret (and the blame, if t <= 2) is right except with
    /// probability about C(h+t, k) * 2^-32.
    public static func robustReconstruct(_ shares: [ShamirShare], threshold: Int) throws(ShamirError) -> ShamirRecovery {
        let length = try validateShares(shares, threshold: threshold)
        let count = shares.count
        let k = threshold
        var best: (support: UInt32, secret: [UInt8])?
        var tied = false
        var supports: [UInt32] = []

        // Every k-subset of share positions as a bit mask, in increasing order (Gosper's hack).
        var subset: UInt32 = (1 << UInt32(k)) - 1
        let limit: UInt32 = 1 << UInt32(count)
        while subset < limit {
            defer {
                let lowest = subset & (0 &- subset)
                let ripple = subset &+ lowest
                subset = (((ripple ^ subset) >> 2) / lowest) | ripple
            }
            // A subset inside a known candidate's support rebuilds that same polynomial.
            if supports.contains(where: { subset & $0 == subset }) { continue }
            guard let candidate = evaluate(shares, subset: subset, threshold: k, length: length) else { continue }
            supports.append(candidate.support)
            let size = candidate.support.nonzeroBitCount
            if let current = best {
                let currentSize = current.support.nonzeroBitCount
                if size > currentSize {
                    best = candidate
                    tied = false
                } else if size == currentSize {
                    tied = true
                }
            } else {
                best = candidate
            }
            // Any other polynomial meets this one's support in at most k-1 shares, so it can be
            // backed by at most (k-1) + (count-size) shares: once that is below size, stop.
            if let current = best, 2 * current.support.nonzeroBitCount > count + k - 1 { break }
        }

        guard let winner = best else { throw .notEnoughConsistentShares(shareCount: count, threshold: k) }
        if tied { throw .ambiguousShares(support: winner.support.nonzeroBitCount) }
        var consistent: [UInt8] = []
        var inconsistent: [UInt8] = []
        for (position, share) in shares.enumerated() {
            if winner.support & (1 << UInt32(position)) != 0 {
                consistent.append(share.index)
            } else {
                inconsistent.append(share.index)
            }
        }
        return ShamirRecovery(secret: winner.secret, consistentIndices: consistent.sorted(),
                              inconsistentIndices: inconsistent.sorted())
    }

    // MARK: - Internals

    static func validateSplit(secretLength: Int, shareCount: Int, threshold: Int) throws(ShamirError) {
        guard secretLength >= minSecretSize else { throw .secretTooShort(length: secretLength) }
        guard shareCount <= maxShareCount else { throw .tooManyShares(count: shareCount) }
        guard threshold >= 1, threshold <= shareCount else {
            throw .thresholdOutOfRange(threshold: threshold, shareCount: shareCount)
        }
    }

    static func randomByteCount(secretLength: Int, threshold: Int) -> Int {
        threshold == 1 ? 0 : (threshold - 2) * secretLength + secretLength - digestSize
    }

    static func splitValidated(secret: [UInt8], shareCount: Int, threshold: Int, random: ArraySlice<UInt8>) -> [ShamirShare] {
        if threshold == 1 {
            return (0..<shareCount).map { ShamirShare(index: UInt8($0), value: secret) }
        }
        let length = secret.count
        let randomShareCount = threshold - 2
        var shares: [ShamirShare] = []
        shares.reserveCapacity(shareCount)
        var baseXs: [UInt8] = []
        var baseValues: [[UInt8]] = []
        baseXs.reserveCapacity(threshold)
        baseValues.reserveCapacity(threshold)
        let start = random.startIndex
        for i in 0..<randomShareCount {
            let value = Array(random[(start + i * length)..<(start + (i + 1) * length)])
            shares.append(ShamirShare(index: UInt8(i), value: value))
            baseXs.append(UInt8(i))
            baseValues.append(value)
        }
        baseXs.append(digestIndex)
        baseValues.append(digestShare(secret: secret, r: random[(start + randomShareCount * length)...]))
        baseXs.append(secretIndex)
        baseValues.append(secret)

        let targets = (randomShareCount..<shareCount).map { UInt8($0) }
        let interpolated = GF256.interpolate(xs: baseXs, values: baseValues, targets: targets, length: length)
        for (x, value) in zip(targets, interpolated) {
            shares.append(ShamirShare(index: x, value: value))
        }
        return shares
    }

    /// Checks what every reconstruction needs and returns the common value length.
    private static func validateShares(_ shares: [ShamirShare], threshold: Int) throws(ShamirError) -> Int {
        guard threshold >= 1, threshold <= maxShareCount else {
            throw .thresholdOutOfRange(threshold: threshold, shareCount: maxShareCount)
        }
        guard shares.count <= maxShareCount else { throw .tooManyShares(count: shares.count) }
        guard shares.count >= threshold else { throw .notEnoughShares(count: shares.count, threshold: threshold) }
        let length = shares[0].value.count
        for (position, share) in shares.enumerated() {
            guard share.index != digestIndex, share.index != secretIndex else { throw .reservedIndex(share.index) }
            for earlier in shares[..<position] where earlier.index == share.index {
                throw .duplicateIndex(share.index)
            }
            guard share.value.count == length else { throw .lengthMismatch(expected: length, found: share.value.count) }
        }
        guard length >= minSecretSize else { throw .secretTooShort(length: length) }
        return length
    }

    /// Interpolates the subset's polynomial at 255, 254 and every other share's x; nil when the
    /// digest fails, otherwise the secret and the bit mask of the shares lying on the polynomial.
    private static func evaluate(
        _ shares: [ShamirShare], subset: UInt32, threshold: Int, length: Int
    ) -> (support: UInt32, secret: [UInt8])? {
        var xs: [UInt8] = []
        var values: [[UInt8]] = []
        xs.reserveCapacity(threshold)
        values.reserveCapacity(threshold)
        var targets: [UInt8] = [secretIndex, digestIndex]
        var others: [Int] = []
        for (position, share) in shares.enumerated() {
            if subset & (1 << UInt32(position)) != 0 {
                xs.append(share.index)
                values.append(share.value)
            } else {
                targets.append(share.index)
                others.append(position)
            }
        }
        if threshold == 1 {
            // No digest: the "polynomial" is the constant share value itself.
            targets[0] = xs[0]
            targets[1] = xs[0]
        }
        let evaluated = GF256.interpolate(xs: xs, values: values, targets: targets, length: length)
        if threshold > 1, !digestVerifies(secret: evaluated[0], digestShare: evaluated[1]) { return nil }
        var support = subset
        for (offset, position) in others.enumerated()
        where ConstantTime.equals(evaluated[2 + offset], shares[position].value) {
            support |= 1 << UInt32(position)
        }
        return (support, evaluated[0])
    }

    /// D || R, where D is the first four bytes of HMAC-SHA256(key: R, message: secret).
    private static func digestShare(secret: [UInt8], r: ArraySlice<UInt8>) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: digestSize + r.count) { share, initialized in
            secret.withUnsafeBytes { secret in
                r.withUnsafeBytes { r in writeDigestShare(secret: secret, r: r, into: UnsafeMutableRawPointer(share.baseAddress!)) }
            }
            initialized = digestSize + r.count
        }
    }

    /// Writes D || R (`digestSize` + r.count bytes) at `share`.
    static func writeDigestShare(secret: UnsafeRawBufferPointer, r: UnsafeRawBufferPointer, into share: UnsafeMutableRawPointer) {
        let code = MessageAuthenticator.hmacSHA256(key: r) { hash in hash.update(bufferPointer: secret) }
        code.withUnsafeBytes { code in share.copyMemory(from: code.baseAddress!, byteCount: digestSize) }
        if let rBase = r.baseAddress { (share + digestSize).copyMemory(from: rBase, byteCount: r.count) }
    }

    /// Whether the digest share D || R matches the secret, compared in constant time and
    /// without copying R out of the share.
    private static func digestVerifies(secret: [UInt8], digestShare: [UInt8]) -> Bool {
        secret.withUnsafeBytes { secret in
            digestShare.withUnsafeBytes { share in digestVerifies(secret: secret, digestShare: share) }
        }
    }

    static func digestVerifies(secret: UnsafeRawBufferPointer, digestShare share: UnsafeRawBufferPointer) -> Bool {
        let code = MessageAuthenticator.hmacSHA256(key: UnsafeRawBufferPointer(rebasing: share[digestSize...])) { hash in
            hash.update(bufferPointer: secret)
        }
        return code.withUnsafeBytes { code in
            var difference: UInt8 = 0
            for i in 0..<digestSize { difference |= code[i] ^ share[i] }
            return difference == 0
        }
    }
}
