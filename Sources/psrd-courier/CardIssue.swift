import Courier
import DSKECore
import DSKEConfig
import Foundation
import PCSC

/// `psrd-courier issue --to card:[READER]`: a small bundle written onto the client's card
/// itself. The bundle is issued as for a medium, into a private temporary directory (the hub's
/// copy into its inbox as always), then written to the card whole-or-absent (the card layer
/// reads it back before committing it). On any failure the hub's copy is removed again, so no
/// pair of pools can diverge.
struct CardIssue {
    let hub: NodeConfiguration
    let client: NodeConfiguration
    let reader: String?
    let pinFile: String?
    let size: Int
    let blockSize: Int
    let lifetime: TimeInterval
    let qrngPath: String?
    /// Replace a bundle already on the card (not yet imported: its PSRD is then lost to the client).
    let replace: Bool

    struct Outcome {
        let issued: IssueJob.Outcome
        let reader: String
        let bundleBytes: Int
        let room: Int?
    }

    func run() throws(JobError) -> Outcome {
        let keystore = try CourierKeystore(hub: hub.name, hubDataDirectory: hub.dataDirectory, create: false)
        let enrolled = keystore.client(named: client.name)
        keystore.release()
        guard let enrolled else {
            throw .failure("\(client.name) is not enrolled at \(hub.name): run psrd-courier enrol --hub \(hub.name) --client \(client.name) --card first")
        }
        return try CardSession.with(reader: reader) { session throws(JobError) -> Outcome in
            let identity = try session.requireClient(client.name, hub: hub.name)
            guard identity.keyID == enrolled.keyID else {
                throw .failure("wrong card: the card in reader \"\(session.reader)\" holds key \(identity.keyID), but \(client.name) "
                               + "is enrolled at \(hub.name) with key \(enrolled.keyID) (enrolled again since?)")
            }
            let space = try session.run { card throws(PCSCError) in try card.space() }
            if space.bundleSize > 0 && !replace {
                throw .failure("the card in reader \"\(session.reader)\" already holds a bundle (\(Self.grouped(space.bundleSize)) bytes): "
                               + "import it first (psrd-courier import --from card: --node \(client.name) --wipe), or give --replace")
            }
            let room = space.largestBundle
            if let room {
                let probe = try probeSize(payload: size, key: enrolled.key)
                if probe > room { throw fitFailure(room: room, key: enrolled.key) }
            }
            let pin = try SecretInput.read(file: pinFile, prompt: "PIN of \(client.name)'s card: ")
            // The PIN is checked (and the key on the card compared) before any PSRD exists, so a
            // wrong PIN costs no generation and leaves no hub copy behind.
            guard try session.enrolmentKey(pin: pin).keyID == enrolled.keyID else {
                throw .failure("wrong card: the key on the card in reader \"\(session.reader)\" is not \(client.name)'s enrolment key at \(hub.name)")
            }
            let directory = try CardImport.privateDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let issued = try IssueJob(hub: hub, client: client, target: directory, size: size, blockSize: blockSize,
                                      lifetime: lifetime, qrngPath: qrngPath, verify: false, allowAnyTarget: true).run()
            do throws(JobError) {
                let bytes: [UInt8]
                do {
                    bytes = Array(try Data(contentsOf: URL(fileURLWithPath: issued.clientBundle)))
                } catch {
                    throw .failure("cannot read the sealed bundle back from \(directory): \(error.localizedDescription)")
                }
                if let room, bytes.count > room { throw fitFailure(room: room, key: enrolled.key) }
                try session.run { card throws(PCSCError) in try card.writeBundle(bytes, pin: pin) }
                return Outcome(issued: issued, reader: session.reader, bundleBytes: bytes.count, room: room)
            } catch {
                _ = try? MediaWiper.wipe(issued.hubBundle)
                throw .failure(error.message + "; the hub's copy was removed again: nothing was issued")
            }
        }
    }

    /// The size of the sealed bundle for `payload` bytes of PSRD, as `IssueJob` would write it
    /// (the header's length depends on the block sizes and names, so it is built to measure).
    func probeSize(payload: Int, key: EnrolmentKey) throws(JobError) -> Int {
        let blocks = try IssueJob.plan(size: payload, blockSize: blockSize)
        let id = UUID()
        let now = Date()
        do {
            return try BundleHeader(
                bundleID: id, issuer: hub.name, pair: BundlePair(hub: hub.name, client: client.name),
                recipient: BundleRecipient(name: client.name, role: .client), blocks: blocks, created: now,
                expires: now.addingTimeInterval(lifetime), entropy: .operatingSystemOnly,
                stanzas: [key.wrap(FileKey.generate(), bundleID: id)]).fileSize
        } catch {
            throw .failure("cannot build the bundle header: \(error)")
        }
    }

    /// "The card has room for N bytes of PSRD; use --size XKiB or less."
    func fitFailure(room: Int, key: EnrolmentKey) -> JobError {
        var low = 0, high = room
        while low < high {
            let middle = (low + high + 1) / 2
            if middle >= 2, let bytes = try? probeSize(payload: middle, key: key), bytes <= room {
                low = middle
            } else {
                high = middle - 1
            }
        }
        // A QRNG's health record makes the header longer than the probe's: leave it 1 KiB.
        let fits = qrngPath == nil ? low : max(0, low - 1024)
        guard fits >= 2 else {
            return .failure("the card has room for \(Self.grouped(room)) bytes, too little for a bundle: erase or delete what it holds")
        }
        let suggestion = fits >= 1024 ? "\(fits / 1024)KiB" : "\(fits)"
        let shown = fits >= 1024 ? fits / 1024 * 1024 : fits
        return .failure("the card has room for \(Self.grouped(shown)) bytes of PSRD; use --size \(suggestion) or less")
    }

    /// 57344 -> "57,344".
    static func grouped(_ value: Int) -> String {
        let digits = Array(String(value))
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return out
    }
}
