/// Arithmetic in GF(2^8) with the reduction polynomial x^8 + x^4 + x^3 + x + 1 (0x11B): the field
/// of SLIP-0039, of draft-mcgrew-tss and of the reference's Shamir code, so shares interoperate.
///
/// Share and secret bytes are secrets, so nothing that touches them branches on a value or
/// indexes a table with one: they only flow through `timesX` and the AND/XOR kernel of
/// `interpolate`, eight bytes at a time in a `UInt64` ("SIMD within a register"). The log/exp
/// tables below are indexed by x coordinates only: share indices, which are public (they travel
/// in clear as `share_index`), and 254 and 255. Computing the Lagrange coefficients from them
/// costs tens of nanoseconds, where constant-time scalar products and a^254 inverses cost about
/// half a microsecond per reconstruction.
enum GF256 {
    /// Carry-less product reduced by 0x11B, without branches or lookups.
    @inline(__always)
    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        var a = a
        var b = b
        var product: UInt8 = 0
        for _ in 0..<8 {
            product ^= a & (0 &- (b & 1))
            a = (a << 1) ^ (0x1B & (0 &- (a >> 7)))
            b >>= 1
        }
        return product
    }

    private static let lowSevenBits: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    private static let laneLowBit: UInt64 = 0x0101_0101_0101_0101

    /// Multiplies each of the eight bytes of `lanes` by x (the element 0x02).
    @inline(__always)
    static func timesX(_ lanes: UInt64) -> UInt64 {
        // The overflow bit of each lane, spread to 0x1B within that lane: 0x1B < 0x100 so the
        // multiplication cannot carry into a neighbouring lane.
        let overflow = (lanes >> 7) & laneLowBit
        return ((lanes & lowSevenBits) << 1) ^ (overflow &* 0x1B)
    }

    /// Discrete logarithms to the base 0x03 (a generator), for arithmetic on x coordinates only.
    struct CoordinateTables: Sendable {
        /// exp[i] = 3^i for i in 0..<255.
        let exp: [UInt8]
        /// log[3^i] = i; log[0] is unused.
        let log: [Int]

        init() {
            var exp = [UInt8](repeating: 0, count: 255)
            var log = [Int](repeating: 0, count: 256)
            var power: UInt8 = 1
            for i in 0..<255 {
                exp[i] = power
                log[Int(power)] = i
                power = GF256.multiply(power, 3)
            }
            self.exp = exp
            self.log = log
        }
    }

    static let coordinates = CoordinateTables()

    /// Lagrange basis coefficients: row t, column i is l_i(targets[t]) for the nodes `xs`, so that
    /// f(targets[t]) = sum over i of coefficient[t][i] * f(xs[i]). The nodes must be distinct.
    /// Everything here is derived from x coordinates, which are public.
    static func lagrangeCoefficients(xs: [UInt8], targets: [UInt8], into coefficients: UnsafeMutableBufferPointer<UInt8>) {
        let nodeCount = xs.count
        precondition(coefficients.count >= targets.count * nodeCount)
        coefficients.update(repeating: 0)
        let tables = coordinates
        tables.log.withUnsafeBufferPointer { log in
            tables.exp.withUnsafeBufferPointer { exp in
                withUnsafeTemporaryAllocation(of: Int.self, capacity: nodeCount) { logDenominator in
                    // log of prod over j != i of (x_i - x_j), reduced mod 255.
                    for i in 0..<nodeCount {
                        var sum = 0
                        for j in 0..<nodeCount where j != i { sum += log[Int(xs[i] ^ xs[j])] }
                        logDenominator[i] = sum % 255
                    }
                    for (row, target) in targets.enumerated() {
                        if let node = xs.firstIndex(of: target) {
                            // The target is a node: its value is taken as is.
                            coefficients[row * nodeCount + node] = 1
                            continue
                        }
                        // l_i(t) = prod(t - x_j, all j) / (t - x_i) / prod(x_i - x_j, j != i).
                        var logNumerator = 0
                        for j in 0..<nodeCount { logNumerator += log[Int(target ^ xs[j])] }
                        logNumerator %= 255
                        for i in 0..<nodeCount {
                            let exponent = (logNumerator + 2 * 255 - log[Int(target ^ xs[i])] - logDenominator[i]) % 255
                            coefficients[row * nodeCount + i] = exp[exponent]
                        }
                    }
                }
            }
        }
    }

    /// Evaluates, at every x in `targets`, the polynomial of degree < xs.count through the points
    /// (xs[i], values[i]), byte position by byte position. All values must have `length` bytes
    /// and the xs must be distinct (callers validate both).
    static func interpolate(xs: [UInt8], values: [[UInt8]], targets: [UInt8], length: Int) -> [[UInt8]] {
        let nodeCount = xs.count
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: targets.count * nodeCount) { coefficients in
            lagrangeCoefficients(xs: xs, targets: targets, into: coefficients)
            return interpolate(values: values, coefficients: UnsafeBufferPointer(coefficients),
                               nodeCount: nodeCount, targetCount: targets.count, length: length)
        }
    }

    private static func interpolate(
        values: [[UInt8]], coefficients: UnsafeBufferPointer<UInt8>, nodeCount: Int, targetCount: Int, length: Int
    ) -> [[UInt8]] {
        let wordCount = (length + 7) / 8
        // The inputs as words, word-major: words[w * nodeCount + i] is word w of values[i], so
        // the inner loop below walks both buffers contiguously.
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: nodeCount * wordCount) { words in
            for i in 0..<nodeCount {
                values[i].withUnsafeBytes { bytes in
                    for w in 0..<wordCount { words[w &* nodeCount &+ i] = loadWord(bytes, at: w &* 8) }
                }
            }
            // masks[b * nodeCount + i] is all ones when bit b of the coefficient of node i is set,
            // so the loop below is the same sequence of AND and XOR whatever the coefficients.
            return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 8 * nodeCount) { masks in
                (0..<targetCount).map { row in
                    for i in 0..<nodeCount {
                        let coefficient = UInt64(coefficients[row * nodeCount + i])
                        for bit in 0..<8 { masks[bit * nodeCount + i] = 0 &- ((coefficient >> UInt64(bit)) & 1) }
                    }
                    return [UInt8](unsafeUninitializedCapacity: length) { output, initialized in
                        let out = UnsafeMutableRawBufferPointer(output)
                        for w in 0..<wordCount {
                            let column = words.baseAddress.unsafelyUnwrapped + w &* nodeCount
                            // Horner in x over the coefficient bits: the sum over b of x^b times
                            // the XOR of the values whose coefficient has bit b set.
                            var sum: UInt64 = 0
                            var bit = 7
                            while bit >= 0 {
                                let maskRow = masks.baseAddress.unsafelyUnwrapped + bit &* nodeCount
                                var terms: UInt64 = 0
                                for i in 0..<nodeCount { terms ^= column[i] & maskRow[i] }
                                sum = timesX(sum) ^ terms
                                bit &-= 1
                            }
                            storeWord(sum, into: out, at: w &* 8)
                        }
                        initialized = length
                    }
                }
            }
        }
    }

    /// Reads up to eight bytes at `offset` in native order; bytes past the end read as zero.
    @inline(__always)
    private static func loadWord(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt64 {
        if offset + 8 <= bytes.count {
            return bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        }
        var word: UInt64 = 0
        withUnsafeMutableBytes(of: &word) { lanes in
            for i in 0..<(bytes.count - offset) { lanes[i] = bytes[offset + i] }
        }
        return word
    }

    /// Writes the word back in the order `loadWord` read it, dropping lanes past the end.
    @inline(__always)
    private static func storeWord(_ word: UInt64, into bytes: UnsafeMutableRawBufferPointer, at offset: Int) {
        if offset + 8 <= bytes.count {
            bytes.storeBytes(of: word, toByteOffset: offset, as: UInt64.self)
            return
        }
        withUnsafeBytes(of: word) { lanes in
            for i in 0..<(bytes.count - offset) { bytes[offset + i] = lanes[i] }
        }
    }
}
