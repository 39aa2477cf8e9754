/// USB devices and removable block devices, for `psrd-courier devices` (PC/SC readers come
/// from the PCSC module). Each part fails on its own: a libusb error leaves the block devices.
public struct DevicesReport: Sendable {
    public var usbDevices: [USBDevice]
    /// Set when libusb itself failed.
    public var usbError: USBError?
    public var removableBlockDevices: [BlockDevice]

    /// libusb lists at least a root hub per bus: an empty list means no USB bus.
    public var usbBusPresent: Bool { !usbDevices.isEmpty }

    /// Plain sentences for what is missing.
    public var notes: [String] {
        var out: [String] = []
        if let usbError {
            out.append("USB: \(usbError)")
        } else if !usbBusPresent {
            out.append("no USB bus on this machine: libusb lists no USB devices")
        }
        if removableBlockDevices.isEmpty {
            out.append("no removable block device (USB stick or disk) is attached")
        }
        return out
    }

    public init(usbDevices: [USBDevice], usbError: USBError?, removableBlockDevices: [BlockDevice]) {
        self.usbDevices = usbDevices
        self.usbError = usbError
        self.removableBlockDevices = removableBlockDevices
    }

    public static func gather(scanner: BlockDeviceScanner = BlockDeviceScanner()) -> DevicesReport {
        var devices: [USBDevice] = []
        var failure: USBError?
        do {
            devices = try USBEnumerator.devices()
        } catch {
            failure = error
        }
        return DevicesReport(usbDevices: devices, usbError: failure, removableBlockDevices: scanner.removableDevices())
    }
}
