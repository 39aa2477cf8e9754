import ArgumentParser

/// `psrd-courier card`: the smart card itself (docs/smart-cards.md).
struct CardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "card",
        abstract: "Look after a client's smart card: status, PIN change, unblock with the PUK, erase.",
        discussion: """
            A card holds a client's enrolment key (readable only after VERIFY with the PIN), its \
            identity (node, hub, key ID: readable by anyone) and at most one small bundle. \
            `psrd-courier enrol --card` writes it. The PIN allows 3 wrong tries, then it is \
            blocked until `card unblock` sets a new one with the PUK; 3 wrong PUKs block the PUK \
            and only `card erase` is left.
            """,
        subcommands: [CardStatusCommand.self, CardChangePINCommand.self, CardUnblockCommand.self, CardEraseCommand.self]
    )
}
