import Foundation
import Testing

/// What `issue` does with a target it cannot or must not write: a clear error, exit 1, and
/// nothing half-written on the target or in the hub's inbox.
@Suite struct TargetTests {
    static func expectNothingLeft(_ work: Workspace, on target: String?) {
        if let target {
            let files = Workspace.files(in: target)
            #expect(files.bundles.isEmpty && files.partials.isEmpty, "left on the target: \(files)")
        }
        let inbox = Workspace.files(in: work.inbox("hank"))
        #expect(inbox.bundles.isEmpty && inbox.partials.isEmpty, "left in the inbox: \(inbox)")
    }

    static func issue(_ work: Workspace, to target: String, size: String, allowAny: Bool = true) throws -> Command.Result {
        try work.courier(["issue", "--hub", "hank", "--client", "carol", "--to", target, "--size", size]
                         + (allowAny ? ["--allow-any-target"] : []))
    }

    @Test func fullTarget() throws {
        let work = try Workspace()
        _ = try work.enrol("carol", at: "hank")
        let stick = try Stick(kind: .ext4, size: "2M", in: work.directory)
        let result = try Self.issue(work, to: stick.mountPoint, size: "8MiB")
        #expect(result.status == 1 && result.stderr.contains("not enough space"), "\(result)")
        #expect(result.stderr.split(separator: "\n").count == 1)
        Self.expectNothingLeft(work, on: stick.mountPoint)
    }

    @Test func fullFATTargetWhereSpaceCannotBeReserved() throws {
        let work = try Workspace()
        _ = try work.enrol("carol", at: "hank")
        let stick = try Stick(kind: .vfat, size: "2M", in: work.directory)
        let result = try Self.issue(work, to: stick.mountPoint, size: "8MiB")
        #expect(result.status == 1 && result.stderr.contains("not enough space"), "\(result)")
        Self.expectNothingLeft(work, on: stick.mountPoint)
    }

    @Test func readOnlyTarget() throws {
        let work = try Workspace()
        _ = try work.enrol("carol", at: "hank")
        let stick = try Stick(kind: .ext4, size: "8M", in: work.directory, readOnly: true)
        let result = try Self.issue(work, to: stick.mountPoint, size: "256KiB")
        #expect(result.status == 1 && result.stderr.contains("read-only"), "\(result)")
        Self.expectNothingLeft(work, on: stick.mountPoint)
    }

    @Test func missingTarget() throws {
        let work = try Workspace()
        _ = try work.enrol("carol", at: "hank")
        let result = try Self.issue(work, to: work.path("not-mounted"), size: "256KiB")
        #expect(result.status == 1 && result.stderr.contains("does not exist"), "\(result)")
        Self.expectNothingLeft(work, on: nil)
        #expect(!FileManager.default.fileExists(atPath: work.path("not-mounted")))
    }

    @Test func loopImageIsNotRemovableMedia() throws {
        let work = try Workspace()
        _ = try work.enrol("carol", at: "hank")
        let stick = try Stick(kind: .ext4, size: "8M", in: work.directory)
        let result = try Self.issue(work, to: stick.mountPoint, size: "256KiB", allowAny: false)
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("not on removable media") && result.stderr.contains("removable=0")
                && result.stderr.contains("--allow-any-target"), "\(result)")
        Self.expectNothingLeft(work, on: stick.mountPoint)
    }

    @Test func interruptedIssueLeavesNothingImportAccepts() throws {
        let work = try Workspace()
        let key = try work.enrol("carol", at: "hank")
        let stick = try Stick(kind: .ext4, size: "600M", in: work.directory)
        let issue = try Command.start(Command.courier, ["issue", "--hub", "hank", "--client", "carol",
                                                        "--to", stick.mountPoint, "--size", "512MiB", "--allow-any-target"],
                                      directory: work.directory)
        // Kill it once it is writing (the temporary file exists and has grown).
        var writing = false
        for _ in 0..<3000 where !writing {
            usleep(10_000)
            let partial = Workspace.files(in: stick.mountPoint).partials.first
            if let partial, let size = try? FileManager.default.attributesOfItem(atPath: stick.mountPoint + "/" + partial)[.size] as? Int,
               size > 1 << 20 {
                writing = true
            }
        }
        kill(issue.pid, SIGKILL)
        let result = issue.wait()
        try #require(writing, "the issue finished or never started writing: \(result)")
        #expect(Workspace.files(in: stick.mountPoint).bundles.isEmpty)
        #expect(Workspace.files(in: work.inbox("hank")).bundles.isEmpty)

        let imported = try work.courier("import", "--from", stick.mountPoint, "--node", "carol", "--key-file", key)
        #expect(imported.status == 1 && imported.stderr.contains("no bundles"), "\(imported)")
        let hub = try work.courier("import", "--node", "hank")
        #expect(hub.status == 1, "\(hub)")
        // wipe clears the leftovers of the interrupted issue.
        let wipe = try work.courier("wipe", "--from", stick.mountPoint)
        #expect(wipe.succeeded && wipe.stdout.contains(".partial"), "\(wipe)")
        #expect(Workspace.files(in: stick.mountPoint).partials.isEmpty)
    }
}
