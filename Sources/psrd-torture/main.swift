// psrd-torture: the child process of the PSRD crash test (Tests/PSRDStoreTests/CrashTests.swift).
//
//   psrd-torture <dir> <client|hub> [--take-from N] [--retry ALLOCATION]... [--ops N] [--chunk N]
//
// Opens a NodeStore, adds a deterministic set of blocks (duplicates refused after the first
// start), then alternates: allocate 32 bytes from the own pool, take 32 bytes from the peer pool
// as a sequential sender at global offset N would name them. Every line is written with one
// write(2) AFTER the operation returned, so a line on stdout proves the operation completed:
//   OPEN                      the store opened
//   R refused <alloc> <why>   a --retry range (accepted before a crash) was refused, as it must be
//   R ACCEPTED <alloc>        ... was accepted again: the defect the test looks for
//   A <alloc>                 an allocation was handed out (its bytes checked against the block)
//   T <alloc> <end>           a take was accepted; <end> is the sender's next global offset
//   S <offset>                the store reported a replay floor; the sender resumes there
//   U <alloc>                 the store refused a range as already used; the sender moves on
//   X <what>                  bytes differ from the deterministic block content (exit 3)
//   DONE                      --ops reached or both pools used up; the store was closed cleanly
// The parent kills it with SIGKILL at random instants and checks the lines across restarts.

#if canImport(Darwin)
import Darwin
#else
import Glibc
#endif
import DSKECore
import Foundation
import PSRDStore

/// Geometry shared with the parent: blocks are not a multiple of 32 bytes, so some allocations
/// span two blocks.
enum Layout {
    static let peerName = "torture-peer"
    static let blockCount = 6
    static let blockSize = 300_008

    static func uuid(own: Bool, index: Int) -> UUID {
        UUID(uuidString: String(format: "00000000-0000-4000-8000-%012x", (own ? 0x100 : 0x200) + index))!
    }

    /// Byte `offset` of a block: a counter-based generator, so any range can be checked.
    static func byte(_ uuid: UUID, _ offset: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: word(uuid, offset / 8) >> (8 * UInt64(offset % 8)))
    }

    static func word(_ uuid: UUID, _ index: Int) -> UInt64 {
        var z = UInt64(uuid.uuid.15) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(index) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static func bytes(_ uuid: UUID) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(blockSize + 8)
        for index in 0..<((blockSize + 7) / 8) {
            withUnsafeBytes(of: word(uuid, index).littleEndian) { bytes += $0 }
        }
        return Array(bytes.prefix(blockSize))
    }

    static func matches(_ allocation: Allocation, _ data: [UInt8]) -> Bool {
        var i = 0
        for fragment in allocation.fragments {
            for offset in fragment.start..<fragment.end {
                if data[i] != byte(fragment.blockUUID, offset) { return false }
                i += 1
            }
        }
        return i == data.count
    }

    /// The 32 bytes a sequential sender at global offset `position` names in the peer blocks.
    static func senderAllocation(at position: Int) -> Allocation? {
        var fragments: [Fragment] = []
        var position = position
        var remaining = 32
        while remaining > 0 {
            let index = position / blockSize
            guard index < blockCount else { return nil }
            let start = position % blockSize
            let size = min(remaining, blockSize - start)
            fragments.append(try! Fragment(blockUUID: uuid(own: false, index: index), start: start, size: size))
            position += size
            remaining -= size
        }
        return try! Allocation(fragments: fragments)
    }

    static func globalOffset(block: UUID, offset: Int) -> Int? {
        (0..<blockCount).first { uuid(own: false, index: $0) == block }.map { $0 * blockSize + offset }
    }
}

func emit(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    var done = 0
    while done < bytes.count {
        let n = bytes.withUnsafeBytes { write(1, $0.baseAddress! + done, bytes.count - done) }
        if n <= 0 { exit(5) }
        done += n
    }
}

func fail(_ message: String, code: Int32) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(code)
}

var arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count >= 2, let role = PoolOwner(rawValue: arguments[1]) else {
    fail("usage: psrd-torture <dir> <client|hub> [--take-from N] [--retry ALLOCATION]... [--ops N] [--chunk N]", code: 64)
}
let directory = arguments[0]
var senderPosition = 0
var retries: [String] = []
var opsLimit = Int.max
var chunk = 4096
var i = 2
while i + 1 < arguments.count {
    switch arguments[i] {
    case "--take-from": senderPosition = Int(arguments[i + 1]) ?? 0
    case "--retry": retries.append(arguments[i + 1])
    case "--ops": opsLimit = Int(arguments[i + 1]) ?? Int.max
    case "--chunk": chunk = Int(arguments[i + 1]) ?? chunk
    default: fail("unknown option \(arguments[i])", code: 64)
    }
    i += 2
}

let store: NodeStore
do {
    store = try await NodeStore(directory: directory, localRole: role, reserveChunk: chunk)
} catch {
    emit("OPENFAIL \(error)")
    exit(2)
}
emit("OPEN")

let peerRole: PoolOwner = role == .client ? .hub : .client
for own in [true, false] {
    for index in 0..<Layout.blockCount {
        let uuid = Layout.uuid(own: own, index: index)
        do {
            if try await store.hasSeenBlock(uuid) { continue }
            try await store.addBlock(peer: Layout.peerName, owner: own ? role : peerRole, uuid: uuid,
                                     bytes: Layout.bytes(uuid), source: "torture")
        } catch .duplicateBlock {
            continue
        } catch {
            fail("addBlock failed: \(error)", code: 4)
        }
    }
}

for text in retries {
    guard let allocation = try? Allocation(encoded: text) else { fail("bad --retry \(text)", code: 64) }
    do {
        _ = try await store.take(peer: Layout.peerName, allocation: allocation)
        emit("R ACCEPTED \(text)")
    } catch {
        emit("R refused \(text) \(error)")
    }
}

var allocating = true
var taking = true
var ops = 0
while (allocating || taking) && ops < opsLimit {
    ops += 1
    if allocating {
        do {
            let (allocation, data) = try await store.allocate(peer: Layout.peerName, size: 32)
            guard Layout.matches(allocation, data) else {
                emit("X allocated bytes differ: \(allocation.encoded)")
                exit(3)
            }
            emit("A \(allocation.encoded)")
        } catch .exhausted {
            allocating = false
        } catch {
            fail("allocate failed: \(error)", code: 4)
        }
    }
    if taking {
        guard let allocation = Layout.senderAllocation(at: senderPosition) else {
            taking = false
            continue
        }
        do {
            let data = try await store.take(peer: Layout.peerName, allocation: allocation)
            guard Layout.matches(allocation, data) else {
                emit("X taken bytes differ: \(allocation.encoded)")
                exit(3)
            }
            senderPosition += 32
            emit("T \(allocation.encoded) \(senderPosition)")
        } catch let .belowReplayFloor(block, _, _, resumeAt) {
            guard let resume = Layout.globalOffset(block: block, offset: resumeAt), resume > senderPosition else {
                fail("replay floor does not move the sender forward", code: 4)
            }
            senderPosition = resume
            emit("S \(senderPosition)")
        } catch .alreadyUsed {
            emit("U \(allocation.encoded)")
            senderPosition += 32
        } catch {
            fail("take failed: \(error)", code: 4)
        }
    }
}
do {
    try await store.close()
} catch {
    fail("close failed: \(error)", code: 4)
}
emit("DONE")
