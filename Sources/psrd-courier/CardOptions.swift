import ArgumentParser

/// `--reader NAME` and `--pin-file PATH`, shared by every command that talks to the card.
struct CardOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The PC/SC reader holding the card (default: the only reader with a card; see psrd-courier devices).",
                               valueName: "name"))
    var reader: String?

    @Option(name: .customLong("pin-file"),
            help: ArgumentHelp("Read the card's PIN from the first line of this file (mode 0600) instead of asking on the terminal.",
                               valueName: "path"))
    var pinFile: String?
}
