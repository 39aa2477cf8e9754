/// USB base classes (usb.org "Defined Class Codes") that matter for the courier, by name.
public enum USBClass {
    public static let perInterface: UInt8 = 0x00
    public static let massStorage: UInt8 = 0x08
    public static let hub: UInt8 = 0x09
    public static let smartCard: UInt8 = 0x0B
    public static let vendorSpecific: UInt8 = 0xFF

    public static func name(_ code: UInt8) -> String {
        switch code {
        case 0x00: "per-interface"
        case 0x01: "audio"
        case 0x02: "communications (CDC)"
        case 0x03: "HID"
        case 0x05: "physical"
        case 0x06: "image"
        case 0x07: "printer"
        case 0x08: "mass storage"
        case 0x09: "hub"
        case 0x0A: "CDC data"
        case 0x0B: "smart card (CCID)"
        case 0x0D: "content security"
        case 0x0E: "video"
        case 0x0F: "personal healthcare"
        case 0x10: "audio/video"
        case 0x11: "billboard"
        case 0xDC: "diagnostic"
        case 0xE0: "wireless controller"
        case 0xEF: "miscellaneous"
        case 0xFE: "application specific"
        case 0xFF: "vendor specific"
        default: "class 0x" + String(code, radix: 16)
        }
    }
}
