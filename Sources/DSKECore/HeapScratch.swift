/// Scratch memory for the duration of `body`, from the heap: what `withUnsafeTemporaryAllocation`
/// offers, without its stack path.
///
/// Swift 6.3.1 release builds of this module trapped inside `withUnsafeTemporaryAllocation`
/// closures once the allocation passed 1 KiB (the size up to which the stdlib always takes the
/// stack): a captured count read as garbage (GF256.combine with 16 nodes, then
/// GF256.interpolate with 16 shares of 64 bytes; ShamirColumnsTests, `make test` in release).
/// Debug builds and smaller sizes were fine, so every use here goes through this instead: a
/// malloc and a free per call, against keys, shares and messages that cost microseconds.
/// Uninitialised, as the stdlib's: callers write before they read.
@inlinable
public func withHeapScratch<T, R>(of type: T.Type, capacity: Int,
                                  _ body: (UnsafeMutableBufferPointer<T>) throws -> R) rethrows -> R {
    precondition(capacity >= 0, "negative scratch capacity")
    let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: capacity)
    defer { buffer.deallocate() }
    return try body(buffer)
}
