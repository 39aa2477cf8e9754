import DSKECore

/// What one hub did for this client, for the management status.
struct PeerHubCounters: Sendable {
    /// Share messages sent (one-share or batch POST, GET, fetch): a batch of N keys costs one.
    var shareMessages = 0
    /// Of those, multi messages (`PeerHub+Coalescing`), and the key requests they carried.
    var multiMessages = 0
    var coalescedRequests = 0
    /// Shares this hub relayed that were posted or delivered.
    var sharesPosted = 0
    var sharesFetched = 0
    /// Requests to the hub that failed, for any reason.
    var failures = 0
    /// Shares from this hub that did not lie on the key's polynomial: tampering or corruption.
    var inconsistentShares = 0
    var psrdBlocks = 0
    /// PSRD received per pool (by who allocates from it): with the pool's unused bytes this
    /// gives the bytes used, since only fully used blocks are ever dropped.
    var psrdBytesClientOwned = 0
    var psrdBytesHubOwned = 0

    mutating func addPSRD(_ bytes: Int, owner: PoolOwner) {
        psrdBlocks += 1
        switch owner {
        case .client: psrdBytesClientOwned += bytes
        case .hub: psrdBytesHubOwned += bytes
        }
    }

    var json: JSONObject {
        [
            "share_messages": .number(JSONNumber(shareMessages)),
            "multi_messages": .number(JSONNumber(multiMessages)),
            "coalesced_requests": .number(JSONNumber(coalescedRequests)),
            "shares_posted": .number(JSONNumber(sharesPosted)),
            "shares_fetched": .number(JSONNumber(sharesFetched)),
            "failures": .number(JSONNumber(failures)),
            "inconsistent_shares": .number(JSONNumber(inconsistentShares)),
            "psrd_blocks": .number(JSONNumber(psrdBlocks)),
            "psrd_bytes_client_owned": .number(JSONNumber(psrdBytesClientOwned)),
            "psrd_bytes_hub_owned": .number(JSONNumber(psrdBytesHubOwned)),
        ]
    }
}
