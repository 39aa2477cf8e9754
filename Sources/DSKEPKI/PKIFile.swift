import Foundation

/// Writes PEM files: certificates world-readable, private keys 0600 from the moment they exist.
public enum PKIFile {
    public static func write(_ issued: IssuedCertificate, certificate: String, key: String) throws(PKIError) {
        try write(try issued.certificatePEM(), to: certificate, mode: 0o644)
        try write(issued.keyPEM, to: key, mode: 0o600)
    }

    public static func write(_ text: String, to path: String, mode: mode_t) throws(PKIError) {
        let temporary = path + ".tmp"
        unlink(temporary)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard descriptor >= 0 else { throw PKIError("cannot create \(temporary): \(String(cString: strerror(errno)))") }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
        let failure = written != bytes.count ? errno : 0
        fchmod(descriptor, mode)
        close(descriptor)
        guard failure == 0, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw PKIError("cannot write \(path): \(String(cString: strerror(failure == 0 ? errno : failure)))")
        }
    }
}
