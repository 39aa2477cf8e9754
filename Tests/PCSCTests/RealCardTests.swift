import Crypto
import Foundation
import Testing
@testable import PCSC

/// Tests over the real path: libpcsclite -> pcscd -> vpcd (Debian's reader driver) -> the
/// project's virtual card. They share pcscd and one virtual reader, so they run one at a time;
/// each brings its own card up and down.
@Suite(.serialized) struct RealCardTests {
    static let pin = try! CardPIN("246810")
    static let puk = try! CardPIN("1357913579", kind: .puk)
    static let key = SymmetricKey(data: (0..<32).map { UInt8($0 * 7 & 0xFF) })

    /// A connected DSKECard on the virtual reader.
    static func open(_ card: VirtualCard) throws -> (PCSCContext, DSKECard) {
        let context = try PCSCContext()
        return (context, try DSKECard.connect(context: context, reader: card.reader))
    }

    /// A card enrolled as carol at hank with the fixed PIN and PUK.
    @discardableResult
    static func enrol(_ dske: DSKECard) throws -> CardEnrolment {
        try dske.enrol(node: "carol", role: .client, hub: "hank", key: key, pin: pin, puk: puk)
    }

    static func keyBytes(_ key: SymmetricKey) -> [UInt8] { key.withUnsafeBytes { Array($0) } }
}
