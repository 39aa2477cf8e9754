import DSKECore
import Foundation

/// A hub's batch answer to one request for `requested` keys, in the form it travelled in:
/// packed, as a list, or nothing (a refused request).
struct ShareAnswer {
    let requested: [UUID]
    let packed: PackedShares?
    let list: [BatchKeyShare]

    init(requested: [UUID], packed: PackedShares? = nil, list: [BatchKeyShare] = []) {
        self.requested = requested
        self.packed = packed
        self.list = list
    }

    /// The answer holds every requested key, packed and in request order: it opens as one column.
    var isWholeColumn: Bool {
        guard let packed else { return false }
        return packed.keyIDs == requested
    }

    /// One object per share (built from the packed form if it is one).
    var shares: [BatchKeyShare] { packed?.shares ?? list }
}
