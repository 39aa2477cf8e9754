import DSKECore

/// Event counts for the management status (the manager's status table shows the non-zero ones).
actor HubCounters {
    enum Name: String, CaseIterable {
        case registrations
        case psrdBlocks = "psrd_blocks"
        case psrdBytes = "psrd_bytes"
        case signatureFailures = "signature_failures"
        case rateLimited = "rate_limited"
        case refusedRequests = "refused_requests"
    }

    private var values: [Name: Int] = [:]

    func add(_ name: Name, _ amount: Int = 1) { values[name, default: 0] += amount }

    func snapshot() -> [(String, Int)] { Name.allCases.map { ($0.rawValue, values[$0] ?? 0) } }
}
