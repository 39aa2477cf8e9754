/// Limits shared by the key-share messages.
public enum KeyShare {
    /// A share's index is its Shamir x-coordinate, 0..<n, and n is at most 16 hubs (as in the
    /// reference). Anything else is refused before it reaches the Shamir code.
    public static let indexRange = 0...15
}
