import DSKEConfig
import DSKECore

/// The bounds this KME announces in ETSI Status and enforces on requests.
enum ETSILimits {
    /// Key sizes in bits: Shamir needs at least 4 bytes; the top is the reference's maximum.
    static let keySizeRange = DSKEConfiguration.Limits.keySizeRange
    /// Key material one `enc_keys` call may ask for (`number` x `size`, in bits): one share of
    /// this much fits in a hub's body limits and one PSRD allocation (2 MiB).
    static let maxBitsPerRequest = 16_777_216
    /// Additional slave SAEs one Get key may name (`max_SAE_ID_count`). Each costs a whole
    /// scatter's PSRD (one share set per slave), so the count is kept small.
    static let maxSAEIDCount = 8
    /// The largest pad one message allocates: the shares of one batch message are cut into
    /// several messages beyond this.
    static let maxBytesPerMessage = maxBitsPerRequest / 8
}
