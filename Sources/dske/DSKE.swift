import ArgumentParser

/// `dske`: runs the nodes of a DSKE network, manages a whole topology, and asks for keys the way
/// encryptors (SAEs) do over ETSI GS QKD 014. docs/user-guide.md is the manual.
@main
struct DSKE: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dske",
        abstract: "Run and manage a DSKE network: hubs, clients (KMEs) and key requests.",
        discussion: """
            The network is described by a configuration file (default ./dske-config.yaml): its \
            hubs, its clients (KMEs) with their encryptors (SAEs), ports, data and run directories.

            EXIT STATUS
              0   success
              1   failure: a node did not start or stop, a KME or hub answered an error, a node \
            could not be reached
              2   configuration error: the file is missing or invalid, or a name given on the \
            command line is not in it
              3   get-key-pair: the two KMEs delivered different keys
              4   status: at least one selected node is not running
              64  command-line usage error
            Every error is one line on stderr, starting with "dske: ".
            """,
        version: "0.1.0",
        subcommands: [
            NodeCommand.self, StartCommand.self, StopCommand.self, StatusCommand.self,
            GetKeyCommand.self, GetKeyWithIDsCommand.self, GetKeyPairCommand.self, PKICommand.self, DemoCommand.self,
        ]
    )
}
