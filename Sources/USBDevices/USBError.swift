/// A libusb failure, with libusb's own name for the error.
public enum USBError: Error, Equatable, Sendable {
    case initFailed(code: Int32, name: String)
    case listFailed(code: Int32, name: String)
}

extension USBError: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .initFailed(code, name): "libusb could not start: \(name) (\(code))"
        case let .listFailed(code, name): "libusb could not list USB devices: \(name) (\(code))"
        }
    }
}
