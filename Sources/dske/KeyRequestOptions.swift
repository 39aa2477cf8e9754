import ArgumentParser

/// The options of a Get key request as an encryptor pair makes it: shared by `get-key` and
/// `get-key-pair` so both spell and document them the same way.
struct KeyRequestOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The master (initiating) encryptor's SAE ID.", valueName: "sae"))
    var master: String

    @Option(name: .long, help: ArgumentHelp("The slave (responding) encryptor's SAE ID.", valueName: "sae"))
    var slave: String

    @Option(name: .long, help: ArgumentHelp("Key size in bits, a multiple of 8 (default: the KME's).", valueName: "bits"))
    var size: Int?

    @Option(name: .long, help: ArgumentHelp("Number of keys (default 1).", valueName: "n"))
    var number: Int?

    @Flag(name: .long, help: "Print the ETSI key container as JSON.")
    var json = false

    @OptionGroup(title: "Mutual TLS (KMEs with a tls section)") var tls: TLSClientOptions
}
