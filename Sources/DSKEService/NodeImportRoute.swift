#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DSKECore
import Foundation
import Hummingbird
import Logging
import PSRDStore

/// `POST /{role}/{name}/mgmt/v1/import` (`NodeImportRequest`): a running node adopts the block
/// files psrd-courier verified and staged in its store directory, and uses them at once (the
/// pools are the store's, read afresh by every allocation, status and warning).
///
/// The caller must be on loopback: only someone on this machine (psrd-courier, run by the node's
/// operator) can have staged files in the node's store directory in the first place. Each path
/// must be exactly the store's staging path for the block's own UUID, so a request cannot make
/// the node move any other file into its pools.
struct NodeImportRoute: Sendable {
    /// A request names a few blocks per bundle; this is far beyond any real bundle.
    static let bodyLimit = 1 << 20
    static let maxBlocks = 4096

    let store: NodeStore
    let logger: Logger

    func route(basePath: String) -> Route {
        Route(.post, basePath + "/mgmt/v1/import") { request, context in
            try await handle(request, remoteHost: context.remoteHost)
        }
    }

    func handle(_ request: Request, remoteHost: String) async throws(ServiceError) -> Response {
        guard Self.isLoopback(remoteHost) else {
            logger.warning("import refused: caller \(remoteHost) is not on loopback")
            throw .notAllowed("The import route answers on loopback only.", details: ["remote": .string(remoteHost)])
        }
        let body = try await request.collectBytes(limit: Self.bodyLimit)
        let message: NodeImportRequest
        do {
            message = try WireCoding.decode(NodeImportRequest.self, from: body, limit: Self.bodyLimit)
        } catch {
            if case .tooLarge(_, let limit) = error { throw .payloadTooLarge(limit: limit) }
            throw .badRequest("Invalid request body: \(error)")
        }
        let blocks = try stagedBlocks(message)
        // Sizes for the answer and the log, read before the files move.
        let bytes = blocks.reduce(0) { total, block in
            var info = stat()
            return total + (stat(block.path, &info) == 0 ? Int(info.st_size) : 0)
        }
        do {
            try await store.adoptBlockFiles(blocks, bundleID: message.bundleID, source: "courier:\(message.bundleID)")
        } catch {
            // The caller staged the files and still owns them: it wipes them after a refusal.
            logger.warning("import of bundle \(message.bundleID) refused: \(error)")
            throw ServiceError.fromImport(error)
        }
        let pools = Set(blocks.map { "\($0.peer) \($0.owner.rawValue)-owned" }).sorted().joined(separator: ", ")
        logger.info("imported bundle \(message.bundleID): \(blocks.count) block(s), \(bytes) bytes, pools \(pools)")
        return JSONResponse.make(body: NodeImportResponse(bundleID: message.bundleID, blocks: blocks.count, bytes: bytes))
    }

    /// The blocks as the store takes them, every field checked.
    private func stagedBlocks(_ message: NodeImportRequest) throws(ServiceError) -> [StagedBlock] {
        guard UUID(uuidString: message.bundleID) != nil else {
            throw .badRequest("Invalid 'bundle_id': expected a UUID.", details: ["field": "bundle_id"])
        }
        guard !message.blocks.isEmpty, message.blocks.count <= Self.maxBlocks else {
            throw .badRequest("'blocks' must name 1 to \(Self.maxBlocks) blocks.", details: ["field": "blocks"])
        }
        var staged: [StagedBlock] = []
        for block in message.blocks {
            guard let owner = PoolOwner(rawValue: block.owner) else {
                throw .badRequest("Invalid 'owner': expected 'client' or 'hub'.", details: ["field": "owner"])
            }
            guard let uuid = UUID(uuidString: block.uuid) else {
                throw .badRequest("Invalid 'uuid': expected a UUID.", details: ["field": "uuid"])
            }
            guard !block.peer.isEmpty, block.peer.utf8.count <= 128, !block.peer.contains("/") else {
                throw .badRequest("Invalid 'peer': 1 to 128 characters without '/'.", details: ["field": "peer"])
            }
            guard Self.isStagingPath(block.path, of: store.stagingPath(for: uuid)) else {
                throw .badRequest("Invalid 'path': only the node's own staging file for the block is accepted.",
                                  details: ["uuid": .string(uuid.lowercased), "expected": .string(store.stagingPath(for: uuid))])
            }
            staged.append(StagedBlock(peer: block.peer, owner: owner, uuid: uuid, path: block.path))
        }
        return staged
    }

    /// The path names the store's staging file itself: the same file name in the same directory,
    /// however the two spell the directory (psrd-courier may reach the data directory through
    /// another path, a symlink say).
    static func isStagingPath(_ path: String, of expected: String) -> Bool {
        if path == expected { return true }
        let given = path as NSString, wanted = expected as NSString
        guard given.lastPathComponent == wanted.lastPathComponent,
              let directory = realpath(given.deletingLastPathComponent, nil) else { return false }
        defer { free(directory) }
        guard let expectedDirectory = realpath(wanted.deletingLastPathComponent, nil) else { return false }
        defer { free(expectedDirectory) }
        return strcmp(directory, expectedDirectory) == 0
    }

    /// 127.0.0.0/8, ::1, and IPv4-mapped loopback.
    static func isLoopback(_ host: String) -> Bool {
        let address = host.hasPrefix("::ffff:") ? String(host.dropFirst(7)) : host
        return address == "::1" || address.hasPrefix("127.")
    }
}

extension ServiceError {
    /// Maps a store's refusal of an import: a replay conflicts with what the node holds, bad
    /// files or arguments are the caller's fault, anything else is this node's.
    static func fromImport(_ error: StoreError) -> ServiceError {
        switch error {
        case .duplicateBundle(let id):
            .conflict("Bundle was imported before.", details: ["bundle_id": .string(id)])
        case .duplicateBlock(let uuid):
            .conflict("Block was imported before.", details: ["uuid": .string(uuid.lowercased)])
        case .invalidArgument(let why):
            .badRequest("Import refused: \(why)")
        case .io(let operation, let path, let code) where code == ENOENT:
            .badRequest("Staging file missing: \(operation) \(path).")
        default:
            .internalError("import: \(error)")
        }
    }
}
