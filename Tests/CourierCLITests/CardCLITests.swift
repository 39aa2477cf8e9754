import Foundation
import Testing

/// psrd-courier's smart-card commands as real processes over the real path: psrd-courier ->
/// libpcsclite -> pcscd -> vpcd -> devices/virtual-card. The suites share pcscd and reader 1
/// with PCSCTests and bring their own card up and down, so they run one at a time, and the
/// Makefile runs them on their own (`swift test --filter CardCLITests`).
@Suite(.serialized) struct CardCLITests {
    static let pin = "246810"
}
