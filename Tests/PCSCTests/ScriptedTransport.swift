@testable import PCSC

/// A transport that answers from a script: each expected command (bytes) with its reply. It
/// records what it was sent, so tests check the APDUs byte for byte.
final class ScriptedTransport: CardTransport {
    var atr: [UInt8]
    var maxCommandLength: Int?
    private var script: [(expect: [UInt8]?, reply: [UInt8])]
    private(set) var sent: [[UInt8]] = []

    init(atr: [UInt8] = [0x3B, 0x00], script: [(expect: [UInt8]?, reply: [UInt8])]) {
        self.atr = atr
        self.script = script
    }

    func transmit(_ command: [UInt8]) throws(PCSCError) -> [UInt8] {
        sent.append(command)
        guard !script.isEmpty else { throw .malformedResponse("script exhausted at \(hexString(command))") }
        let step = script.removeFirst()
        if let expect = step.expect, expect != command {
            throw .malformedResponse("expected \(hexString(expect)), got \(hexString(command))")
        }
        return step.reply
    }

    func beginTransaction() throws(PCSCError) {}
    func endTransaction() {}

    var finished: Bool { script.isEmpty }
}

func hexString(_ bytes: [UInt8]) -> String {
    bytes.map { String(format2: $0) }.joined(separator: " ")
}

func bytes(_ hex: String) -> [UInt8] {
    let digits = hex.filter { !$0.isWhitespace }
    var out: [UInt8] = []
    var index = digits.startIndex
    while index < digits.endIndex {
        let next = digits.index(index, offsetBy: 2)
        out.append(UInt8(digits[index..<next], radix: 16)!)
        index = next
    }
    return out
}
