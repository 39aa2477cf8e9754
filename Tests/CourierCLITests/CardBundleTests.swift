import Foundation
import PSRDStore
import Testing

extension CardCLITests {
    @Suite struct Bundles {
        @Test func aBundleIssuedToTheCardImportsFromItAndBothPoolsMatch() async throws {
            try await CardFixture.withCarol { card, workspace, pin in
                let issued = try workspace.issueToCard("24KiB", pinFile: pin, reader: card.reader)
                #expect(issued.succeeded && issued.stdout.contains("on the card in reader \"\(card.reader)\""), "\(issued)")
                #expect(Workspace.files(in: workspace.inbox("hank")).bundles.count == 1)
                let status = try workspace.courier("card", "status", "--json").stdout
                #expect(!status.contains("\"bundle_size\" : 0"), "\(status)")

                let imported = try workspace.courier("import", "--from", "card:", "--node", "carol", "--pin-file", pin, "--wipe")
                #expect(imported.succeeded && imported.stdout.contains("deleted the bundle from the card"), "\(imported)")
                #expect(try workspace.courier("card", "status", "--json").stdout.contains("\"bundle_size\" : 0"))
                let again = try workspace.courier("import", "--from", "card:", "--node", "carol", "--pin-file", pin)
                #expect(again.status == 1 && again.stderr.contains("no bundle on the card"), "\(again)")
                #expect(try workspace.courier("import", "--node", "hank").succeeded)
                #expect(try await workspace.comparePools(client: "carol", hub: "hank") == 24 << 10)
            }
        }

        @Test func aFailedImportLeavesTheBundleOnTheCard() async throws {
            try await CardFixture.withCarol { _, workspace, pin in
                try #require(try workspace.issueToCard("8KiB", pinFile: pin).succeeded)
                // This test process plays the running node carol, unreachable: the import fails.
                let store = try await NodeStore(directory: workspace.dataDirectory("carol"), localRole: .client)
                let refused = try workspace.courier("import", "--from", "card:", "--node", "carol", "--pin-file", pin, "--wipe")
                #expect(refused.status == 1 && refused.stderr.contains("is running"), "\(refused)")
                #expect(!refused.stderr.contains("/psrd-courier-card-"), "the temporary file is named, not the card: \(refused)")
                #expect(await store.levels().isEmpty)
                #expect(workspace.stagingLeftovers("carol").isEmpty)
                try await store.close()
                #expect(!(try workspace.courier("card", "status", "--json").stdout.contains("\"bundle_size\" : 0")),
                        "--wipe deleted a bundle that was not imported")
                let imported = try workspace.courier("import", "--from", "card:", "--node", "carol", "--pin-file", pin, "--wipe")
                #expect(imported.succeeded, "\(imported)")
            }
        }

        @Test func aBundleTooLargeForTheCardSaysHowMuchFitsAndThatSizeFits() async throws {
            try await CardFixture.withCarol(capacity: 16_384) { _, workspace, pin in
                let tooLarge = try workspace.issueToCard("64KiB", pinFile: pin)
                #expect(tooLarge.status == 1, "\(tooLarge)")
                #expect(tooLarge.stderr.contains("the card has room for ") && tooLarge.stderr.contains("bytes of PSRD; use --size "),
                        "\(tooLarge)")
                #expect(Workspace.files(in: workspace.inbox("hank")).bundles.isEmpty, "the hub kept a copy of a bundle never issued")
                let wrongPIN = try workspace.issueToCard("4KiB", pinFile: try workspace.secretFile("wrong", "000000"))
                #expect(wrongPIN.status == 1 && wrongPIN.stderr.contains("wrong PIN, 2 tries left"), "\(wrongPIN)")
                #expect(Workspace.files(in: workspace.inbox("hank")).bundles.isEmpty, "a wrong PIN left a hub copy")
                // The size it names does fit.
                let suggested = try #require(tooLarge.stderr.split(separator: " ").drop { $0 != "--size" }.dropFirst().first)
                let fits = try workspace.issueToCard(String(suggested), pinFile: pin)
                #expect(fits.succeeded, "\(fits)")
            }
        }

        @Test func aCardPulledMidWriteKeepsTheOldBundleWhole() async throws {
            try await CardFixture.withCarol { card, workspace, pin in
                let first = try workspace.issueToCard("8KiB", pinFile: pin)
                try #require(first.succeeded, "\(first)")
                let firstID = try #require(first.stdout.split(separator: " ").dropFirst().first.map(String.init))

                // The card drops off while the new bundle's bytes are being written.
                try card.pull(afterUpdates: 0)
                let pulled = try workspace.issueToCard("16KiB", pinFile: pin, extra: ["--replace"])
                #expect(pulled.status == 1 && pulled.stderr.contains("removed"), "\(pulled)")
                #expect(pulled.stderr.split(separator: "\n").count == 1, "one line: \(pulled.stderr)")
                #expect(Workspace.files(in: workspace.inbox("hank")).bundles == ["\(firstID).dskb"],
                        "the hub's copy of the failed bundle stays behind")
                try card.insert()

                // The card still holds the first bundle, whole: it imports and matches the hub's copy.
                let imported = try workspace.courier("import", "--from", "card:", "--node", "carol", "--pin-file", pin)
                #expect(imported.succeeded && imported.stdout.contains(firstID), "\(imported)")
                #expect(try workspace.courier("import", "--node", "hank").succeeded)
                #expect(try await workspace.comparePools(client: "carol", hub: "hank") == 8 << 10)
            }
        }
    }
}
