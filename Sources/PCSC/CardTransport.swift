/// Moves raw APDU bytes to a card and back. `CardConnection` is the PC/SC one; tests use
/// scripted ones to drive the protocol logic (61xx, 6Cxx, fallbacks) byte for byte.
public protocol CardTransport: AnyObject {
    /// The card's answer to reset.
    var atr: [UInt8] { get }
    /// The reader's largest command APDU (bytes), when the reader says; nil when unknown.
    var maxCommandLength: Int? { get }
    func transmit(_ command: [UInt8]) throws(PCSCError) -> [UInt8]
    /// Keeps other programs off the card between begin and end (SCardBeginTransaction).
    func beginTransaction() throws(PCSCError)
    func endTransaction()
}
