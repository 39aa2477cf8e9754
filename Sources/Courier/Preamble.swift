import DSKECore

/// The part of a bundle before the payload, split and parsed but not yet authenticated.
struct Preamble {
    let header: BundleHeader
    /// Magic line and header line, newlines included: what the MAC covers.
    let authenticated: [UInt8]
    let mac: [UInt8]
    /// Bytes read past the MAC line: the start of the payload.
    let leftover: [UInt8]

    private static let readSize = 64 * 1024

    static func read(_ input: (UnsafeMutableRawBufferPointer) throws(BundleError) -> Int) throws(BundleError) -> Preamble {
        var bytes: [UInt8] = []
        var ended = false
        /// Reads on until `bytes` holds `count` bytes or the input ends.
        func fill(to count: Int) throws(BundleError) {
            while bytes.count < count && !ended {
                let start = bytes.count
                bytes += [UInt8](repeating: 0, count: readSize)
                let got = try bytes[start...].withUnsafeMutableBytes { buffer in
                    Result { () throws(BundleError) in try input(buffer) }
                }.get()
                bytes.removeLast(readSize - got)
                if got < readSize { ended = true }
            }
        }

        let magic = Array(BundleFormat.magic.utf8), prefix = Array(BundleFormat.magicPrefix.utf8)
        try fill(to: magic.count)
        guard bytes.starts(with: prefix) else { throw .notABundle }
        guard bytes.starts(with: magic) else {
            let version = bytes[prefix.count...].prefix { $0 != 0x0A }.prefix(16)
            let printable = version.allSatisfy { (0x21...0x7E).contains($0) }
            throw .unsupportedVersion(printable ? String(decoding: version, as: UTF8.self) : "?")
        }

        // The header line: find its newline, reading on as far as the size limit allows.
        let headerStart = magic.count
        var searched = headerStart
        var newline: Int?
        while newline == nil {
            newline = bytes[searched...].firstIndex(of: 0x0A)
            if newline != nil { break }
            searched = bytes.count
            if ended || bytes.count - headerStart > BundleFormat.maxHeaderSize { break }
            try fill(to: bytes.count + readSize)
        }
        guard let headerEnd = newline else {
            if ended && bytes.count - headerStart <= BundleFormat.maxHeaderSize {
                throw .malformedHeader("the file ends inside the header (truncated)")
            }
            throw .malformedHeader("the header line is longer than \(BundleFormat.maxHeaderSize) bytes")
        }
        guard headerEnd - headerStart <= BundleFormat.maxHeaderSize else {
            throw .malformedHeader("the header line is longer than \(BundleFormat.maxHeaderSize) bytes")
        }
        let header = try BundleHeader.parse(Array(bytes[headerStart..<headerEnd]))

        let macStart = headerEnd + 1, macEnd = macStart + BundleFormat.macLineSize
        try fill(to: macEnd)
        guard bytes.count >= macEnd else { throw .malformedHeader("the file ends inside the MAC line (truncated)") }
        let line = bytes[macStart..<macEnd]
        guard line.starts(with: Array(BundleFormat.macLinePrefix.utf8)), line.last == 0x0A,
              let mac = StrictBase64.decode(String(decoding: line.dropFirst(4).dropLast(), as: UTF8.self)),
              mac.count == 32
        else { throw .tamperedHeader("the MAC line is not '--- ' and 44 base64 characters") }
        return Preamble(header: header, authenticated: Array(bytes[0..<macStart]), mac: mac,
                        leftover: Array(bytes[macEnd...]))
    }
}
