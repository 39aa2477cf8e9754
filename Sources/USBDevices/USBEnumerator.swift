import CLibUSB

/// USB enumeration through libusb-1.0. On a machine without a USB bus libusb starts and lists
/// nothing; `USBDevicesReport` turns that into a plain sentence.
public enum USBEnumerator {
    /// Every device libusb sees, root hubs included, ordered by bus and address.
    public static func devices() throws(USBError) -> [USBDevice] {
        var context: OpaquePointer?
        let initResult = libusb_init(&context)
        guard initResult == 0 else {
            throw .initFailed(code: initResult, name: String(cString: libusb_error_name(initResult)))
        }
        defer { libusb_exit(context) }
        var list: UnsafeMutablePointer<OpaquePointer?>?
        let count = libusb_get_device_list(context, &list)
        guard count >= 0 else {
            let code = Int32(truncatingIfNeeded: count)
            throw .listFailed(code: code, name: String(cString: libusb_error_name(code)))
        }
        defer { libusb_free_device_list(list, 1) }
        var out: [USBDevice] = []
        for index in 0..<Int(count) {
            guard let device = list?[index] else { continue }
            if let described = describe(device) { out.append(described) }
        }
        return out.sorted { ($0.bus, $0.address) < ($1.bus, $1.address) }
    }

    static func describe(_ device: OpaquePointer) -> USBDevice? {
        var descriptor = libusb_device_descriptor()
        guard libusb_get_device_descriptor(device, &descriptor) == 0 else { return nil }
        let bus = libusb_get_bus_number(device)
        var ports = [UInt8](repeating: 0, count: 8)
        let depth = libusb_get_port_numbers(device, &ports, Int32(ports.count))
        let port = depth > 0 ? "\(bus)-" + ports.prefix(Int(depth)).map(String.init).joined(separator: ".")
            : "usb\(bus)"
        var classes: [UInt8] = []
        var config: UnsafeMutablePointer<libusb_config_descriptor>?
        if libusb_get_active_config_descriptor(device, &config) != 0 {
            _ = libusb_get_config_descriptor(device, 0, &config)
        }
        if let config {
            let interfaces = config.pointee.interface
            for i in 0..<Int(config.pointee.bNumInterfaces) {
                guard let interface = interfaces?[i], interface.num_altsetting > 0,
                      let setting = interface.altsetting else { continue }
                classes.append(setting.pointee.bInterfaceClass)
            }
            libusb_free_config_descriptor(config)
        }
        var manufacturer: String?
        var product: String?
        // Reading strings needs the device open, which needs permission: best effort only.
        var handle: OpaquePointer?
        if libusb_open(device, &handle) == 0, let handle {
            manufacturer = string(handle, descriptor.iManufacturer)
            product = string(handle, descriptor.iProduct)
            libusb_close(handle)
        }
        return USBDevice(bus: bus, address: libusb_get_device_address(device), port: port,
                         vendorID: descriptor.idVendor, productID: descriptor.idProduct,
                         deviceClass: descriptor.bDeviceClass, interfaceClasses: classes,
                         manufacturer: manufacturer, product: product)
    }

    static func string(_ handle: OpaquePointer, _ index: UInt8) -> String? {
        guard index != 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 256)
        let length = libusb_get_string_descriptor_ascii(handle, index, &buffer, Int32(buffer.count))
        guard length > 0 else { return nil }
        return String(decoding: buffer.prefix(Int(length)), as: UTF8.self)
    }
}
