import DSKEService
import Hummingbird

/// Query parsing shared by the ETSI and SKIP interfaces, each of which words its own 400.
enum ETSIQueryValues {
    /// The request's query parameters, or the reason they are malformed.
    static func parameters(_ request: Request) -> Result<QueryParameters, ServiceError> {
        do {
            return .success(try QueryParameters(query: request.uri.query))
        } catch {
            return .failure(error)
        }
    }

    /// `name` as plain decimal digits, at most `digits` of them: `.success(nil)` when absent,
    /// `.failure` when present but not such a number (signs, exponents, spaces, too long).
    static func decimal(_ query: QueryParameters, _ name: String, digits: Int) -> Result<Int?, NotDecimal> {
        guard let text = query[name] else { return .success(nil) }
        guard !text.isEmpty, text.utf8.count <= digits, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = Int(text) else {
            return .failure(NotDecimal())
        }
        return .success(value)
    }

    struct NotDecimal: Error {}
}
