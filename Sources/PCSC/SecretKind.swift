/// Which secret a verification checks, so a refusal reads "wrong PIN" or "wrong PUK".
public enum SecretKind: Sendable, Equatable {
    case pin
    case puk

    func wrong(triesLeft: Int) -> PCSCError {
        if triesLeft == 0 { return blocked }
        return self == .pin ? .wrongPIN(triesLeft: triesLeft) : .wrongPUK(triesLeft: triesLeft)
    }

    var blocked: PCSCError { self == .pin ? .pinBlocked : .pukBlocked }
}
