import Foundation
import Testing
@testable import DSKECore

@Suite struct DSKESignatureTests {
    /// The example from the reference's running code.
    let example = "b6ed2299-ba1e-4947-8c30-07aec0247518:16:32%dbCcXZLz3shLzMxwKgdDbJt6fq1nhrY2R6+xPBItpIk="

    @Test func parsesTheReferenceExample() throws {
        let signature = try DSKESignature(headerValue: example)
        #expect(signature.allocation.encoded == "b6ed2299-ba1e-4947-8c30-07aec0247518:16:32")
        #expect(signature.tag.count == 32)
        #expect(signature.tag.prefix(3) == [0x75, 0xB0, 0x9C])
        #expect(signature.headerValue == example)
        #expect(DSKESignature.headerName == "DSKE-Signature")
    }

    @Test func acceptsSemicolonButEmitsPercent() throws {
        let signature = try DSKESignature(headerValue: example.replacingOccurrences(of: "%", with: ";"))
        #expect(signature.headerValue == example)
        #expect(signature == (try DSKESignature(headerValue: example)))
    }

    @Test func roundTripsSeveralFragmentsAndTagSizes() throws {
        for tagSize in [16, 17, 18, 32, 64] {
            let allocation = try Allocation(encoded: "b6ed2299-ba1e-4947-8c30-07aec0247518:0:16,0e7c4f6a-3b7f-4c1e-9d2a-5f8e1b2c3d4e:7:16")
            let signature = DSKESignature(allocation: allocation, tag: (0..<tagSize).map { UInt8(truncatingIfNeeded: $0 &* 37) })
            let parsed = try DSKESignature(headerValue: signature.headerValue)
            #expect(parsed == signature)
        }
    }

    @Test func theLongestValidHeaderFitsTheLimit() throws {
        let fragments = try (0..<Allocation.maxFragments).map { index in
            // 18-digit numbers, the longest allowed, whose sizes still sum below Int.max.
            try Fragment(blockUUID: UUID(), start: 999_999_999_999_999_000 + index, size: 100_000_000_000_000_000 + index)
        }
        let signature = DSKESignature(allocation: try Allocation(fragments: fragments), tag: [UInt8](repeating: 0xFF, count: 64))
        #expect(signature.headerValue.utf8.count <= DSKESignature.maxHeaderLength)
        #expect(try DSKESignature(headerValue: signature.headerValue) == signature)
    }

    @Test func refusesStructuralProblems() {
        #expect(throws: SignatureError.empty) { try DSKESignature(headerValue: "") }
        #expect(throws: SignatureError.missingSeparator) {
            try DSKESignature(headerValue: "b6ed2299-ba1e-4947-8c30-07aec0247518:16:32")
        }
        #expect(throws: SignatureError.multipleSeparators(count: 2)) {
            try DSKESignature(headerValue: example + "%AAAA")
        }
        #expect(throws: SignatureError.multipleSeparators(count: 2)) {
            try DSKESignature(headerValue: example.replacingOccurrences(of: "%", with: "%;"))
        }
        let long = String(repeating: "a", count: DSKESignature.maxHeaderLength + 1)
        #expect(throws: SignatureError.tooLong(length: long.utf8.count, limit: DSKESignature.maxHeaderLength)) {
            try DSKESignature(headerValue: long)
        }
    }

    @Test(arguments: [
        "B6ED2299-BA1E-4947-8C30-07AEC0247518:16:32",     // upper case
        "b6ed2299-ba1e-4947-8c30-07aec0247518:016:32",    // leading zero
        "b6ed2299-ba1e-4947-8c30-07aec0247518:-16:32",    // negative
        "b6ed2299-ba1e-4947-8c30-07aec0247518:16:0",      // empty range
        "b6ed2299-ba1e-4947-8c30-07aec0247518:99999999999999999999:32",  // overflow
        "b6ed2299-ba1e-4947-8c30-07aec0247518:0:32,b6ed2299-ba1e-4947-8c30-07aec0247518:16:32",  // overlap
        "",                                               // no allocation
        " b6ed2299-ba1e-4947-8c30-07aec0247518:16:32",    // space
    ])
    func refusesNonCanonicalAllocations(_ allocation: String) {
        let header = allocation + "%dbCcXZLz3shLzMxwKgdDbJt6fq1nhrY2R6+xPBItpIk="
        #expect {
            try DSKESignature(headerValue: header)
        } throws: { error in
            guard case .malformedAllocation = error as? SignatureError else { return false }
            return true
        }
    }

    @Test(arguments: [
        "dbCcXZLz3shLzMxwKgdDbJt6fq1nhrY2R6+xPBItpIk",     // padding missing
        "dbCcXZLz3shLzMxwKgdDbJt6fq1nhrY2R6-xPBItpIk=",    // URL-safe alphabet
        "dbCcXZLz3shLzMxwKgdDbJt6fq1nhrY2R6+xPBItpIl=",    // non-zero unused bits
        "dbCcXZLz3shLzMxwKgdDbJt6fq1nhrY2R6+xPBItpIk= ",   // trailing space
        "dbCcXZLz3shLzMxw KgdDbJt6fq1nhrY2R6+xPBItpIk=",   // inner space
        "dbCcXZLz3shLzMxwKgdDbJt6fq1nhrY2R6+xPBItp=k=",    // padding inside
        "dbCcXZLz3shLzMxwKgdDbJt6fq1nhrY2R6+xPBItpIk==",   // extra padding
        "====",
        "é",
    ])
    func refusesNonCanonicalBase64(_ tag: String) {
        #expect(throws: SignatureError.malformedTag) {
            try DSKESignature(headerValue: "b6ed2299-ba1e-4947-8c30-07aec0247518:16:32%" + tag)
        }
    }

    @Test func refusesTagsOfImplausibleLength() {
        let prefix = "b6ed2299-ba1e-4947-8c30-07aec0247518:16:32%"
        #expect(throws: SignatureError.tagLength(actual: 0, allowed: 16...64)) { try DSKESignature(headerValue: prefix) }
        #expect(throws: SignatureError.tagLength(actual: 15, allowed: 16...64)) {
            try DSKESignature(headerValue: prefix + StrictBase64.encode([UInt8](repeating: 1, count: 15)))
        }
        #expect(throws: SignatureError.tagLength(actual: 65, allowed: 16...64)) {
            try DSKESignature(headerValue: prefix + StrictBase64.encode([UInt8](repeating: 1, count: 65)))
        }
    }

    @Test func errorDescriptionsAreOneLine() {
        let errors: [SignatureError] = [.empty, .missingSeparator, .multipleSeparators(count: 3), .malformedTag,
                                        .tooLong(length: 9999, limit: 4953), .tagLength(actual: 3, allowed: 16...64),
                                        .malformedAllocation(.malformedAllocation("x"))]
        for error in errors {
            #expect(!error.description.isEmpty && !error.description.contains("\n"))
            #expect(error.description.contains("DSKE-Signature"))
        }
    }
}
