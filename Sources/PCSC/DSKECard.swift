import Crypto
import Foundation

/// The DSKE card application: a node's enrolment key (behind the PIN), its identity (public),
/// and optionally one small bundle written whole-or-absent. Layout and APDUs are in
/// docs/smart-cards.md.
///
/// Every operation runs in one PC/SC transaction and starts by selecting the application, so
/// it does not depend on what an earlier operation (or another program) left selected.
public final class DSKECard {
    public let channel: CardChannel
    public let reader: String
    private let connection: CardConnection?
    private var lengthsConfigured = false

    /// Over any transport (tests use scripted ones).
    public init(transport: any CardTransport, reader: String) {
        channel = CardChannel(transport: transport)
        self.reader = reader
        connection = transport as? CardConnection
    }

    /// Connects to the card in `reader`, or to the only reader holding a card.
    public static func connect(context: PCSCContext, reader: String? = nil) throws(PCSCError) -> DSKECard {
        let connection = try context.connectToCard(reader: reader)
        return DSKECard(transport: connection, reader: connection.reader)
    }

    /// Ends the session and resets the card, so a verified PIN does not outlive it.
    public func disconnect() {
        connection?.disconnect(.reset)
    }

    public var statistics: APDUStatistics { channel.statistics }

    // MARK: status

    /// Everything `card status` shows, without the PIN.
    public func status() throws(PCSCError) -> DSKECardStatus {
        try operation { () throws(PCSCError) -> DSKECardStatus in
            let mf = try? channel.select(fileID: CardChannel.masterFile, answer: .fcp)
            let atr = AnswerToReset(channel.transport.atr).hex
            guard let app = try selectApplication() else {
                return DSKECardStatus(reader: reader, atr: atr, state: .blank, identity: nil, pin: nil, puk: nil,
                                      space: CardSpace(capacity: mf?.capacity, free: mf?.free, bundleSize: 0,
                                                       bundleSlots: 0),
                                      extendedLength: channel.limits.extended)
            }
            let pin = try channel.verificationState(reference: DSKECardLayout.pinReference)
            let puk = try channel.verificationState(reference: DSKECardLayout.pukReference)
            let identity = try readIdentityFile()
            let hasKey = try fileSize(DSKECardLayout.keyFID) != nil
            let record = try readCommitRecord()
            var slots = 0
            for fid in DSKECardLayout.slotFIDs { slots += try fileSize(fid) ?? 0 }
            let enrolled = identity != nil && hasKey && pin != .notSet && puk != .notSet
            return DSKECardStatus(
                reader: reader, atr: atr, state: enrolled ? .enrolled : .incomplete, identity: identity,
                pin: pin, puk: puk,
                space: CardSpace(capacity: app.capacity ?? mf?.capacity, free: app.free ?? mf?.free,
                                 bundleSize: record?.length ?? 0, bundleSlots: slots),
                extendedLength: channel.limits.extended)
        }
    }

    /// The identity on the card (no PIN needed); `.notEnrolled` or `.enrolmentIncomplete` when
    /// there is none.
    public func readIdentity() throws(PCSCError) -> CardIdentity {
        try operation { () throws(PCSCError) -> CardIdentity in
            guard try selectApplication() != nil else { throw .notEnrolled }
            guard let identity = try readIdentityFile() else { throw .enrolmentIncomplete }
            return identity
        }
    }

    /// Free space and bundle sizes (no PIN needed), so a caller can say how much fits.
    public func space() throws(PCSCError) -> CardSpace {
        try status().space
    }

    // MARK: enrolment

    /// Personalises a blank card (or one whose enrolment was interrupted: then `pin` must be
    /// the PIN given to that attempt, if it got as far as setting one): creates the
    /// application, sets PUK and PIN, writes the key and, last, the identity. When `puk` is
    /// nil a random 12-digit PUK is set and returned in `generatedPUK`, to be shown once.
    public func enrol(node: String, role: CardIdentity.Role, hub: String, key: SymmetricKey,
                      pin: CardPIN, puk: CardPIN? = nil) throws(PCSCError) -> CardEnrolment {
        guard key.bitCount == DSKECardLayout.keyLength * 8 else {
            throw .invalidArgument("an enrolment key has 256 bits, not \(key.bitCount)")
        }
        guard !node.isEmpty, !hub.isEmpty, node.utf8.count <= 128, hub.utf8.count <= 128 else {
            throw .invalidArgument("node and hub names have 1 to 128 bytes")
        }
        let serial = SymmetricKey(size: .init(bitCount: 64)).withUnsafeBytes { Array($0) }
        let identity = CardIdentity(node: node, role: role, hub: hub,
                                    cardSerial: serial.map { String(format2: $0) }.joined().lowercased(),
                                    keyID: CardIdentity.keyID(of: key),
                                    enrolledAt: DSKECard.now())
        let identityBytes = try identity.encoded()
        let chosenPUK = puk ?? CardPIN.randomPUK()
        var keyBytes = key.withUnsafeBytes { Array($0) }
        defer { keyBytes.withUnsafeMutableBufferPointer { $0.update(repeating: 0) } }

        try operation { () throws(PCSCError) in
            if try selectApplication() != nil {
                if let existing = try readIdentityFile(), try fileSize(DSKECardLayout.keyFID) != nil {
                    throw .alreadyEnrolled(node: existing.node, hub: existing.hub)
                }
                // An interrupted enrolment: clear it and start again.
                if try channel.verificationState(reference: DSKECardLayout.pinReference) != .notSet {
                    try verifyPIN(pin)
                }
                _ = try selectApplication()
                try channel.deleteFile(fileID: nil)
            }
            let mf = try? channel.select(fileID: CardChannel.masterFile, answer: .fcp)
            try channel.createFile(.application(fileID: DSKECardLayout.applicationFID, aid: DSKECardLayout.aid),
                                   free: mf?.free)
            guard let app = try selectApplication() else {
                throw .malformedResponse("the application is missing right after CREATE FILE")
            }
            try channel.changeReferenceData(reference: DSKECardLayout.pukReference, current: nil,
                                            new: chosenPUK.block, secret: .puk)
            try channel.changeReferenceData(reference: DSKECardLayout.pinReference, current: nil, new: pin.block)
            try verifyPIN(pin)
            var free = app.free
            try createAndWrite(DSKECardLayout.commitFID, BundleCommitRecord.none(sequence: 0).encoded,
                               access: DSKECardLayout.publicFile, free: &free)
            try createAndWrite(DSKECardLayout.keyFID, keyBytes, access: DSKECardLayout.secretFile, free: &free)
            var readBack = try channel.readBinary(offset: 0, count: keyBytes.count)
            defer { readBack.withUnsafeMutableBufferPointer { $0.update(repeating: 0) } }
            guard constantTimeEqual(readBack, keyBytes) else {
                throw .status(StatusWord(0x6581), operation: "writing the enrolment key (read-back differs)")
            }
            // The identity goes last: its presence is what marks the card as enrolled.
            try createAndWrite(DSKECardLayout.identityFID, identityBytes, access: DSKECardLayout.publicFile,
                               free: &free)
        }
        return CardEnrolment(identity: identity, generatedPUK: puk == nil ? chosenPUK : nil)
    }

    /// The enrolment key, after VERIFY with `pin`.
    public func readEnrolmentKey(pin: CardPIN) throws(PCSCError) -> SymmetricKey {
        try operation { () throws(PCSCError) -> SymmetricKey in
            guard try selectApplication() != nil else { throw .notEnrolled }
            guard try readIdentityFile() != nil else { throw .enrolmentIncomplete }
            try verifyPIN(pin)
            guard try fileSize(DSKECardLayout.keyFID) == DSKECardLayout.keyLength else { throw .enrolmentIncomplete }
            var bytes = try channel.readBinary(offset: 0, count: DSKECardLayout.keyLength)
            defer { bytes.withUnsafeMutableBufferPointer { $0.update(repeating: 0) } }
            return SymmetricKey(data: bytes)
        }
    }

    // MARK: PIN management

    public func changePIN(old: CardPIN, new: CardPIN) throws(PCSCError) {
        try operation { () throws(PCSCError) in
            guard try selectApplication() != nil else { throw .notEnrolled }
            try channel.changeReferenceData(reference: DSKECardLayout.pinReference, current: old.block, new: new.block)
            pinVerified = true   // a successful change leaves the new PIN verified
        }
    }

    /// RESET RETRY COUNTER with the PUK: sets a new PIN with a full retry counter.
    public func unblockPIN(puk: CardPIN, newPIN: CardPIN) throws(PCSCError) {
        try operation { () throws(PCSCError) in
            guard try selectApplication() != nil else { throw .notEnrolled }
            try channel.resetRetryCounter(reference: DSKECardLayout.pinReference, resettingCode: puk.block,
                                          newValue: newPIN.block)
        }
    }

    /// Removes the application (key, identity, bundle), zeroing the key file first. Needs the
    /// PIN, except on a card whose PIN and PUK are both blocked or whose enrolment never set a
    /// PIN. Returns false when the card was already blank.
    @discardableResult
    public func erase(pin: CardPIN?) throws(PCSCError) -> Bool {
        try operation { () throws(PCSCError) -> Bool in
            guard try selectApplication() != nil else { return false }
            let pinState = try channel.verificationState(reference: DSKECardLayout.pinReference)
            if let pin, pinState != .notSet, pinState != .blocked {
                try verifyPIN(pin)
                if try fileSize(DSKECardLayout.keyFID) != nil { try channel.eraseBinary(offset: 0) }
                _ = try selectApplication()
            }
            do throws(PCSCError) {
                try channel.deleteFile(fileID: nil)
            } catch {
                guard case .securityStatusNotSatisfied = error else { throw error }
                throw .securityStatusNotSatisfied("ERASE without the PIN (allowed only once the PIN and the PUK are "
                                                  + "both blocked)")
            }
            return true
        }
    }

    // MARK: small bundles (whole-or-absent)

    /// Writes `bundle` as the card's bundle, replacing any bundle there. A card pulled at any
    /// moment leaves the old bundle or none, never a part: the bytes go to the free slot, are
    /// read back, and only then does one UPDATE BINARY of the commit record make them the bundle.
    /// When old and new do not fit side by side, the old bundle is dropped first (the card
    /// then holds none until the new one commits). Throws `.cardFull` saying how much fits.
    public func writeBundle(_ bundle: [UInt8], pin: CardPIN) throws(PCSCError) {
        guard !bundle.isEmpty else { throw .invalidArgument("an empty bundle") }
        guard bundle.count <= 0xFF_FFFF else { throw .invalidArgument("a bundle of \(bundle.count) bytes") }
        try operation { () throws(PCSCError) in
            guard try selectApplication() != nil else { throw .notEnrolled }
            guard try readIdentityFile() != nil else { throw .enrolmentIncomplete }
            try verifyPIN(pin)
            let record = try readCommitRecord()
            var sequence = record?.sequence ?? 0
            var active: UInt16? = record.flatMap { $0.slot == 0 ? nil : DSKECardLayout.slotFIDs[Int($0.slot) - 1] }
            let target = active == DSKECardLayout.slotFIDs[0] ? DSKECardLayout.slotFIDs[1] : DSKECardLayout.slotFIDs[0]
            // Anything in a slot the record does not name is left from an interrupted write.
            for fid in DSKECardLayout.slotFIDs where fid != active {
                try deleteIfPresent(fid)
            }
            let activeSize = try active.flatMap { fid throws(PCSCError) in try fileSize(fid) } ?? 0
            var free = try selectApplication()?.free
            if let room = free, bundle.count > room {
                guard active != nil, bundle.count <= room + activeSize else {
                    throw .cardFull(needed: bundle.count, available: room + activeSize)
                }
                try dropBundle(sequence: &sequence, active: &active)
                free = room + activeSize
            }
            do throws(PCSCError) {
                try channel.createFile(.transparentEF(fileID: target, size: bundle.count,
                                                      access: DSKECardLayout.secretFile), free: free)
            } catch {
                // A card that does not report free space: make room the same way, then retry.
                guard case .cardFull = error, free == nil, active != nil else { throw error }
                try dropBundle(sequence: &sequence, active: &active)
                try channel.createFile(.transparentEF(fileID: target, size: bundle.count,
                                                      access: DSKECardLayout.secretFile), free: nil)
            }
            try channel.updateBinary(offset: 0, data: bundle)
            let readBack = try channel.readBinary(offset: 0, count: bundle.count)
            guard readBack == bundle else {
                throw .status(StatusWord(0x6581), operation: "writing the bundle (read-back differs)")
            }
            let slot = UInt8(DSKECardLayout.slotFIDs.firstIndex(of: target)! + 1)
            sequence &+= 1
            try writeCommitRecord(BundleCommitRecord(slot: slot, length: bundle.count, sequence: sequence,
                                                     digest: Array(SHA256.hash(data: bundle))))
            // The old slot is garbage now; a failure here only leaves it for the next write.
            if let active { try? deleteIfPresent(active) }
        }
    }

    /// The bundle on the card (after VERIFY), or nil when there is none.
    public func readBundle(pin: CardPIN) throws(PCSCError) -> [UInt8]? {
        try operation { () throws(PCSCError) -> [UInt8]? in
            guard try selectApplication() != nil else { throw .notEnrolled }
            try verifyPIN(pin)
            guard let record = try readCommitRecord(), record.slot != 0 else { return nil }
            let fid = DSKECardLayout.slotFIDs[Int(record.slot) - 1]
            guard let size = try fileSize(fid), size >= record.length else { throw .bundleCorrupt }
            let bytes = try channel.readBinary(offset: 0, count: record.length)
            guard Array(SHA256.hash(data: bytes)) == record.digest else { throw .bundleCorrupt }
            return bytes
        }
    }

    /// Removes the bundle: the record first (so the card shows none at once), then the slots.
    public func deleteBundle(pin: CardPIN) throws(PCSCError) {
        try operation { () throws(PCSCError) in
            guard try selectApplication() != nil else { throw .notEnrolled }
            try verifyPIN(pin)
            var sequence = try readCommitRecord()?.sequence ?? 0
            var active: UInt16? = nil
            try dropBundle(sequence: &sequence, active: &active)
            for fid in DSKECardLayout.slotFIDs { try deleteIfPresent(fid) }
        }
    }

    // MARK: internals

    /// Set while an operation holds a verified PIN; cleared (and the card told) when it ends.
    private var pinVerified = false

    /// One operation: a PC/SC transaction, and the PIN verified only for its duration (VERIFY
    /// with P1 = FF at the end), so nothing later on this connection inherits it.
    private func operation<T>(_ body: () throws(PCSCError) -> T) throws(PCSCError) -> T {
        try channel.withTransaction { () throws(PCSCError) -> T in
            defer {
                if pinVerified {
                    pinVerified = false
                    try? channel.resetSecurityStatus(reference: DSKECardLayout.pinReference)
                }
            }
            return try body()
        }
    }

    private func verifyPIN(_ pin: CardPIN) throws(PCSCError) {
        try channel.verify(reference: DSKECardLayout.pinReference, value: pin.block)
        pinVerified = true
    }

    /// SELECT of the application; nil when the card has none. Sets extended lengths once: when
    /// the ATR announces them and the FCI states the card's limits (DO 7F66).
    @discardableResult
    func selectApplication() throws(PCSCError) -> FileControlParameters? {
        let fci: FileControlParameters?
        do {
            fci = try channel.select(aid: DSKECardLayout.aid, answer: .fci)
        } catch .fileNotFound {
            return nil
        }
        if !lengthsConfigured, let fci {
            lengthsConfigured = true
            if AnswerToReset(channel.transport.atr).extendedLength,
               let maxCommand = fci.maxCommandData, let maxResponse = fci.maxResponseData {
                channel.enableExtendedLength(maxCommandData: maxCommand, maxResponseData: maxResponse)
            }
        }
        return fci ?? FileControlParameters()
    }

    /// The size of an EF of the application (selecting it), or nil when it does not exist.
    func fileSize(_ fid: UInt16) throws(PCSCError) -> Int? {
        do {
            return try channel.select(fileID: fid, answer: .fcp)?.size
        } catch .fileNotFound {
            return nil
        }
    }

    func readIdentityFile() throws(PCSCError) -> CardIdentity? {
        guard let size = try fileSize(DSKECardLayout.identityFID), size >= 2 else { return nil }
        return CardIdentity.decode(try channel.readBinary(offset: 0, count: size))
    }

    /// The commit record; nil when the file is missing or the record is torn or invalid.
    func readCommitRecord() throws(PCSCError) -> BundleCommitRecord? {
        guard try fileSize(DSKECardLayout.commitFID) == BundleCommitRecord.size else { return nil }
        return BundleCommitRecord(bytes: try channel.readBinary(offset: 0, count: BundleCommitRecord.size))
    }

    func writeCommitRecord(_ record: BundleCommitRecord) throws(PCSCError) {
        if try fileSize(DSKECardLayout.commitFID) == nil {
            var free: Int? = nil
            try createAndWrite(DSKECardLayout.commitFID, record.encoded, access: DSKECardLayout.publicFile, free: &free)
            return
        }
        // One APDU: the card applies it whole (the virtual card does; cards with tearing
        // protection do), and the record's own check catches a card that does not.
        try channel.updateBinary(offset: 0, data: record.encoded)
    }

    private func dropBundle(sequence: inout UInt32, active: inout UInt16?) throws(PCSCError) {
        sequence &+= 1
        try writeCommitRecord(.none(sequence: sequence))
        if let fid = active { try deleteIfPresent(fid) }
        active = nil
    }

    private func deleteIfPresent(_ fid: UInt16) throws(PCSCError) {
        do {
            try channel.deleteFile(fileID: fid)
        } catch .fileNotFound {
        }
    }

    private func createAndWrite(_ fid: UInt16, _ bytes: [UInt8], access: FileAccess, free: inout Int?) throws(PCSCError) {
        try channel.createFile(.transparentEF(fileID: fid, size: bytes.count, access: access), free: free)
        free = free.map { $0 - bytes.count }
        try channel.updateBinary(offset: 0, data: bytes)
    }

    private func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in a.indices { difference |= a[i] ^ b[i] }
        return difference == 0
    }

    static func now() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date())
    }
}
