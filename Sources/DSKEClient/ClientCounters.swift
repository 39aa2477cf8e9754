import DSKECore

/// Event counts of the KME for the management status.
actor ClientCounters {
    enum Name: String, CaseIterable {
        /// Keys made and handed to master SAEs (enc_keys).
        case keysGenerated = "keys_generated"
        /// Keys rebuilt and handed to slave SAEs (dec_keys).
        case keysDelivered = "keys_delivered"
        case encKeysRequests = "enc_keys_requests"
        case decKeysRequests = "dec_keys_requests"
        /// ETSI requests answered with an error.
        case refusedRequests = "refused_requests"
        case scatterFailures = "scatter_failures"
        case gatherFailures = "gather_failures"
        /// Shares found tampered or corrupted (the hubs are named in the log and per hub).
        case inconsistentShares = "inconsistent_shares"
    }

    private var values: [Name: Int] = [:]

    func add(_ name: Name, _ amount: Int = 1) { values[name, default: 0] += amount }

    func value(_ name: Name) -> Int { values[name] ?? 0 }

    var json: JSONObject {
        JSONObject(Name.allCases.map { ($0.rawValue, JSONValue.number(JSONNumber(values[$0] ?? 0))) })
    }
}
