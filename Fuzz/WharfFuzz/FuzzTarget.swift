import Dispatch

/// One fuzz target: a parser fed every input libFuzzer makes. Errors thrown by the parser are the
/// expected answer to bad input; a trap, a sanitizer report or a hang is a finding.
struct FuzzTarget: Sendable {
    let name: String
    let summary: String
    let run: @Sendable (UnsafeBufferPointer<UInt8>) -> Void
}

/// The target chosen on the command line (libFuzzer's callback is a C function and captures nothing).
nonisolated(unsafe) var selectedTarget = FuzzTarget(name: "", summary: "", run: { _ in })

/// Reads an input as a few option bytes followed by the text under test, so one corpus file holds
/// both the options and the text.
struct FuzzInput {
    private(set) var bytes: ArraySlice<UInt8>

    init(_ buffer: UnsafeBufferPointer<UInt8>) { bytes = ArraySlice(buffer) }

    /// The next option byte (0 once the input is used up).
    mutating func byte() -> UInt8 {
        guard let b = bytes.first else { return 0 }
        bytes = bytes.dropFirst()
        return b
    }

    /// The bytes up to the next `separator` (or the rest), consumed with the separator.
    mutating func field(until separator: UInt8 = 0x0A) -> ArraySlice<UInt8> {
        guard let at = bytes.firstIndex(of: separator) else {
            defer { bytes = bytes[bytes.endIndex...] }
            return bytes
        }
        defer { bytes = bytes[(at + 1)...] }
        return bytes[..<at]
    }

    var rest: [UInt8] { Array(bytes) }

    /// The rest as text, invalid UTF-8 repaired (for parsers that take a `String`).
    var restText: String { String(decoding: bytes, as: UTF8.self) }
}

extension ArraySlice<UInt8> {
    var text: String { String(decoding: self, as: UTF8.self) }
}

/// Runs async code that never really waits (the parsers' async entry points) to its end, from
/// libFuzzer's synchronous callback.
func runBlocking(_ body: @escaping @Sendable () async -> Void) {
    let done = DispatchSemaphore(value: 0)
    Task {
        await body()
        done.signal()
    }
    done.wait()
}
