import DSKECore
import Foundation
import PSRDStore
import Testing

/// A node whose store another process holds is running: import never opens its store, it
/// stages the verified blocks and hands them over through the node's management interface.
/// With nothing answering there, the import fails cleanly.
@Suite struct RunningNodeTests {
    @Test func aLockedStoreIsNeverWrittenAndStagingIsCleanedUp() async throws {
        let setup = try BadBundleTests.setup()
        // This test process plays the running node: it holds carol's store (and its lock).
        let store = try await NodeStore(directory: setup.work.dataDirectory("carol"), localRole: .client)
        let result = try setup.work.courier("import", "--from", setup.stick, "--node", "carol", "--key-file", setup.key)
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("is running") && result.stderr.contains("mgmt/v1/import"), "\(result)")
        #expect(await store.levels().isEmpty)
        #expect(setup.work.stagingLeftovers("carol").isEmpty, "\(setup.work.stagingLeftovers("carol"))")
        #expect(Workspace.files(in: setup.stick).bundles.count == 1, "the bundle must stay on the medium")
        try await store.close()
        // Stopped, the same node imports the same bundle.
        #expect(try setup.work.courier("import", "--from", setup.stick, "--node", "carol", "--key-file", setup.key).succeeded)
    }
}
