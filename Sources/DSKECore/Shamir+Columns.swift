/// Shamir sharing of a batch of secrets of one length L at once, by column: column x holds
/// share x of secret i at bytes i*L..<(i+1)*L, which is how a batch travels to and from one hub.
/// Each byte position is its own polynomial, so the Lagrange coefficients (which depend on x
/// coordinates only) serve the whole batch, and a batch costs a buffer per share index instead of
/// an array per share. The bytes are those of `split(secrets:)` and `robustReconstruct`.
extension Shamir {
    /// Splits `secrets`, all of one length, into `shareCount` columns: what
    /// `split(secrets:shareCount:threshold:)` would give with the same randomness, share x of
    /// secret i being bytes i*L..<(i+1)*L of column x. No secrets give empty columns.
    public static func splitColumns(secrets: [[UInt8]], shareCount: Int, threshold: Int) throws(ShamirError) -> [[UInt8]] {
        let length = secrets.first?.count ?? minSecretSize
        try validateSplit(secretLength: length, shareCount: shareCount, threshold: threshold)
        for secret in secrets where secret.count != length {
            throw .lengthMismatch(expected: length, found: secret.count)
        }
        let random = SecureRandom.bytes(secrets.count * randomByteCount(secretLength: length, threshold: threshold))
        defer { SecretBytes.wipe(random) }
        return random.withUnsafeBytes { random in
            splitColumnsValidated(secrets: secrets, length: length, shareCount: shareCount, threshold: threshold, random: random)
        }
    }

    /// `splitColumns` after validation, with randomness laid out as `split(secrets:)` draws it:
    /// each secret's `randomByteCount` bytes in turn.
    static func splitColumnsValidated(
        secrets: [[UInt8]], length: Int, shareCount: Int, threshold: Int, random: UnsafeRawBufferPointer
    ) -> [[UInt8]] {
        let columnSize = secrets.count * length
        guard columnSize > 0 else { return Array(repeating: [], count: shareCount) }
        if threshold == 1 {
            // A copy each: a column may be padded in place or wiped.
            return (0..<shareCount).map { _ in concatenated(secrets, length: length) }
        }
        let randomShareCount = threshold - 2
        let perKey = randomByteCount(secretLength: length, threshold: threshold)
        // The k base columns, one after the other: random shares x = 0...k-3, digest shares
        // (x = 254), secrets (x = 255).
        return withHeapScratch(of: UInt8.self, capacity: threshold * columnSize) { scratch in
            let nodes = UnsafeMutableRawPointer(scratch.baseAddress.unsafelyUnwrapped)
            defer { scratch.update(repeating: 0) }
            let randomBase = random.baseAddress
            let digests = nodes + randomShareCount * columnSize
            let secretColumn = digests + columnSize
            for (i, secret) in secrets.enumerated() {
                let own = randomBase.map { $0 + i * perKey }
                for x in 0..<randomShareCount {
                    (nodes + (x * columnSize + i * length)).copyMemory(from: own.unsafelyUnwrapped + x * length, byteCount: length)
                }
                secret.withUnsafeBytes { secret in
                    (secretColumn + i * length).copyMemory(from: secret.baseAddress.unsafelyUnwrapped, byteCount: length)
                    let r = UnsafeRawBufferPointer(start: own.map { $0 + randomShareCount * length }, count: length - digestSize)
                    writeDigestShare(secret: secret, r: r, into: digests + i * length)
                }
            }
            var xs = (0..<randomShareCount).map { UInt8($0) }
            xs += [digestIndex, secretIndex]
            let targets = (randomShareCount..<shareCount).map { UInt8($0) }
            var columns = (0..<randomShareCount).map { x in
                Array(UnsafeRawBufferPointer(start: nodes + x * columnSize, count: columnSize))
            }
            columns += evaluate(nodes: UnsafeRawPointer(nodes), xs: xs, columnSize: columnSize, at: targets)
            return columns
        }
    }

    /// Rebuilds a batch of keys from columns of shares (one per hub; `columns[j]` holds share
    /// `indices[j]` of every key, L bytes each), as `robustReconstruct` does when nothing is
    /// wrong: the polynomial of the first `threshold` columns, one set of coefficients for the
    /// whole batch. Key i is accepted when its digest verifies and every other column's share
    /// lies on that polynomial (checked in constant time); `robustReconstruct` then returns the
    /// same secret with no share inconsistent. The secrets come back laid out as the columns;
    /// those of keys not accepted are zeros and need `robustReconstruct` on their own shares.
    public static func reconstructColumns(
        indices: [UInt8], columns: [[UInt8]], length: Int, threshold: Int
    ) throws(ShamirError) -> (secrets: [UInt8], accepted: [Bool]) {
        guard threshold >= 1, threshold <= maxShareCount else {
            throw .thresholdOutOfRange(threshold: threshold, shareCount: maxShareCount)
        }
        guard columns.count == indices.count, columns.count <= maxShareCount else { throw .tooManyShares(count: columns.count) }
        guard columns.count >= threshold else { throw .notEnoughShares(count: columns.count, threshold: threshold) }
        guard length >= minSecretSize else { throw .secretTooShort(length: length) }
        let columnSize = columns[0].count
        for (position, index) in indices.enumerated() {
            guard index != digestIndex, index != secretIndex else { throw .reservedIndex(index) }
            guard !indices[..<position].contains(index) else { throw .duplicateIndex(index) }
            guard columns[position].count == columnSize, columnSize % length == 0 else {
                throw .lengthMismatch(expected: columnSize, found: columns[position].count)
            }
        }
        let keyCount = columnSize / length
        guard keyCount > 0 else { return ([], []) }
        let nodeCount = threshold == 1 ? 1 : threshold
        let others = Array(indices[nodeCount...])
        // The nodes and the evaluations at 255, 254 and each other column's x, as one buffer.
        let targets = threshold == 1 ? others : [secretIndex, digestIndex] + others
        return withHeapScratch(of: UInt8.self, capacity: (nodeCount + targets.count) * columnSize) { scratch in
            let nodes = UnsafeMutableRawPointer(scratch.baseAddress.unsafelyUnwrapped)
            defer { scratch.update(repeating: 0) }
            for j in 0..<nodeCount {
                columns[j].withUnsafeBytes { (nodes + j * columnSize).copyMemory(from: $0.baseAddress.unsafelyUnwrapped, byteCount: columnSize) }
            }
            let evaluated = nodes + nodeCount * columnSize
            if threshold > 1 {
                evaluate(nodes: UnsafeRawPointer(nodes), xs: Array(indices[..<nodeCount]), columnSize: columnSize,
                         at: targets, into: evaluated)
            } else {
                // The "polynomial" is the first share itself; every other share must equal it.
                for t in 0..<targets.count { (evaluated + t * columnSize).copyMemory(from: nodes, byteCount: columnSize) }
            }
            let secretColumn = threshold > 1 ? UnsafeRawPointer(evaluated) : UnsafeRawPointer(nodes)
            let firstOther = threshold > 1 ? 2 : 0
            // Per key, the OR of the differences between each other share and the polynomial.
            var differences = [UInt8](repeating: 0, count: keyCount)
            for (t, j) in zip(firstOther..., nodeCount..<columns.count) {
                let expected = evaluated + t * columnSize
                columns[j].withUnsafeBytes { share in
                    for i in 0..<keyCount {
                        var difference: UInt8 = 0
                        for b in (i * length)..<((i + 1) * length) {
                            difference |= share[b] ^ expected.load(fromByteOffset: b, as: UInt8.self)
                        }
                        differences[i] |= difference
                    }
                }
            }
            var accepted = [Bool](repeating: false, count: keyCount)
            var secrets = [UInt8](repeating: 0, count: columnSize)
            secrets.withUnsafeMutableBytes { secrets in
                for i in 0..<keyCount {
                    let offset = i * length
                    var verifies = differences[i] == 0
                    if threshold > 1 {
                        let secret = UnsafeRawBufferPointer(start: secretColumn + offset, count: length)
                        let digest = UnsafeRawBufferPointer(start: evaluated + columnSize + offset, count: length)
                        verifies = digestVerifies(secret: secret, digestShare: digest) && verifies
                    }
                    guard verifies else { continue }
                    accepted[i] = true
                    (secrets.baseAddress.unsafelyUnwrapped + offset).copyMemory(from: secretColumn + offset, byteCount: length)
                }
            }
            return (secrets, accepted)
        }
    }

    // MARK: - Internals

    /// The polynomials through the columns at `nodes` (x = xs[j] for the j-th, each
    /// `columnSize` bytes), evaluated at each target into a new column.
    private static func evaluate(nodes: UnsafeRawPointer, xs: [UInt8], columnSize: Int, at targets: [UInt8]) -> [[UInt8]] {
        withCoefficients(xs: xs, targets: targets) { coefficients in
            (0..<targets.count).map { row in
                [UInt8](unsafeUninitializedCapacity: columnSize) { output, initialized in
                    if columnSize > 0 {
                        GF256.combine(nodes: nodes, stride: columnSize, nodeCount: xs.count, count: columnSize,
                                      coefficients: coefficients + row * xs.count,
                                      into: UnsafeMutableRawPointer(output.baseAddress.unsafelyUnwrapped))
                    }
                    initialized = columnSize
                }
            }
        }
    }

    /// `evaluate` into consecutive columns at `output`.
    private static func evaluate(nodes: UnsafeRawPointer, xs: [UInt8], columnSize: Int, at targets: [UInt8],
                                 into output: UnsafeMutableRawPointer) {
        withCoefficients(xs: xs, targets: targets) { coefficients in
            for row in 0..<targets.count {
                GF256.combine(nodes: nodes, stride: columnSize, nodeCount: xs.count, count: columnSize,
                              coefficients: coefficients + row * xs.count, into: output + row * columnSize)
            }
        }
    }

    private static func withCoefficients<R>(xs: [UInt8], targets: [UInt8], _ body: (UnsafePointer<UInt8>) -> R) -> R {
        withHeapScratch(of: UInt8.self, capacity: max(1, targets.count * xs.count)) { coefficients in
            GF256.lagrangeCoefficients(xs: xs, targets: targets, into: coefficients)
            return body(UnsafePointer(coefficients.baseAddress.unsafelyUnwrapped))
        }
    }

    /// The secrets one after the other.
    private static func concatenated(_ secrets: [[UInt8]], length: Int) -> [UInt8] {
        var column: [UInt8] = []
        column.reserveCapacity(secrets.count * length)
        for secret in secrets { column.append(contentsOf: secret) }
        return column
    }
}
