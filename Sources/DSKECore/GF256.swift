/// Arithmetic in GF(2^8) with the reduction polynomial x^8 + x^4 + x^3 + x + 1 (0x11B): the field
/// of SLIP-0039, of draft-mcgrew-tss and of the reference's Shamir code, so shares interoperate.
///
/// Share and secret bytes are secrets, so nothing that touches them branches on a value or
/// indexes a table with one: they only flow through `timesX` and the AND/XOR kernel of
/// `combine` (under `interpolate`), eight bytes at a time in a `UInt64` ("SIMD within a
/// register"). The log/exp tables below are indexed by x coordinates only: share indices, which are public (they travel
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
                withHeapScratch(of: Int.self, capacity: nodeCount) { logDenominator in
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
        return withHeapScratch(of: UInt8.self, capacity: targets.count * nodeCount + nodeCount * length) { scratch in
            let coefficients = UnsafeMutableBufferPointer(rebasing: scratch[..<(targets.count * nodeCount)])
            lagrangeCoefficients(xs: xs, targets: targets, into: coefficients)
            // The values one after the other, as `combine` reads its nodes.
            let nodes = UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: scratch[(targets.count * nodeCount)...]))
            for i in 0..<nodeCount {
                values[i].withUnsafeBytes { value in
                    UnsafeMutableRawBufferPointer(rebasing: nodes[(i * length)..<((i + 1) * length)]).copyMemory(from: value)
                }
            }
            defer { nodes.initializeMemory(as: UInt8.self, repeating: 0) }
            return (0..<targets.count).map { row in
                [UInt8](unsafeUninitializedCapacity: length) { output, initialized in
                    combine(nodes: UnsafeRawPointer(nodes.baseAddress.unsafelyUnwrapped), stride: length, nodeCount: nodeCount,
                            count: length, coefficients: UnsafePointer(coefficients.baseAddress.unsafelyUnwrapped + row * nodeCount),
                            into: UnsafeMutableRawPointer(output.baseAddress.unsafelyUnwrapped))
                    initialized = length
                }
            }
        }
    }

    /// The linear combination of nodes that `lagrangeCoefficients` rows describe, over a run of
    /// bytes: out[p] = the sum over i of coefficients[i] * (byte p of node i), for p in 0..<count,
    /// node i's bytes starting at nodes + i * stride. Every byte position is its own polynomial,
    /// so one call evaluates a whole batch of secrets laid end to end (`Shamir.splitColumns`).
    static func combine(nodes: UnsafeRawPointer, stride: Int, nodeCount: Int, count: Int,
                        coefficients: UnsafePointer<UInt8>, into out: UnsafeMutableRawPointer) {
        // masks[b * nodeCount + i] is all ones when bit b of the coefficient of node i is set, so
        // the loop below is the same sequence of AND and XOR whatever the coefficients; words
        // holds the current eight bytes of each node.
        withHeapScratch(of: UInt64.self, capacity: 9 * nodeCount) { scratch in
            defer { scratch.update(repeating: 0) }  // the words were secret bytes
            let masks = scratch.baseAddress.unsafelyUnwrapped
            let words = masks + 8 * nodeCount
            for i in 0..<nodeCount {
                let coefficient = UInt64(coefficients[i])
                for bit in 0..<8 { masks[bit * nodeCount + i] = 0 &- ((coefficient >> UInt64(bit)) & 1) }
            }
            var offset = 0
            while offset < count {
                let width = min(8, count &- offset)
                for i in 0..<nodeCount { words[i] = loadWord(nodes + (i &* stride &+ offset), width: width) }
                // Horner in x over the coefficient bits: the sum over b of x^b times the XOR of
                // the nodes whose coefficient has bit b set.
                var sum: UInt64 = 0
                var bit = 7
                while bit >= 0 {
                    let maskRow = masks + bit &* nodeCount
                    var terms: UInt64 = 0
                    for i in 0..<nodeCount { terms ^= words[i] & maskRow[i] }
                    sum = timesX(sum) ^ terms
                    bit &-= 1
                }
                storeWord(sum, into: out + offset, width: width)
                offset &+= 8
            }
        }
    }

    /// Reads `width` (1...8) bytes in native order; lanes past them read as zero.
    @inline(__always)
    private static func loadWord(_ bytes: UnsafeRawPointer, width: Int) -> UInt64 {
        if width == 8 { return bytes.loadUnaligned(as: UInt64.self) }
        var word: UInt64 = 0
        withUnsafeMutableBytes(of: &word) { lanes in
            for i in 0..<width { lanes[i] = bytes.load(fromByteOffset: i, as: UInt8.self) }
        }
        return word
    }

    /// Writes the first `width` lanes of the word back in the order `loadWord` read them.
    @inline(__always)
    private static func storeWord(_ word: UInt64, into bytes: UnsafeMutableRawPointer, width: Int) {
        if width == 8 {
            bytes.storeBytes(of: word, as: UInt64.self)
            return
        }
        withUnsafeBytes(of: word) { lanes in
            for i in 0..<width { bytes.storeBytes(of: lanes[i], toByteOffset: i, as: UInt8.self) }
        }
    }
}
