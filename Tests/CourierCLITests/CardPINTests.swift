import Foundation
import Testing

extension CardCLITests {
    @Suite struct PIN {
        @Test func wrongPINsCountDownThenBlockAndThePUKUnblocks() async throws {
            try await CardFixture.with { card in
                let workspace = try Workspace()
                let pin = try workspace.secretFile("pin", CardCLITests.pin)
                let wrong = try workspace.secretFile("wrong", "000000")
                let puk = try workspace.enrolCard("carol", at: "hank", pinFile: pin, card: card)
                let medium = try workspace.medium()
                _ = try workspace.issue("hank", "carol", to: medium)
                func importWith(_ file: String) throws -> Command.Result {
                    try workspace.courier("import", "--from", medium, "--node", "carol", "--card", "--pin-file", file)
                }

                let first = try importWith(wrong)
                #expect(first.status == 1 && first.stderr.contains("wrong PIN, 2 tries left"), "\(first)")
                let second = try importWith(wrong)
                #expect(second.status == 1 && second.stderr.contains("wrong PIN, 1 try left"), "\(second)")
                let third = try importWith(wrong)
                #expect(third.status == 1 && third.stderr.contains("blocked") && third.stderr.contains("psrd-courier card unblock"),
                        "\(third)")
                // Blocked means blocked: the right PIN is refused too, and nothing was imported.
                let right = try importWith(pin)
                #expect(right.status == 1 && right.stderr.contains("blocked"), "\(right)")
                #expect(try await workspace.levels("carol", role: .client).isEmpty)
                #expect(try workspace.courier("card", "status", "--json").stdout.contains("\"pin\" : \"blocked\""))

                // A wrong PUK counts down too; the right one sets a new PIN with 3 tries.
                let wrongPUK = try workspace.secretFile("wrong-puk", "99999999")
                let newPIN = try workspace.secretFile("new-pin", "13579")
                let refused = try workspace.courier("card", "unblock", "--puk-file", wrongPUK, "--new-pin-file", newPIN)
                #expect(refused.status == 1 && refused.stderr.contains("wrong PUK, 2 tries left"), "\(refused)")
                let pukFile = try workspace.secretFile("puk", puk)
                let unblocked = try workspace.courier("card", "unblock", "--puk-file", pukFile, "--new-pin-file", newPIN)
                #expect(unblocked.succeeded, "\(unblocked)")
                let status = try workspace.courier("card", "status", "--json").stdout
                #expect(status.contains("\"pin\" : \"3 tries left\"") && status.contains("\"puk\" : \"3 tries left\""), "\(status)")
                #expect(try importWith(pin).status == 1, "the old PIN must be gone")
                let imported = try importWith(newPIN)
                #expect(imported.succeeded, "\(imported)")

                // change-pin needs the current PIN; erase needs the PIN and leaves the card blank.
                let changed = try workspace.courier("card", "change-pin", "--pin-file", newPIN, "--new-pin-file", pin)
                #expect(changed.succeeded, "\(changed)")
                let erased = try workspace.courier("card", "erase", "--pin-file", pin)
                #expect(erased.succeeded && erased.stdout.contains("carol's enrolment at hank"), "\(erased)")
                #expect(try workspace.courier("card", "status", "--json").stdout.contains("\"state\" : \"blank\""))
            }
        }

        @Test func withPINAndPUKBlockedOnlyEraseIsLeftAndNeedsNoPIN() async throws {
            try await CardFixture.withCarol { _, workspace, _ in
                let wrong = try workspace.secretFile("wrong", "000000")
                let wrongPUK = try workspace.secretFile("wrong-puk", "99999999")
                // No terminal (stdin is /dev/null) and no PIN file: said, not hung.
                let noTerminal = try workspace.courier("card", "erase")
                #expect(noTerminal.status == 2 && noTerminal.stderr.contains("no terminal to ask for the PIN on: give --pin-file PATH"),
                        "\(noTerminal)")
                for tries in ["2 tries", "1 try"] {
                    let result = try workspace.courier("card", "change-pin", "--pin-file", wrong, "--new-pin-file", wrong)
                    #expect(result.stderr.contains("wrong PIN, \(tries) left"), "\(result)")
                }
                _ = try workspace.courier("card", "change-pin", "--pin-file", wrong, "--new-pin-file", wrong)
                let blockedErase = try workspace.courier("card", "erase", "--pin-file", wrong)
                #expect(blockedErase.status == 1 && blockedErase.stderr.contains("psrd-courier card unblock"), "\(blockedErase)")
                for _ in 0..<2 { _ = try workspace.courier("card", "unblock", "--puk-file", wrongPUK, "--new-pin-file", wrong) }
                let last = try workspace.courier("card", "unblock", "--puk-file", wrongPUK, "--new-pin-file", wrong)
                #expect(last.status == 1 && last.stderr.contains("can only be erased (psrd-courier card erase)"), "\(last)")

                let erased = try workspace.courier("card", "erase")
                #expect(erased.succeeded, "\(erased)")
                #expect(try workspace.courier("card", "status", "--json").stdout.contains("\"state\" : \"blank\""))
            }
        }

        @Test func aPINFileOthersCanReadIsRefused() async throws {
            try await CardFixture.with { card in
                let workspace = try Workspace()
                let pin = try workspace.secretFile("pin", CardCLITests.pin)
                chmod(pin, 0o644)
                let result = try workspace.courier("enrol", "--hub", "hank", "--client", "carol", "--card", "--pin-file", pin)
                #expect(result.status == 2 && result.stderr.contains("chmod 600"), "\(result)")
                #expect(try workspace.courier("card", "status", "--json").stdout.contains("\"state\" : \"blank\""))
            }
        }
    }
}
