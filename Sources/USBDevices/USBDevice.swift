/// One USB device as libusb enumerates it (descriptors only: nothing is opened or claimed).
public struct USBDevice: Codable, Equatable, Sendable {
    public var bus: UInt8
    public var address: UInt8
    /// Port path from the root hub, e.g. "1-2.4" (as in /sys/bus/usb/devices).
    public var port: String
    public var vendorID: UInt16
    public var productID: UInt16
    public var deviceClass: UInt8
    /// Class of each interface of the active (or first) configuration.
    public var interfaceClasses: [UInt8]
    /// Manufacturer and product strings, when the device could be opened to read them.
    public var manufacturer: String?
    public var product: String?

    public init(bus: UInt8, address: UInt8, port: String, vendorID: UInt16, productID: UInt16,
                deviceClass: UInt8, interfaceClasses: [UInt8], manufacturer: String? = nil, product: String? = nil) {
        self.bus = bus
        self.address = address
        self.port = port
        self.vendorID = vendorID
        self.productID = productID
        self.deviceClass = deviceClass
        self.interfaceClasses = interfaceClasses
        self.manufacturer = manufacturer
        self.product = product
    }

    /// Device or interface class 08: a USB stick or disk.
    public var isMassStorage: Bool { has(USBClass.massStorage) }
    /// Device or interface class 0B: a CCID smart-card reader (pcscd drives it).
    public var isCCID: Bool { has(USBClass.smartCard) }
    public var isHub: Bool { deviceClass == USBClass.hub }

    /// "vvvv:pppp", as lsusb prints it.
    public var id: String { hex4(vendorID) + ":" + hex4(productID) }

    /// The class to show: the device's, or the interfaces' when the device defers to them.
    public var className: String {
        if deviceClass != USBClass.perInterface { return USBClass.name(deviceClass) }
        let names = Set(interfaceClasses).sorted().map(USBClass.name)
        return names.isEmpty ? USBClass.name(deviceClass) : names.joined(separator: ", ")
    }

    private func has(_ code: UInt8) -> Bool { deviceClass == code || interfaceClasses.contains(code) }

    private func hex4(_ value: UInt16) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: 4 - text.count) + text
    }

    enum CodingKeys: String, CodingKey {
        case bus, address, port, manufacturer, product
        case vendorID = "vendor_id"
        case productID = "product_id"
        case deviceClass = "device_class"
        case interfaceClasses = "interface_classes"
    }
}
