/// ETSI GS QKD 014 V1.1.1 Error: `{"message": str, "details"?: [object]}`. Unlike the DSKE
/// `ErrorResponse`, `details` is an array and is omitted when absent.
public struct ETSIErrorResponse: WireMessage, Hashable {
    public var message: String
    public var details: [JSONObject]?

    public init(message: String, details: [JSONObject]? = nil) {
        self.message = message
        self.details = details
    }

    /// The messages the standard fixes for `400` answers.
    public static let sizeNotMultipleOf8 = "size shall be a multiple of 8"
    public static let extensionMandatoryNotSupported = "not all extension_mandatory parameters are supported"
    public static let extensionMandatoryNotMet = "not all extension_mandatory request options could be met"
    public static let keysNotFound = "one or more keys specified are not found on KME"
}
