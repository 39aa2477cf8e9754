/// A message body of the DSKE or ETSI GS QKD 014 wire protocols.
///
/// Conformers hold only strings, integers, booleans, arrays, and `JSONValue`s, so encoding them
/// cannot fail; that is what lets `WireCoding.encode` be non-throwing.
public protocol WireMessage: Codable, Sendable {}

extension JSONValue: WireMessage {}
extension JSONObject: WireMessage {}
extension Allocation: WireMessage {}
extension Fragment: WireMessage {}
