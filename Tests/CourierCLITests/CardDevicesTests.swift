import Foundation
import Testing

extension CardCLITests {
    @Suite struct Devices {
        @Test func devicesListsTheVirtualReaderWithItsCard() async throws {
            try await CardFixture.with { card in
                let workspace = try Workspace()
                let text = try workspace.courier("devices")
                #expect(text.succeeded, "\(text)")
                let line = text.stdout.split(separator: "\n").first { $0.contains(card.reader) }
                #expect(line?.contains("present") == true, "\(text)")
                let json = try workspace.courier("devices", "--json")
                let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
                let readers = try #require(report["readers"] as? [[String: Any]])
                #expect(readers.contains { $0["name"] as? String == card.reader && $0["card_present"] as? Bool == true }, "\(json)")
                #expect(report["usb_devices"] is [Any] && report["removable_block_devices"] is [Any])
                let cards = try #require(report["cards"] as? [[String: Any]])
                #expect(cards.contains { $0["reader"] as? String == card.reader && $0["state"] as? String == "blank" }, "\(json)")

                try card.pull()
                let empty = try workspace.courier("card", "status")
                #expect(empty.status == 1 && empty.stderr.contains("no card in any reader"), "\(empty)")
                let named = try workspace.courier("card", "status", "--reader", card.reader)
                #expect(named.status == 1 && named.stderr.contains("insert the card"), "\(named)")
            }
        }

        @Test func withoutPcscdEveryCardCommandSaysSoInOneLine() async throws {
            // Only when no pcscd runs that these tests did not start (it cannot be stopped here).
            guard !FileManager.default.fileExists(atPath: "/run/pcscd/pcscd.comm") else { return }
            let workspace = try Workspace()
            let pin = try workspace.secretFile("pin", CardCLITests.pin)
            for arguments in [["card", "status"], ["enrol", "--hub", "hank", "--client", "carol", "--card", "--pin-file", pin],
                              ["import", "--from", "card:", "--node", "carol", "--pin-file", pin]] {
                let result = try workspace.courier(arguments)
                #expect(result.status == 1 && result.stderr == "psrd-courier: pcscd is not running: start it with `pcscd` (or devices/virtual-card/up)\n",
                        "\(arguments): \(result)")
            }
            let devices = try workspace.courier("devices")
            #expect(devices.succeeded && devices.stdout.contains("pcscd is not running"), "\(devices)")
            #expect(try await workspace.levels("carol", role: .client).isEmpty)
        }
    }
}
