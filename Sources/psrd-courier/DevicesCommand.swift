import ArgumentParser
import Courier
import Foundation
import PCSC
import USBDevices

/// `psrd-courier devices`: what an operator can carry PSRD and keys on, as this machine sees it.
struct DevicesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List smart-card readers (PC/SC), USB devices and removable block devices with their mount points.",
        discussion: """
            Readers come from pcscd, with card presence; USB devices from libusb (vendor and \
            product IDs and names, class; mass-storage devices and CCID card readers flagged); \
            removable block devices (USB sticks and disks) from /sys/block with their partitions \
            and mount points. A missing part is said in plain words (pcscd not running, no USB \
            bus, nothing removable attached) and is not an error.
            """)

    @Flag(help: "Print JSON instead of text.")
    var json = false

    /// What a card in a reader is, as far as its public identity tells (no PIN).
    struct CardReport: Encodable {
        let reader: String
        /// enrolled, incomplete, blank (no DSKE application), or unreadable.
        let state: String
        let identity: CardIdentity?
    }

    struct Report: Encodable {
        let readers: [ReaderInfo]
        let cards: [CardReport]
        let pcscError: String?
        let usbDevices: [USBDevice]
        let usbError: String?
        let removableBlockDevices: [BlockDevice]
        let notes: [String]

        enum CodingKeys: String, CodingKey {
            case readers, cards, notes
            case pcscError = "pcsc_error"
            case usbDevices = "usb_devices"
            case usbError = "usb_error"
            case removableBlockDevices = "removable_block_devices"
        }
    }

    func run() async throws {
        var readers: [ReaderInfo] = []
        var cards: [CardReport] = []
        var pcscError: PCSCError?
        do {
            let context = try PCSCContext()
            readers = try context.readers()
            cards = readers.filter { $0.cardPresent && !$0.exclusive && !$0.mute }.map { Self.card(in: $0.name, context: context) }
        } catch {
            pcscError = error
        }
        let devices = DevicesReport.gather()
        var notes: [String] = []
        if let pcscError {
            notes.append(pcscError == .serviceNotAvailable ? "pcscd is not running: no smart-card readers can be listed (start it with pcscd)"
                         : "smart-card readers: \(pcscError)")
        } else if readers.isEmpty {
            notes.append("pcscd runs but lists no smart-card reader: connect one")
        }
        notes += devices.notes
        let report = Report(readers: readers, cards: cards, pcscError: pcscError.map(\.description), usbDevices: devices.usbDevices,
                            usbError: devices.usbError.map(\.description),
                            removableBlockDevices: devices.removableBlockDevices, notes: notes)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
            return
        }
        print(text(report))
    }

    private func text(_ report: Report) -> String {
        var sections: [String] = []
        if !report.readers.isEmpty {
            var rows = [["READER", "CARD", "DSKE", "ATR"]]
            for reader in report.readers {
                let state = reader.cardPresent ? (reader.mute ? "present (mute)" : reader.inUse ? "present (in use)" : "present") : "empty"
                let card = report.cards.first { $0.reader == reader.name }
                let dske = card.map { card in
                    card.identity.map { "\($0.node) (\($0.role.rawValue)) at \($0.hub)" + (card.state == "enrolled" ? "" : ", \(card.state)") }
                        ?? card.state
                } ?? "-"
                rows.append([reader.name, state, dske, reader.atr ?? "-"])
            }
            sections.append("Smart-card readers (PC/SC):\n" + indent(Table.render(rows)))
        }
        let usb = report.usbDevices.filter { !$0.isHub }
        if !usb.isEmpty {
            var rows = [["BUS-PORT", "ID", "CLASS", "NAME", "FLAGS"]]
            for device in usb {
                let name = [device.manufacturer, device.product].compactMap { $0 }.joined(separator: " ")
                let flags = [device.isMassStorage ? "mass-storage" : nil, device.isCCID ? "CCID-reader" : nil].compactMap { $0 }
                rows.append(["\(device.bus)-\(device.port)", device.id, device.className, name.isEmpty ? "-" : name,
                             flags.isEmpty ? "-" : flags.joined(separator: ",")])
            }
            sections.append("USB devices (libusb; hubs left out):\n" + indent(Table.render(rows)))
        }
        if !report.removableBlockDevices.isEmpty {
            var rows = [["DEVICE", "SIZE", "BUS", "MODEL", "MOUNTED AT"]]
            for device in report.removableBlockDevices {
                let model = [device.vendor, device.model].compactMap { $0 }.joined(separator: " ")
                let mounts = device.allMountPoints
                rows.append([device.path + (device.readOnly ? " (ro)" : ""), ByteCount.format(Int(device.sizeBytes)),
                             device.transport ?? "-", model.isEmpty ? "-" : model,
                             mounts.isEmpty ? "not mounted" : mounts.joined(separator: ", ")])
            }
            sections.append("Removable block devices:\n" + indent(Table.render(rows)))
        }
        if !report.notes.isEmpty { sections.append(report.notes.map { "note: \($0)" }.joined(separator: "\n")) }
        return sections.joined(separator: "\n\n")
    }

    /// The card's public identity, read without the PIN (the session resets the card after).
    static func card(in reader: String, context: PCSCContext) -> CardReport {
        guard let card = try? DSKECard.connect(context: context, reader: reader) else {
            return CardReport(reader: reader, state: "unreadable", identity: nil)
        }
        defer { card.disconnect() }
        guard let status = try? card.status() else { return CardReport(reader: reader, state: "unreadable", identity: nil) }
        return CardReport(reader: reader, state: status.state.rawValue, identity: status.identity)
    }

    private func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
    }
}
