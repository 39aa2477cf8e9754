/// Arithmetic in GF(2^8) with the reduction polynomial x^8 + x^4 + x^3 + x + 1 (0x11B): the field
/// of SLIP-0039, of draft-mcgrew-tss and of the reference's Shamir code, so shares interoperate.
///
/// Share and secret bytes are secrets, so no operation here branches on a value or indexes a table
/// with one: products are carry-less multiplications built from masks, inverses are
/// exponentiations (a^254). Bulk work runs on eight bytes at once packed in a `UInt64`
/// ("SIMD within a register"), which is what makes a split plus reconstruct take about a
/// microsecond. Only x coordinates, which are public, decide how many times a loop runs.
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

    /// The multiplicative inverse as a^254 (Fermat: a^255 = 1); maps 0 to 0.
    static func inverse(_ a: UInt8) -> UInt8 {
        // 254 = 0b1111_1110: the product of a^2, a^4, ..., a^128.
        var square = multiply(a, a)
        var result = square
        for _ in 0..<6 {
            square = multiply(square, square)
            result = multiply(result, square)
        }
        return result
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

    /// Lagrange basis coefficients: row t, column i is l_i(targets[t]) for the nodes `xs`, so that
    /// f(targets[t]) = sum over i of coefficient[t][i] * f(xs[i]). The nodes must be distinct.
    /// A target equal to a node gets the unit row, so no special case is needed.
    static func lagrangeCoefficients(xs: [UInt8], targets: [UInt8]) -> [UInt8] {
        let nodeCount = xs.count
        var inverseDenominators = [UInt8](repeating: 0, count: nodeCount)
        for i in 0..<nodeCount {
            var denominator: UInt8 = 1
            for j in 0..<nodeCount where j != i {
                denominator = multiply(denominator, xs[i] ^ xs[j])
            }
            inverseDenominators[i] = inverse(denominator)
        }
        var coefficients = [UInt8](repeating: 0, count: targets.count * nodeCount)
        for (row, target) in targets.enumerated() {
            for i in 0..<nodeCount {
                var numerator: UInt8 = 1
                for j in 0..<nodeCount where j != i {
                    numerator = multiply(numerator, target ^ xs[j])
                }
                coefficients[row * nodeCount + i] = multiply(numerator, inverseDenominators[i])
            }
        }
        return coefficients
    }

    /// Words of eight bytes processed per pass; bounds the scratch memory for long secrets.
    private static let chunkWords = 32

    /// Evaluates, at every x in `targets`, the polynomial of degree < xs.count through the points
    /// (xs[i], values[i]), byte position by byte position. All values must have `length` bytes
    /// and the xs must be distinct (callers validate both).
    static func interpolate(xs: [UInt8], values: [[UInt8]], targets: [UInt8], length: Int) -> [[UInt8]] {
        let nodeCount = xs.count
        let targetCount = targets.count
        let coefficients = lagrangeCoefficients(xs: xs, targets: targets)
        var outputs = [[UInt8]](repeating: [], count: targetCount)
        for t in 0..<targetCount {
            outputs[t] = [UInt8](repeating: 0, count: length)
        }
        let wordCount = (length + 7) / 8
        let stride = min(wordCount, chunkWords)
        guard stride > 0 else { return outputs }

        // masks[(t * nodeCount + i) * 8 + b] is all ones when bit b of coefficient (t, i) is set,
        // so the inner loop is a fixed sequence of AND and XOR whatever the coefficients are.
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: targetCount * nodeCount * 8) { masks in
            for index in 0..<(targetCount * nodeCount) {
                let coefficient = UInt64(coefficients[index])
                for bit in 0..<8 {
                    masks[index * 8 + bit] = 0 &- ((coefficient >> UInt64(bit)) & 1)
                }
            }
            // powers[(i * 8 + b) * stride + w] = word w of values[i] times x^b.
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: nodeCount * 8 * stride) { powers in
                var firstWord = 0
                while firstWord < wordCount {
                    let words = min(stride, wordCount - firstWord)
                    for i in 0..<nodeCount {
                        values[i].withUnsafeBytes { bytes in
                            for w in 0..<words {
                                powers[i * 8 * stride + w] = loadWord(bytes, at: (firstWord + w) * 8)
                            }
                        }
                        for b in 1..<8 {
                            let from = (i * 8 + b - 1) * stride
                            let to = from + stride
                            for w in 0..<words {
                                powers[to + w] = timesX(powers[from + w])
                            }
                        }
                    }
                    for t in 0..<targetCount {
                        let maskBase = t * nodeCount * 8
                        outputs[t].withUnsafeMutableBytes { out in
                            for w in 0..<words {
                                var sum: UInt64 = 0
                                for k in 0..<(nodeCount * 8) {
                                    sum ^= powers[k * stride + w] & masks[maskBase + k]
                                }
                                storeWord(sum, into: out, at: (firstWord + w) * 8)
                            }
                        }
                    }
                    firstWord += words
                }
            }
        }
        return outputs
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
