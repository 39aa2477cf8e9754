import Courier
import DSKECore
import Foundation
import Testing

/// The hub reads its courier clients with `CourierEnrolments` from the keystore psrd-courier
/// writes: the two must agree on the place and the fields.
@Suite struct CourierEnrolmentsTests {
    @Test func theHubReadsTheClientsEnrolmentRecorded() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("courier-enrolments-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(CourierKeystore.path(hubDataDirectory: directory) == CourierEnrolments.keystorePath(hubDataDirectory: directory))
        let path = CourierEnrolments.keystorePath(hubDataDirectory: directory)
        #expect(try CourierEnrolments.load(path: path).clients.isEmpty, "no keystore yet: nobody enrolled")

        let keystore = try CourierKeystore(hub: "hank", hubDataDirectory: directory, create: true)
        try keystore.enrol(EnrolledClient(name: "carol", encryptors: ["sam"], key: .generate()), replacing: false)
        try keystore.enrol(EnrolledClient(name: "curtis", encryptors: ["sunny", "susan"], key: .generate()), replacing: false)
        let stamp = CourierEnrolments.modificationStamp(path: path)
        try keystore.enrol(EnrolledClient(name: "carol", encryptors: ["sam", "sid"], key: .generate()), replacing: true)
        keystore.release()

        #expect(CourierEnrolments.modificationStamp(path: path) != stamp, "every save is seen as a change")
        #expect(try CourierEnrolments.load(path: path).clients == [
            .init(name: "curtis", encryptors: ["sunny", "susan"]),
            .init(name: "carol", encryptors: ["sam", "sid"]),
        ])
    }
}
