import DSKECore

/// One key request's share message to one hub, as it waits in a `ShareMessageQueue`.
protocol QueuedShareWork: Sendable {
    associatedtype Outcome: Sendable
    /// Keys (and so shares) the message carries.
    var keyCount: Int { get }
    /// PSRD the message's pads take, in bytes.
    var padBytes: Int { get }
    /// The outcome when every key of the work failed with `failure`.
    func failed(_ failure: HubFailure) -> Outcome
}

/// The share messages of concurrent key requests to one hub. At most `limit` messages are in
/// flight; work that arrives meanwhile waits, and the next message carries all the waiting work
/// that fits one multi message. One request alone never waits (its message leaves at once, as
/// before), while many at once share fewer exchanges: an HTTP exchange costs far more CPU than
/// the shares it carries.
///
/// A class so that one generic routine serves both of a `PeerHub`'s queues; only its actor
/// touches it.
final class ShareMessageQueue<Work: QueuedShareWork> {
    typealias Waiting = (work: Work, continuation: CheckedContinuation<Work.Outcome, Never>)

    /// Messages in flight to the hub at once, per queue. One gathers the most work per message:
    /// with eight encryptor pairs at once it cut the hub messages per key pair from 10 to 6.7,
    /// against 8.6 with two in flight (`dske-bench network`, docs/performance.md). Nothing waits
    /// longer than the message ahead of it.
    static var limit: Int { 1 }

    private(set) var inFlight = 0
    private var waiting: [Waiting] = []

    /// Whether a message may leave now without overtaking waiting work.
    var canSendNow: Bool { inFlight < Self.limit && waiting.isEmpty }

    /// Work waiting for a message.
    var waitingCount: Int { waiting.count }

    /// Counts a message that leaves now.
    func enter() { inFlight += 1 }

    /// Counts a message whose answer came (or failed).
    func leave() { inFlight -= 1 }

    func wait(_ work: Work, _ continuation: CheckedContinuation<Work.Outcome, Never>) {
        waiting.append((work, continuation))
    }

    /// The next message's work, counted as in flight, when one may leave: the oldest waiting work
    /// and all that follows it within the limits of one multi message.
    func nextGroup() -> [Waiting]? {
        guard inFlight < Self.limit, !waiting.isEmpty else { return nil }
        let count = Self.leadingGroupCount(waiting.lazy.map { $0.work })
        let group = Array(waiting.prefix(count))
        waiting.removeFirst(count)
        inFlight += 1
        return group
    }

    /// How many of `works`, from the first, one multi message carries: the first always (alone,
    /// it is a plain batch message), then as many as fit `KeyShareMulti.maxMessages`,
    /// `KeyShareBatch.maxCount` keys and `ETSILimits.maxBytesPerMessage` of pads.
    static func leadingGroupCount(_ works: some Sequence<Work>) -> Int {
        var count = 0, keys = 0, bytes = 0
        for work in works {
            let fits = count < KeyShareMulti.maxMessages && keys + work.keyCount <= KeyShareBatch.maxCount
                && bytes + work.padBytes <= ETSILimits.maxBytesPerMessage
            guard fits || count == 0 else { break }
            count += 1
            keys += work.keyCount
            bytes += work.padBytes
        }
        return count
    }
}
