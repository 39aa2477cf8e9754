/// Where the DSKE card application keeps things (docs/smart-cards.md has the table).
public enum DSKECardLayout {
    /// Proprietary AID (category F): F0 "DSKECARD" 01.
    public static let aid: [UInt8] = [0xF0, 0x44, 0x53, 0x4B, 0x45, 0x43, 0x41, 0x52, 0x44, 0x01]
    public static let applicationFID: UInt16 = 0x5000
    /// Identity (JSON), readable without the PIN.
    public static let identityFID: UInt16 = 0x0101
    /// The 32-byte enrolment key, readable after VERIFY only.
    public static let keyFID: UInt16 = 0x0102
    /// The bundle commit record, readable without the PIN.
    public static let commitFID: UInt16 = 0x0110
    /// Bundle slots 1 and 2.
    public static let slotFIDs: [UInt16] = [0x0111, 0x0112]
    public static let pinReference: UInt8 = 0x81
    public static let pukReference: UInt8 = 0x82
    public static let keyLength = 32

    static let publicFile = FileAccess(read: .always, update: .pin, delete: .pin)
    static let secretFile = FileAccess(read: .pin, update: .pin, delete: .pin)
}
