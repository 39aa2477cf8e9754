#if canImport(Darwin)
import Darwin
#else
import Glibc
#endif
@testable import Courier
import Foundation
import Testing

/// The QRNG path against devices/qrng/qrng-standin.py feeding real FIFOs.
@Suite struct QRNGStandInTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("devices/qrng/qrng-standin.py").path

    /// A FIFO with a stand-in writing into it; the writer is terminated when the value goes away.
    final class StandIn {
        let directory: ScratchDirectory
        let fifo: String
        let process = Process()

        init(_ mode: String, bytes: Int? = nil) throws {
            directory = try ScratchDirectory()
            fifo = directory.file("qrng")
            guard mkfifo(fifo, 0o600) == 0 else { throw POSIXError(.EIO) }
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", QRNGStandInTests.script, mode, fifo] + (bytes.map { ["--bytes", String($0)] } ?? [])
            try process.run()
        }

        deinit {
            // SIGKILL: a child of the test runner may inherit a mask that blocks SIGTERM.
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
    }

    static func combinedFailure(_ standIn: StandIn, stall: Duration = .seconds(10), fill: Int = 1 << 20) -> EntropyError? {
        do {
            let device = try QRNGDevice(path: standIn.fifo, stallTimeout: stall)
            let combined = try CombinedEntropy(qrng: device)
            _ = try combined.bytes(fill)
            return nil
        } catch {
            return error
        }
    }

    @Test func aGoodSourcePassesAndIsRecordedInTheHeader() throws {
        let standIn = try StandIn("good")
        let device = try QRNGDevice(path: standIn.fifo)
        let combined = try CombinedEntropy(qrng: device)
        let bytes = try combined.bytes(1 << 20)
        #expect(bytes.count == 1 << 20)
        // Start-up 4096 bytes, then two raw bytes per output byte.
        #expect(device.tests.bytesTested == 4096 + 2 * (1 << 20))
        let record = combined.record
        #expect(record.sources == ["os:getrandom", "qrng:\(standIn.fifo)"])
        #expect(record.combiner == CombinedEntropy.combinerName)
        let report = try #require(record.health.first)
        #expect(report.result == "pass" && report.startupBytes == 4096)
        #expect(report.repetitionCutoff == 6 && report.proportionCutoff == 26 && report.proportionWindow == 1024)
        #expect(report.startupLongestRun < 6 && report.startupHighestCount < 26)
    }

    @Test func aStuckSourceFailsTheRepetitionCountTest() throws {
        let standIn = try StandIn("stuck")
        let failure = Self.combinedFailure(standIn)
        #expect(failure == .healthTestFailed(source: "qrng:\(standIn.fifo)", .repetitionCount(run: 6, cutoff: 6, offset: 5)))
        #expect(failure?.description.contains("repetition count test") == true)
    }

    @Test func aBiasedSourceFailsTheAdaptiveProportionTest() throws {
        let standIn = try StandIn("biased")
        let failure = Self.combinedFailure(standIn)
        #expect(failure == .healthTestFailed(source: "qrng:\(standIn.fifo)",
                                             .adaptiveProportion(count: 26, window: 1024, cutoff: 26, offset: 50)))
        #expect(failure?.description.contains("adaptive proportion test") == true)
    }

    @Test func aStalledSourceTimesOut() throws {
        // The timeout also covers the wait for the first byte, so it must allow for the stand-in's
        // start-up on a loaded machine; the stall after 100 bytes is what is tested.
        let standIn = try StandIn("stalled", bytes: 100)
        #expect(Self.combinedFailure(standIn, stall: .milliseconds(1500))
                == .stalled(source: "qrng:\(standIn.fifo)", timeout: .milliseconds(1500), bytesRead: 100))
    }

    @Test func aSourceThatNeverStartsTimesOut() throws {
        // A FIFO nobody writes to: the open must not hang, the read must time out.
        let directory = try ScratchDirectory()
        let fifo = directory.file("silent")
        #expect(mkfifo(fifo, 0o600) == 0)
        let device = try QRNGDevice(path: fifo, stallTimeout: .milliseconds(200))
        #expect(throws: EntropyError.stalled(source: "qrng:\(fifo)", timeout: .milliseconds(200), bytesRead: 0)) {
            try device.startup()
        }
    }

    @Test func anEndingSourceReportsEndOfFile() throws {
        let standIn = try StandIn("ending", bytes: 10_000)
        // The start-up test takes 4096; the rest is 5904 raw bytes, 2952 output bytes' worth.
        #expect(Self.combinedFailure(standIn, fill: 4096)
                == .endOfStream(source: "qrng:\(standIn.fifo)", bytesRead: 10_000))
    }

    @Test func aFailedSourceStaysFailed() throws {
        let standIn = try StandIn("stuck")
        let device = try QRNGDevice(path: standIn.fifo)
        #expect(throws: EntropyError.self) { try device.startup() }
        kill(standIn.process.processIdentifier, SIGKILL)
        #expect(throws: EntropyError.healthTestFailed(source: "qrng:\(standIn.fifo)", .repetitionCount(run: 6, cutoff: 6, offset: 5))) {
            try device.startup()
        }
    }

    @Test func aMissingDeviceIsUnavailable() {
        #expect(throws: EntropyError.unavailable(source: "qrng:/nonexistent/qrng", errno: ENOENT)) {
            _ = try QRNGDevice(path: "/nonexistent/qrng")
        }
    }

    @Test func aRegularFileServesUntilItEnds() throws {
        // A file stands in for a device too; its bytes are combined, never passed through raw.
        let directory = try ScratchDirectory()
        let path = directory.file("raw")
        // Start-up bytes, then 64 raw bytes for each 32 output bytes (or part of them).
        let raw = BundleFixture.bytes(4096 + 2 * 1024, seed: 99)
        try Data(raw).write(to: URL(fileURLWithPath: path))
        let combined = try CombinedEntropy(qrng: QRNGDevice(path: path))
        let output = try combined.bytes(1000)
        #expect(output != Array(raw[4096..<5096]))
        #expect(output != Array(raw[5096..<6096]))
        #expect(throws: EntropyError.endOfStream(source: "qrng:\(path)", bytesRead: raw.count)) {
            _ = try combined.bytes(1)
        }
    }
}
