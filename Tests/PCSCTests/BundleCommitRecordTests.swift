import Crypto
import Testing
@testable import PCSC

@Suite struct BundleCommitRecordTests {
    let record = BundleCommitRecord(slot: 2, length: 4000, sequence: 7,
                                    digest: Array(SHA256.hash(data: [1, 2, 3])))

    @Test func roundTrips() throws {
        let encoded = record.encoded
        #expect(encoded.count == BundleCommitRecord.size)
        #expect(BundleCommitRecord(bytes: encoded) == record)
        #expect(BundleCommitRecord(bytes: BundleCommitRecord.none(sequence: 3).encoded)?.slot == 0)
    }

    @Test func aTornRecordReadsAsNone() {
        // Half of a new record over the old one: what a card without tearing protection leaves.
        let old = BundleCommitRecord.none(sequence: 6).encoded
        let torn = Array(record.encoded[0..<28]) + Array(old[28...])
        #expect(BundleCommitRecord(bytes: torn) == nil)
    }

    @Test func anyFlippedBitIsCaught() {
        let encoded = record.encoded
        for index in encoded.indices {
            var damaged = encoded
            damaged[index] ^= 0x01
            #expect(BundleCommitRecord(bytes: damaged) == nil, "byte \(index)")
        }
    }

    @Test func inconsistentSlotAndLengthAreRefused() {
        let bad = BundleCommitRecord(slot: 1, length: 0, sequence: 1, digest: [UInt8](repeating: 0, count: 32))
        #expect(BundleCommitRecord(bytes: bad.encoded) == nil)
    }
}
