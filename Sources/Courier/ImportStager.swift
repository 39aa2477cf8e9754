#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DSKECore
import Foundation
import PSRDStore

/// The staging step of `psrd-courier import`: what `BundleImporter.stage` does (stream the
/// verified payload into one staging file per block, sync them, wipe them all on any failure),
/// with reading and decrypting on this thread and writing on `ImportWriter`'s, so that a
/// gigabyte imports at the speed of a copy rather than of decrypting plus writing in turn.
enum ImportStager {
    static func stage(_ reader: BundleReader, paths: [String], role: PoolOwner) throws(BundleError) -> StagedBundle {
        let header = reader.header
        let peer = role == .client ? header.pair.hub : header.pair.client
        var descriptors: [Int32] = []
        func closeAll() {
            for fd in descriptors where fd >= 0 { close(fd) }
            descriptors = []
        }
        var writer: ImportWriter?
        do throws(BundleError) {
            for path in paths {
                // O_TRUNC: a staging file left by an interrupted earlier attempt is overwritten.
                descriptors.append(try FileIO.openFile(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, mode: 0o600))
            }
            let output = ImportWriter(descriptors: descriptors, paths: paths)
            writer = output
            var queued = [Int](repeating: 0, count: header.blocks.count)
            var current: (index: Int, buffer: UnsafeMutableRawBufferPointer, count: Int, block: Int)?
            func submit() throws(BundleError) {
                guard let filling = current else { return }
                current = nil
                try output.submit(filling.index, count: filling.count, file: filling.block,
                                  ends: queued[filling.block] == header.blocks[filling.block].size)
            }
            try reader.readPayload { (block: Int, bytes: UnsafeRawBufferPointer) throws(BundleError) in
                var offset = 0
                while offset < bytes.count {
                    if let filling = current, filling.block != block { try submit() }
                    if current == nil {
                        let (index, buffer) = try output.acquire()
                        current = (index, buffer, 0, block)
                    }
                    let take = min(output.bufferSize - current!.count, bytes.count - offset)
                    (current!.buffer.baseAddress! + current!.count).copyMemory(from: bytes.baseAddress! + offset, byteCount: take)
                    current!.count += take
                    queued[block] += take
                    offset += take
                    if current!.count == output.bufferSize || queued[block] == header.blocks[block].size { try submit() }
                }
            }
            try submit()
            try output.finish()
            writer = nil
            for (fd, path) in zip(descriptors, paths) { try FileIO.sync(fd, path: path) }
            closeAll()
            if let directory = paths.first.map({ URL(fileURLWithPath: $0).deletingLastPathComponent().path }) {
                try FileIO.syncDirectory(directory)
            }
        } catch {
            try? writer?.finish(abandon: true)
            closeAll()
            for path in paths { try? FileIO.wipeAndUnlink(path) }
            throw error
        }
        return StagedBundle(header: header, blocks: zip(header.blocks, paths).map {
            StagedBlock(peer: peer, owner: $0.owner, uuid: $0.uuid, path: $1)
        })
    }
}
