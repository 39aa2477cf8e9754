/// Constants and limits of bundle format v1 (docs/bundle-format.md is the specification).
public enum BundleFormat {
    /// The first line of every v1 bundle, newline included.
    public static let magic = "dske-psrd-bundle/v1\n"
    /// What every version's magic line starts with, so a newer bundle is told apart from junk.
    public static let magicPrefix = "dske-psrd-bundle/"
    public static let fileExtension = "dskb"
    /// Plaintext bytes per payload chunk written by this implementation.
    public static let defaultChunkSize = 64 * 1024
    /// The chunk sizes a reader accepts: a bound on the memory one chunk needs.
    public static let chunkSizeRange = 16...(16 << 20)
    /// AES-GCM tag bytes after each chunk's ciphertext.
    public static let tagSize = 16
    /// The longest header line (JSON without its newline) a reader accepts.
    public static let maxHeaderSize = 1 << 20
    public static let maxBlocks = 4096
    /// Bound on one block and on the whole payload: far above any real bundle, low enough that
    /// sizes, offsets and chunk counts never overflow.
    public static let maxPayloadSize = 1 << 50
    public static let maxStanzas = 16
    /// `--- ` + 44 base64 characters of HMAC-SHA256 + newline.
    public static let macLineSize = 4 + 44 + 1
    public static let macLinePrefix = "--- "

    /// `<bundle id>.dskb`
    public static func fileName(bundleID: String) -> String { "\(bundleID).\(fileExtension)" }
}
