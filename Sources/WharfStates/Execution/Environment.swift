import Foundation

/// The source of time for an execution: what `Wait` states and timeouts sleep on.
public protocol StatesClock: Sendable {
    func now() -> Date
    /// Suspends for the given number of seconds (a virtual clock advances instead).
    func sleep(seconds: Double) async throws
    /// Whether the clock only simulates time, so timeouts are judged by the time the clock advanced.
    var isVirtual: Bool { get }
}

/// The wall clock: Waits really wait.
public struct SystemClock: StatesClock {
    public init() {}
    public func now() -> Date { Date() }
    public func sleep(seconds: Double) async throws {
        if seconds > 0 { try await Task.sleep(nanoseconds: UInt64(min(seconds, 99_999_999) * 1e9)) }
    }
    public var isVirtual: Bool { false }
}

/// A simulated clock: sleeping advances it at once, so Waits take no real time.
public final class VirtualClock: StatesClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    public init(start: Date = Date(timeIntervalSince1970: 1_700_000_000)) { current = start }

    public func now() -> Date { lock.withLock { current } }
    public func sleep(seconds: Double) async throws {
        try Task.checkCancellation()
        if seconds > 0 { advance(by: min(seconds, 99_999_999)) }
    }
    public func advance(by seconds: Double) { lock.withLock { current = current.addingTimeInterval(seconds) } }
    public var isVirtual: Bool { true }
}

/// Randomness for `States.MathRandom`, `States.UUID`, `$random()`, `$uuid()` and retry jitter.
public protocol RandomSource: Sendable {
    /// A uniformly distributed value in [0, 1).
    func nextDouble() -> Double
    /// A random (version 4) UUID in lower-case text.
    func uuid() -> String
}

extension RandomSource {
    public func uuid() -> String {
        var bytes = (0..<16).map { _ in UInt8(nextDouble() * 256) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        let c = Array(hex)
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-" + String(c[16..<20]) + "-" + String(c[20..<32])
    }
}

/// Randomness from the system generator.
public struct SystemRandom: RandomSource {
    public init() {}
    public func nextDouble() -> Double { Double.random(in: 0..<1) }
    public func uuid() -> String { UUID().uuidString.lowercased() }
}

/// A reproducible random source (SplitMix64), for tests and replays.
public final class SeededRandom: RandomSource, @unchecked Sendable {
    private let lock = NSLock()
    private var generator: SplitMix64

    public init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    public func nextDouble() -> Double { lock.withLock { generator.nextDouble() } }
}

struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func nextDouble() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
