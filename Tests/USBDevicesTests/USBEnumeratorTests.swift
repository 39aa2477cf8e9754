import Testing
@testable import USBDevices

@Suite struct USBEnumeratorTests {
    @Test func enumerationReturnsWithoutError() throws {
        let devices = try USBEnumerator.devices()
        // Whatever the machine has, every device has a port path on its bus.
        for device in devices {
            #expect(device.port.hasPrefix("\(device.bus)-") || device.port == "usb\(device.bus)")
        }
        let report = DevicesReport.gather()
        #expect(report.usbError == nil)
        #expect(report.usbBusPresent == !devices.isEmpty)
        if devices.isEmpty {
            #expect(report.notes.contains("no USB bus on this machine: libusb lists no USB devices"))
        }
    }

    @Test func classesAreFlagged() {
        let stick = USBDevice(bus: 1, address: 4, port: "1-2", vendorID: 0x0781, productID: 0x5583,
                              deviceClass: 0x00, interfaceClasses: [0x08])
        #expect(stick.isMassStorage && !stick.isCCID)
        #expect(stick.id == "0781:5583")
        #expect(stick.className == "mass storage")
        let reader = USBDevice(bus: 1, address: 5, port: "1-3", vendorID: 0x076B, productID: 0x3021,
                               deviceClass: 0x00, interfaceClasses: [0x0B])
        #expect(reader.isCCID && !reader.isMassStorage)
        let token = USBDevice(bus: 1, address: 6, port: "1-4", vendorID: 0x1050, productID: 0x0407,
                              deviceClass: 0x00, interfaceClasses: [0x03, 0x0B, 0x03])
        #expect(token.isCCID && token.className == "HID, smart card (CCID)")
        let hub = USBDevice(bus: 1, address: 1, port: "usb1", vendorID: 0x1D6B, productID: 0x0002,
                            deviceClass: 0x09, interfaceClasses: [0x09])
        #expect(hub.isHub && hub.className == "hub")
    }
}
