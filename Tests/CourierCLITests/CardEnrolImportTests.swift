import Foundation
import Testing

extension CardCLITests {
    @Suite struct EnrolAndImport {
        @Test func aUSBBundleOpensWithTheCardAndBothPoolsMatch() async throws {
            try await CardFixture.with { card in
                let workspace = try Workspace()
                let pin = try workspace.secretFile("pin", CardCLITests.pin)
                let puk = try workspace.enrolCard("carol", at: "hank", pinFile: pin, card: card)
                #expect(puk.count == 12 && puk.allSatisfy(\.isNumber))
                let medium = try workspace.medium()
                _ = try workspace.issue("hank", "carol", to: medium)

                // Without the card there is no key: nothing opens the bundle.
                let noKey = try workspace.courier("import", "--from", medium, "--node", "carol")
                #expect(noKey.status == 2 && noKey.stderr.contains("--card"), "\(noKey)")

                let imported = try workspace.courier("import", "--from", medium, "--node", "carol", "--card",
                                                     "--reader", card.reader, "--pin-file", pin)
                #expect(imported.succeeded, "\(imported)")
                let hub = try workspace.courier("import", "--node", "hank")
                #expect(hub.succeeded, "\(hub)")
                #expect(try await workspace.comparePools(client: "carol", hub: "hank") == 256 << 10)
            }
        }

        @Test func theCardHoldsTheKeyTheHubRecordedAndAnotherToolCannotReadIt() async throws {
            try await CardFixture.with { card in
                let workspace = try Workspace()
                let pin = try workspace.secretFile("pin", CardCLITests.pin)
                let enrol = try workspace.courier("enrol", "--hub", "hank", "--client", "carol", "--card", "--pin-file", pin)
                #expect(enrol.succeeded, "\(enrol)")
                let keyID = try #require(enrol.stdout.split(separator: " ").drop { $0 != "key" }.dropFirst().first)
                    .trimmingCharacters(in: CharacterSet(charactersIn: ","))
                let keystore = try String(contentsOfFile: workspace.dataDirectory("hank") + "/courier/keystore.json", encoding: .utf8)
                #expect(keystore.contains("\"key_id\":\"\(keyID)\""), "the hub recorded another key")

                let status = try workspace.courier("card", "status", "--json")
                #expect(status.succeeded, "\(status)")
                let json = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
                #expect(json["state"] as? String == "enrolled" && json["pin"] as? String == "3 tries left")
                let identity = try #require(json["identity"] as? [String: Any])
                #expect(identity["node"] as? String == "carol" && identity["hub"] as? String == "hank")
                #expect(identity["key_id"] as? String == keyID)
                let text = try workspace.courier("card", "status")
                #expect(text.stdout.contains("carol (client) at hub hank") && text.stdout.contains("PUK:"), "\(text)")

                // opensc-tool, an independent PC/SC client, reads the identity but not the key.
                let select = "00 A4 04 0C 0A F0 44 53 4B 45 43 41 52 44 01"
                let raw = try Command.run("/usr/bin/env", [
                    "opensc-tool", "--reader", CardFixture.readerIndex, "--send-apdu", select,
                    "--send-apdu", "00 A4 00 0C 02 01 01", "--send-apdu", "00 B0 00 00 02",
                    "--send-apdu", "00 A4 00 0C 02 01 02", "--send-apdu", "00 B0 00 00 20",
                ])
                let answers = raw.stdout.split(separator: "\n").filter { $0.hasPrefix("Received") }
                #expect(answers.count == 5, "opensc-tool missing? apt-get install opensc: \(raw)")
                #expect(answers.count == 5 && answers[2].contains("SW1=0x90, SW2=0x00"), "the identity is public: \(raw)")
                #expect(answers.last?.contains("SW1=0x69, SW2=0x82") == true, "the key read without VERIFY: \(raw)")

                // The card is enrolled: a second enrolment is refused and leaves it alone.
                let again = try workspace.courier("enrol", "--hub", "hank", "--client", "dave", "--card", "--pin-file", pin)
                #expect(again.status == 1 && again.stderr.contains("already holds the enrolment of carol at hank"), "\(again)")
                #expect(again.stderr.contains("psrd-courier card erase"))
            }
        }

        @Test func aCardPulledDuringEnrolmentRecordsNothingAndEnrolsAgain() async throws {
            try await CardFixture.with { card in
                let workspace = try Workspace()
                let pin = try workspace.secretFile("pin", CardCLITests.pin)
                // Through the commit record, then off during the key's UPDATE BINARY.
                try card.pull(afterUpdates: 1)
                let pulled = try workspace.courier("enrol", "--hub", "hank", "--client", "carol", "--card", "--pin-file", pin)
                #expect(pulled.status == 1 && pulled.stderr.contains("the card was removed"), "\(pulled)")
                let keystore = workspace.dataDirectory("hank") + "/courier/keystore.json"
                let recorded = (try? String(contentsOfFile: keystore, encoding: .utf8)) ?? ""
                #expect(!recorded.contains("\"carol\""), "the hub recorded a key no card holds")
                try card.insert()

                let status = try workspace.courier("card", "status", "--json")
                #expect(status.stdout.contains("\"state\" : \"incomplete\""), "\(status)")
                // The same PIN finishes the job; the card and the hub then agree on the key.
                _ = try workspace.enrolCard("carol", at: "hank", pinFile: pin, card: card)
                let json = try #require(try JSONSerialization.jsonObject(
                    with: Data(try workspace.courier("card", "status", "--json").stdout.utf8)) as? [String: Any])
                let keyID = try #require((json["identity"] as? [String: Any])?["key_id"] as? String)
                #expect(try String(contentsOfFile: keystore, encoding: .utf8).contains("\"key_id\":\"\(keyID)\""))
            }
        }

        @Test func aCardForAnotherClientOrHubIsTheWrongCard() async throws {
            try await CardFixture.withCarol { _, workspace, pin in
                _ = try workspace.enrol("dave", at: "hank")
                _ = try workspace.enrol("carol", at: "helen")
                let daves = try workspace.medium("daves")
                _ = try workspace.issue("hank", "dave", to: daves)
                let helens = try workspace.medium("helens")
                _ = try workspace.issue("helen", "carol", to: helens)

                let dave = try workspace.courier("import", "--from", daves, "--node", "dave", "--card", "--pin-file", pin)
                #expect(dave.status == 1 && dave.stderr.contains("wrong card") && dave.stderr.contains("not of client dave"), "\(dave)")
                let helen = try workspace.courier("import", "--from", helens, "--node", "carol", "--card", "--pin-file", pin)
                #expect(helen.status == 1 && helen.stderr.contains("wrong card") && helen.stderr.contains("(from helen)"), "\(helen)")
                let issue = try workspace.issueToCard("4KiB", pinFile: pin, extra: ["--hub", "helen"])
                #expect(issue.status == 1 && issue.stderr.contains("wrong card"), "\(issue)")
                // None of it spent a PIN try: the identity told the cards apart.
                let status = try workspace.courier("card", "status", "--json")
                #expect(status.stdout.contains("\"pin\" : \"3 tries left\""), "\(status)")
                #expect(try await workspace.levels("carol", role: .client).isEmpty)
            }
        }
    }
}
