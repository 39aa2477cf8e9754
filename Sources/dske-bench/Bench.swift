/// Times a closure with the monotonic clock: a warm-up, a calibration that sizes rounds to the
/// requested duration, then the median of seven rounds (robust against a neighbour's burst on a
/// shared machine).
final class Bench {
    enum Unit { case nanoseconds, microseconds }

    let round: Duration
    private var sink: UInt8 = 0
    private let clock = ContinuousClock()

    init(round: Duration) {
        self.round = round
    }

    /// Nanoseconds per call of `body`; the returned byte is folded into a sink so the optimizer
    /// cannot drop the work.
    func measure(_ body: () throws -> UInt8) rethrows -> Double {
        var iterations = 1
        // Warm up and calibrate: double the batch until one takes a tenth of a round.
        while true {
            let elapsed = try time(iterations, body)
            if elapsed >= round / 10 {
                let perCall = nanoseconds(elapsed) / Double(iterations)
                iterations = max(1, Int(nanoseconds(round) / perCall))
                break
            }
            iterations *= 2
        }
        var samples: [Double] = []
        for _ in 0..<7 {
            samples.append(nanoseconds(try time(iterations, body)) / Double(iterations))
        }
        return samples.sorted()[samples.count / 2]
    }

    func report(_ name: String, nanoseconds: Double, unit: Unit) {
        switch unit {
        case .nanoseconds: report(name, value: nanoseconds, unit: "ns/op")
        case .microseconds: report(name, value: nanoseconds / 1000, unit: "us/op")
        }
    }

    func report(_ name: String, value: Double, unit: String) {
        let rounded = (value * 100).rounded() / 100
        print("\(name): \(rounded) \(unit)")
    }

    /// Uses the sink, so none of the measured work is dead code.
    func finish() {
        if sink == 0x5A, round == .zero { print("unreachable") }
    }

    private func time(_ iterations: Int, _ body: () throws -> UInt8) rethrows -> Duration {
        let start = clock.now
        for _ in 0..<iterations { sink ^= try body() }
        return clock.now - start
    }

    private func nanoseconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) * 1e9 + Double(parts.attoseconds) / 1e9
    }
}
