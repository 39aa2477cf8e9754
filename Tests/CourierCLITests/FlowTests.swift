import DSKECore
import Foundation
import Testing

/// The whole courier flow through real processes: enrol, issue onto a mounted stick image,
/// import at the client and at the hub (both stopped), and the two stores then hold the same
/// PSRD byte for byte.
@Suite struct FlowTests {
    @Test func ext4StickFillsBothPoolsWithTheSameBytes() async throws {
        let work = try Workspace()
        let stick = try Stick(kind: .ext4, size: "16M", in: work.directory)
        let key = try work.enrol("carol", at: "hank")
        let bundle = try work.issue("hank", "carol", to: stick.mountPoint, size: "512KiB")
        #expect(Workspace.files(in: stick.mountPoint).partials.isEmpty)
        #expect(Workspace.files(in: work.inbox("hank")).bundles == [(bundle as NSString).lastPathComponent])

        let client = try work.courier("import", "--from", stick.mountPoint, "--node", "carol", "--key-file", key)
        #expect(client.succeeded, "\(client)")
        let hub = try work.courier("import", "--node", "hank")
        #expect(hub.succeeded, "\(hub)")
        // The hub's inbox copy can never be imported again: it is wiped once imported.
        #expect(Workspace.files(in: work.inbox("hank")).bundles.isEmpty)

        let clientLevels = try await work.levels("carol", role: .client)
        let hubLevels = try await work.levels("hank", role: .hub)
        // Half client-owned, half hub-owned, in 64 KiB blocks; same blocks on both sides.
        #expect(clientLevels.map(\.owner) == [.client, .hub])
        #expect(clientLevels.map(\.totalBytes) == [256 << 10, 256 << 10])
        #expect(clientLevels.map(\.blocks) == [4, 4])
        #expect(hubLevels.map(\.totalBytes) == clientLevels.map(\.totalBytes))
        #expect(hubLevels.map(\.peer) == ["carol", "carol"] && clientLevels.map(\.peer) == ["hank", "hank"])
        #expect(try await work.comparePools(client: "carol", hub: "hank") == 512 << 10)
    }

    @Test func vfatStickThroughFUSEWhereRenameNoReplaceIsRefused() async throws {
        let work = try Workspace()
        let stick = try Stick(kind: .vfat, size: "16M", in: work.directory)
        let key = try work.enrol("carol", at: "hank")
        _ = try work.issue("hank", "carol", to: stick.mountPoint, size: "300KiB")
        #expect(Workspace.files(in: stick.mountPoint).bundles.count == 1)
        #expect(Workspace.files(in: stick.mountPoint).partials.isEmpty)

        // The stick is pulled and read elsewhere with mtools alone: the bundle is whole.
        stick.unmount()
        let listing = try Command.run(Command.usbScript("vfat-image.sh"), ["ls", stick.image])
        let name = try #require(listing.stdout.split(separator: "\n").map { ($0 as Substring).split(separator: "/").last.map(String.init) ?? "" }
            .first { $0.hasSuffix(".dskb") }, "\(listing)")
        let copied = work.path("copied")
        try FileManager.default.createDirectory(atPath: copied, withIntermediateDirectories: true)
        let get = try Command.run(Command.usbScript("vfat-image.sh"), ["get", stick.image, name, copied + "/" + name])
        try #require(get.succeeded, "\(get)")
        let verify = try work.courier("verify", "--from", copied, "--key-file", key)
        #expect(verify.succeeded, "\(verify)")

        #expect(try work.courier("import", "--from", copied, "--node", "carol", "--key-file", key, "--wipe").succeeded)
        #expect(Workspace.files(in: copied).bundles.isEmpty, "--wipe leaves the bundle")
        #expect(try work.courier("import", "--node", "hank").succeeded)
        #expect(try await work.comparePools(client: "carol", hub: "hank") == 300 << 10)
    }

    @Test func listShowsHeaderFactsAndNoSecrets() throws {
        let work = try Workspace()
        let stick = work.path("plain")
        try FileManager.default.createDirectory(atPath: stick, withIntermediateDirectories: true)
        let key = try work.enrol("carol", at: "hank")
        let bundle = try work.issue("hank", "carol", to: stick)
        let list = try work.courier("list", "--from", stick)
        #expect(list.succeeded)
        let id = ((bundle as NSString).lastPathComponent as NSString).deletingPathExtension
        #expect(list.stdout.contains(id) && list.stdout.contains("client carol") && list.stdout.contains("hank/carol"))
        #expect(list.stdout.contains("256.0 KiB") && list.stdout.contains("os:getrandom"))
        let keyLine = try String(contentsOfFile: key, encoding: .utf8)
        let secret = String(try #require(keyLine.split(separator: " ").last)).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!list.stdout.contains(secret) && !list.stderr.contains(secret))
        let inbox = try work.courier("list", "--node", "hank")
        #expect(inbox.succeeded && inbox.stdout.contains("hub hank"))
    }

    @Test func importIntoTwoClientsFromOneStick() async throws {
        let work = try Workspace()
        let stick = work.path("plain")
        try FileManager.default.createDirectory(atPath: stick, withIntermediateDirectories: true)
        let carol = try work.enrol("carol", at: "hank")
        let dave = try work.enrol("dave", at: "hank")
        _ = try work.issue("hank", "carol", to: stick)
        _ = try work.issue("hank", "dave", to: stick)
        // A directory import takes only the bundles addressed to the node.
        #expect(try work.courier("import", "--from", stick, "--node", "carol", "--key-file", carol, "--wipe").succeeded)
        #expect(Workspace.files(in: stick).bundles.count == 1)
        #expect(try work.courier("import", "--from", stick, "--node", "dave", "--key-file", dave).succeeded)
        #expect(try work.courier("import", "--node", "hank").succeeded)
        #expect(try await work.comparePools(client: "carol", hub: "hank") == 256 << 10)
        #expect(try await work.comparePools(client: "dave", hub: "hank") == 256 << 10)
    }
}
