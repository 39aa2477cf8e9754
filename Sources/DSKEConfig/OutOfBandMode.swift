/// How PSRD and registrations reach the nodes.
public enum OutOfBandMode: String, Sendable, Hashable, CaseIterable {
    /// The reference's simulation: registration and PSRD blocks over `/dske/oob/v1/` endpoints.
    case http
    /// Those endpoints do not exist; clients are enrolled and PSRD arrives in sealed bundles.
    case courier
}
